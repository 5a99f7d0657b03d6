// One event in a list: when, where, who is going, and why it was suggested.

import { Link } from 'react-router-dom';
import type { MingleEvent } from '../app/types';
import { dateRange } from './format';
import { Chips, Reasons } from './ui';

export function EventCard({ event, reasons = [] }: { event: MingleEvent; reasons?: string[] }) {
  const start = new Date(event.starts_at);
  return (
    <article className="card event-card">
      <div className="event-date" aria-hidden="true">
        <span className="event-date-month">{start.toLocaleString(undefined, { month: 'short' })}</span>
        <span className="event-date-day">{start.getDate()}</span>
      </div>
      <div className="event-card-body">
        <h3 className="event-card-title">
          <Link to={`/events/${event.id}`}>{event.title}</Link>
        </h3>
        <p className="meta">
          {dateRange(event.starts_at, event.ends_at, event.timezone)}
          {event.venue && <> · {event.venue.name}</>}
          {event.distance_km != null && <> · {event.distance_km.toFixed(1)} km away</>}
        </p>
        <Chips items={event.tags.slice(0, 4)} />
        <Reasons reasons={reasons} />
        <p className="meta small">
          {event.going_count} going
          {event.seats_left != null && (
            <> · {event.seats_left > 0 ? `${event.seats_left} seats left` : 'full, waitlist open'}</>
          )}
          {event.my_rsvp && <span className={`status status-${event.my_rsvp}`}> · You: {event.my_rsvp}</span>}
        </p>
      </div>
    </article>
  );
}
