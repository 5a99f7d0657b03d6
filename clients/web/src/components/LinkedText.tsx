// A chat line or direct message as text, with its web addresses as links that open in a new tab.
// React escapes every run, so a message can never add markup of its own.

import { useMemo } from 'react';
import { linkSegments } from './links';

export function LinkedText({ text }: { text: string }) {
  const segments = useMemo(() => linkSegments(text), [text]);
  return segments.map((segment, i) =>
    segment.href ? (
      <a key={i} href={segment.href} rel="noopener noreferrer nofollow" target="_blank">
        {segment.text}
      </a>
    ) : (
      segment.text
    ),
  );
}
