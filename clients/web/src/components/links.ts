// Web addresses in chat lines and direct messages, found so that they can be shown as links.
// Only addresses written with http:// or https:// count: guessing at "example.com" would also
// catch file names, and other schemes have no business in a chat.

import { LinkifyIt } from 'linkify-it';

const linkify = new LinkifyIt({ fuzzyLink: false, fuzzyEmail: false })
  .add('ftp:', null)
  .add('//', null)
  .add('mailto:', null);

/** A run of a message: plain text, or a link when `href` is set. */
export interface TextSegment {
  text: string;
  href?: string;
}

/** Splits a message into text and web links, in order; joined, the texts are the message again. */
export function linkSegments(message: string): TextSegment[] {
  const matches = linkify.test(message) ? (linkify.match(message) ?? []) : [];
  const segments: TextSegment[] = [];
  let at = 0;
  for (const match of matches) {
    const href = webHref(match.url);
    if (!href) continue;
    if (match.index > at) segments.push({ text: message.slice(at, match.index) });
    segments.push({ text: message.slice(match.index, match.lastIndex), href });
    at = match.lastIndex;
  }
  if (at < message.length) segments.push({ text: message.slice(at) });
  return segments;
}

function webHref(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}
