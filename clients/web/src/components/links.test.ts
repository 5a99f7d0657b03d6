import { describe, expect, it } from 'vitest';
import { linkSegments } from './links';

describe('links in messages', () => {
  it('finds http and https addresses, keeping the text around them', () => {
    const message = 'Slides: https://example.com/talk?id=1, and http://x.example (mirror).';
    const segments = linkSegments(message);
    expect(segments).toEqual([
      { text: 'Slides: ' },
      { text: 'https://example.com/talk?id=1', href: 'https://example.com/talk?id=1' },
      { text: ', and ' },
      { text: 'http://x.example', href: 'http://x.example/' },
      { text: ' (mirror).' },
    ]);
    expect(segments.map((s) => s.text).join('')).toBe(message);
  });

  it('leaves other schemes, bare domains and e-mail addresses as text', () => {
    for (const message of [
      'javascript:alert(1)',
      'see example.com or README.md',
      'mail ada@example.com',
      'mailto:ada@example.com',
      'ftp://files.example.com',
      '//example.com/path',
      'file:///etc/passwd',
    ]) {
      expect(linkSegments(message)).toEqual([{ text: message }]);
    }
  });

  it('keeps markup as text, and a link inside it stops at the quote', () => {
    const segments = linkSegments('<img src="https://t.example/p.gif">');
    expect(segments.map((s) => s.text).join('')).toBe('<img src="https://t.example/p.gif">');
    expect(segments.find((s) => s.href)?.href).toBe('https://t.example/p.gif');
  });

  it('handles a message without text', () => {
    expect(linkSegments('')).toEqual([]);
  });
});
