// An event's head counts as a definition list, with anything else (the check-in code) after them.

import { ReactNode } from 'react';
import type { MingleEvent } from '../app/types';

export function EventStats({
  event,
  interested = false,
  className = 'stats',
  children,
}: {
  event: MingleEvent;
  interested?: boolean;
  className?: string;
  children?: ReactNode;
}) {
  const counts: [string, number][] = [
    ['Going', event.going_count],
    ['Checked in', event.checked_in_count],
    ['Waitlist', event.waitlist_count],
  ];
  if (interested) counts.push(['Interested', event.interested_count]);
  return (
    <dl className={className}>
      {counts.map(([label, n]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{n}</dd>
        </div>
      ))}
      {children}
    </dl>
  );
}
