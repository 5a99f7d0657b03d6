// An event as an iCalendar file (RFC 5545), for "Add to calendar": one VEVENT in UTC, so every
// calendar shows it at the right moment wherever its owner is. Pure, so the format is tested.

import type { MingleEvent } from './types';

const CRLF = '\r\n';
/** Content lines longer than this many octets are folded (RFC 5545 §3.1). */
const LINE_OCTETS = 75;

/** A TEXT value with its backslashes, semicolons, commas and newlines escaped (§3.3.11). */
export function escapeText(value: string): string {
  return (
    value
      .replace(/\\/g, '\\\\')
      .replace(/;/g, '\\;')
      .replace(/,/g, '\\,')
      .replace(/\r\n?|\n/g, '\\n')
      // Other control characters are not allowed in TEXT; tabs are.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
  );
}

/**
 * A content line folded to at most 75 octets of UTF-8 per line, continuation lines starting with
 * one space (§3.1); a character is never split across lines.
 */
export function foldLine(line: string): string {
  const encoder = new TextEncoder();
  const lines: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = encoder.encode(char).length;
    // Continuation lines spend one octet on their leading space.
    const room = lines.length === 0 ? LINE_OCTETS : LINE_OCTETS - 1;
    if (octets + size > room) {
      lines.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  lines.push(current);
  return lines.join(`${CRLF} `);
}

/** A date-time in UTC, the form DTSTART and DTEND take with a trailing Z (§3.3.5). */
export function utcDateTime(iso: string | Date): string {
  return new Date(iso)
    .toISOString()
    .replace(/\.\d{3}/, '')
    .replace(/[-:]/g, '');
}

/** Where the event happens, in words: its venue, address and city, or its online link. */
function location(event: MingleEvent): string | null {
  if (event.venue) return [event.venue.name, event.venue.address, event.venue.city].filter(Boolean).join(', ');
  return event.online_url ?? null;
}

/**
 * The event as a calendar file. `pageUrl` is the event's page in the app (its URL, and the host
 * that makes the UID unique); `now` stamps the file.
 */
export function eventCalendar(event: MingleEvent, pageUrl: string, now: Date = new Date()): string {
  const where = location(event);
  const description = [event.description.trim(), pageUrl].filter(Boolean).join('\n\n');
  const properties: [string, string | null][] = [
    ['BEGIN', 'VCALENDAR'],
    ['VERSION', '2.0'],
    ['PRODID', '-//Mingle//Mingle events//EN'],
    ['CALSCALE', 'GREGORIAN'],
    ['METHOD', 'PUBLISH'],
    ['BEGIN', 'VEVENT'],
    ['UID', `${event.id}@${new URL(pageUrl).host}`],
    ['DTSTAMP', utcDateTime(now)],
    ['DTSTART', utcDateTime(event.starts_at)],
    ['DTEND', utcDateTime(event.ends_at)],
    ['SUMMARY', escapeText(event.title)],
    ['DESCRIPTION', escapeText(description)],
    ['LOCATION', where ? escapeText(where) : null],
    ['GEO', event.venue ? `${event.venue.lat};${event.venue.lon}` : null],
    ['URL', pageUrl],
    ['END', 'VEVENT'],
    ['END', 'VCALENDAR'],
  ];
  return properties
    .filter((p): p is [string, string] => p[1] !== null)
    .map(([name, value]) => foldLine(`${name}:${value}`) + CRLF)
    .join('');
}

/** A file name for the event's calendar file: its title in lowercase words, joined by dashes. */
export function calendarFileName(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `${slug || 'event'}.ics`;
}
