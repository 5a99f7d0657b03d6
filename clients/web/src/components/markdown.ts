// Event descriptions are Markdown written by organizers and read by everyone, so what they may
// turn into is narrowed here: links only to the web or e-mail, no image fetched from elsewhere
// (a tracking pixel would see every reader), headings below the page's own, and no raw HTML
// (react-markdown shows it as text). Cards show a plain-text excerpt of the same source.

import type { Nodes, PhrasingContent, Root } from 'mdast';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/**
 * The address a link may point to, normalized, or null when it may not be followed: only
 * http, https and mailto, plus fragments within the same text (GFM footnotes).
 */
export function safeHref(url: string): string | null {
  const trimmed = url.trim();
  if (/^#[\w-]*$/.test(trimmed)) return trimmed;
  try {
    const parsed = new URL(trimmed);
    return SAFE_PROTOCOLS.has(parsed.protocol) ? parsed.href : null;
  } catch {
    // Relative or malformed: there is no page for it to be relative to.
    return null;
  }
}

/** How many levels headings move down: the page has its title (h1) and section titles (h2). */
const HEADING_SHIFT = 2;

/**
 * A remark plugin for descriptions: headings move down below the page's own, and images become
 * links to them (or their text alone, inside a link), so nothing is loaded from elsewhere.
 */
export function remarkEventDescription() {
  return (tree: Root) => rewrite(tree, false);
}

function rewrite(node: Nodes, inLink: boolean): void {
  if (node.type === 'heading') node.depth = Math.min(6, node.depth + HEADING_SHIFT) as typeof node.depth;
  if (!('children' in node)) return;
  const linked = inLink || node.type === 'link' || node.type === 'linkReference';
  const children = node.children as Nodes[];
  children.forEach((child, i) => {
    if (child.type === 'image' || child.type === 'imageReference') {
      const text: PhrasingContent = { type: 'text', value: child.alt || 'image' };
      if (linked) children[i] = text;
      else if (child.type === 'image') children[i] = { type: 'link', url: child.url, children: [text] };
      else {
        const { identifier, label, referenceType } = child;
        children[i] = { type: 'linkReference', identifier, label, referenceType, children: [text] };
      }
    } else {
      rewrite(child, linked);
    }
  });
}

/** Nodes whose children run together as one line of text; the others' are separated. */
const INLINE_PARENTS = new Set(['paragraph', 'heading', 'emphasis', 'strong', 'delete', 'link', 'linkReference']);

function textOf(node: Nodes): string {
  switch (node.type) {
    case 'text':
    case 'inlineCode':
      return node.value;
    case 'image':
    case 'imageReference':
      return node.alt ?? '';
    case 'break':
      return ' ';
    case 'html':
    case 'code':
    case 'definition':
    case 'footnoteDefinition':
    case 'footnoteReference':
      return '';
  }
  if (!('children' in node)) return '';
  return (node.children as Nodes[]).map(textOf).join(INLINE_PARENTS.has(node.type) ? '' : ' ');
}

/** How much of a description is read for an excerpt: more than any card shows. */
const EXCERPT_SOURCE = 2000;

/**
 * A description as plain text, without Markdown syntax or raw HTML, cut at a word boundary to at
 * most `max` characters (an ellipsis marks the cut).
 */
export function plainExcerpt(markdown: string, max = 180): string {
  const tree = unified().use(remarkParse).use(remarkGfm).parse(markdown.slice(0, EXCERPT_SOURCE));
  const text = textOf(tree).replace(/\s+/g, ' ').trim();
  if ([...text].length <= max) return text;
  const cut = [...text].slice(0, max).join('');
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:!?–-]+$/, '')}…`;
}
