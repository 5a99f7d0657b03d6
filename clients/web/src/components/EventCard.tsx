// One event in a list: when, where, who is going, and why it was suggested; or that it was
// cancelled. Opening it tells the list (`onOpen`), which records where it was opened from.

import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { MingleEvent } from '../app/types';
import { eventPlace, eventWhen } from './format';
import { EventExcerpt } from './lazyMarkdown';
import { rsvpLabel } from '../i18n/labels';
import { Chips, EventTimeText, Reasons } from './ui';
import { useNow } from './useNow';

export function EventCard({
  event,
  reasons = [],
  onOpen,
}: {
  event: MingleEvent;
  reasons?: string[];
  onOpen?: () => void;
}) {
  const { t } = useTranslation();
  const now = useNow();
  const when = eventWhen(event, { now });
  const cancelled = Boolean(event.cancelled_at);
  const place = eventPlace(event);
  return (
    <article className="card event-card">
      <div className="event-date" aria-hidden="true">
        <span className="event-date-month">{when.month}</span>
        <span className="event-date-day">{when.day}</span>
      </div>
      <div className="event-card-body">
        <h3 className="event-card-title" dir="auto">
          <Link to={`/events/${event.id}`} onClick={onOpen}>
            {event.title}
          </Link>
        </h3>
        <p className="meta">
          {cancelled ? (
            <>
              <span className="status status-cancelled">{t('event.cancelled')}</span>{' '}
              <span className="event-time">{when.text}</span>
            </>
          ) : (
            <EventTimeText when={when} />
          )}
        </p>
        {(place || event.distance_km != null) && (
          <p className="meta event-card-place">
            {place}
            {place && event.distance_km != null && ' · '}
            {event.distance_km != null && t('event.kmAway', { distance: event.distance_km })}
          </p>
        )}
        <Suspense fallback={null}>
          <EventExcerpt markdown={event.description} />
        </Suspense>
        <Chips items={event.tags.slice(0, 4)} />
        <Reasons reasons={reasons} />
        <p className="meta small">
          {t('event.going', { count: event.going_count })}
          {event.seats_left != null && (
            <>
              {' · '}
              {event.seats_left > 0 ? t('event.seatsLeft', { count: event.seats_left }) : t('event.fullWaitlistOpen')}
            </>
          )}
          {event.my_rsvp && (
            <span className={`status status-${event.my_rsvp}`}>
              {' · '}
              {t('event.you', { rsvp: rsvpLabel(t, event.my_rsvp) })}
            </span>
          )}
        </p>
      </div>
    </article>
  );
}
