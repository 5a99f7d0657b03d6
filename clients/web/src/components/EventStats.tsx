// An event's head counts as a definition list, with anything else (the check-in code) after them.

import { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { MingleEvent } from '../app/types';
import { currentLocale } from '../i18n/config';

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
  const { t } = useTranslation();
  const counts: [string, number][] = [
    [t('stats.going'), event.going_count],
    [t('stats.checkedIn'), event.checked_in_count],
    [t('stats.waitlist'), event.waitlist_count],
  ];
  if (interested) counts.push([t('stats.interested'), event.interested_count]);
  return (
    <dl className={className}>
      {counts.map(([label, n]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{n.toLocaleString(currentLocale())}</dd>
        </div>
      ))}
      {children}
    </dl>
  );
}
