// An event's description, formatted from its Markdown within the limits set in markdown.ts, and
// its plain-text excerpt for cards. Loaded as a chunk of its own (see lazyMarkdown.ts).

import { type AnchorHTMLAttributes, useMemo } from 'react';
import Markdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { plainExcerpt, remarkEventDescription, safeHref } from './markdown';

/** Links leave the app in a new tab, pass nothing to the page they open, and vouch for nothing. */
function DescriptionLink({ href, children }: AnchorHTMLAttributes<HTMLAnchorElement>) {
  if (!href) return <span>{children}</span>;
  if (href.startsWith('#')) return <a href={href}>{children}</a>;
  return (
    <a href={href} rel="noopener noreferrer nofollow" target="_blank">
      {children}
    </a>
  );
}

const components: Components = { a: DescriptionLink };

const plugins = [remarkGfm, remarkEventDescription];

// GFM footnotes get a heading of their own: kept under the section's, and hidden as the app hides.
const rehypeOptions = {
  footnoteLabelTagName: 'h3',
  footnoteLabelProperties: { className: ['visually-hidden'] },
};

export function EventDescription({ markdown }: { markdown: string }) {
  return (
    <div className="description" data-testid="event-description">
      <Markdown
        remarkPlugins={plugins}
        remarkRehypeOptions={rehypeOptions}
        urlTransform={(url) => safeHref(url) ?? ''}
        components={components}
      >
        {markdown}
      </Markdown>
    </div>
  );
}

/** The first words of a description as plain text, for a card. */
export function EventExcerpt({ markdown }: { markdown: string }) {
  const text = useMemo(() => plainExcerpt(markdown), [markdown]);
  return text ? <p className="event-card-excerpt">{text}</p> : null;
}
