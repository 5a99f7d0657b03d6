import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { EventDescription } from './EventDescription';
import { plainExcerpt, safeHref } from './markdown';

const render = (markdown: string) => renderToStaticMarkup(createElement(EventDescription, { markdown }));

describe('event descriptions', () => {
  it('follows only web, e-mail and same-text links', () => {
    expect(safeHref('https://example.com/a?b=c')).toBe('https://example.com/a?b=c');
    expect(safeHref(' HTTP://Example.com ')).toBe('http://example.com/');
    expect(safeHref('mailto:team@example.com')).toBe('mailto:team@example.com');
    expect(safeHref('#user-content-fn-1')).toBe('#user-content-fn-1');
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('java\nscript:alert(1)')).toBeNull();
    expect(safeHref('data:text/html,<script>alert(1)</script>')).toBeNull();
    expect(safeHref('/events/1')).toBeNull();
    expect(safeHref('ftp://example.com')).toBeNull();
  });

  it('formats Markdown, and shows raw HTML as text that never runs', () => {
    const html = render('Hello **world**\n\n- one\n- two\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>');
    expect(html).toContain('<strong>world</strong>');
    expect(html).toContain('<ul>\n<li>one</li>\n<li>two</li>\n</ul>');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('opens links safely, and does not make links of other schemes', () => {
    const html = render('[Tickets](https://example.com/t) and [bad](javascript:alert(1)) and https://bare.example.com');
    expect(html).toContain(
      '<a href="https://example.com/t" rel="noopener noreferrer nofollow" target="_blank">Tickets</a>',
    );
    expect(html).toContain('<span>bad</span>');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('<a href="https://bare.example.com/" rel="noopener noreferrer nofollow" target="_blank">');
  });

  it('turns images into links, so nothing is loaded from elsewhere', () => {
    const html = render(
      '![the venue](https://tracker.example.com/p.gif) [![logo](https://x.example/l.png)](https://x.example)',
    );
    expect(html).not.toContain('<img');
    expect(html).toContain(
      '<a href="https://tracker.example.com/p.gif" rel="noopener noreferrer nofollow" target="_blank">the venue</a>',
    );
    expect(html).toContain('<a href="https://x.example/" rel="noopener noreferrer nofollow" target="_blank">logo</a>');
    const reference = render('![map][venue]\n\n[venue]: https://maps.example.com/v.png');
    expect(reference).not.toContain('<img');
    expect(reference).toContain(
      '<a href="https://maps.example.com/v.png" rel="noopener noreferrer nofollow" target="_blank">map</a>',
    );
  });

  it('keeps headings below the page title and section titles', () => {
    const html = render('# Agenda\n\n## Talks\n\n#### Small');
    expect(html).toContain('<h3>Agenda</h3>');
    expect(html).toContain('<h4>Talks</h4>');
    expect(html).toContain('<h6>Small</h6>');
    expect(html).not.toMatch(/<h[12][ >]/);
  });

  it('makes a plain-text excerpt without Markdown syntax', () => {
    expect(plainExcerpt('# Agenda\n\nHello **world**, see [the site](https://example.com).\n\n- one\n- two')).toBe(
      'Agenda Hello world, see the site. one two',
    );
    expect(plainExcerpt('Ban<b>ned</b> ~~old~~ `code`<br>\n\n<script>alert(1)</script>')).toBe('Banned old code');
    const long = plainExcerpt('word '.repeat(100), 23);
    expect(long).toBe('word word word word…');
  });
});
