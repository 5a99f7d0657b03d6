// The organizer console: the user's events, and where to create a new one.

import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { errorMessage, useMyEventsQuery } from '../app/api';
import type { MingleEvent } from '../app/types';
import { EventStats } from '../components/EventStats';
import { eventPlace, eventWhen } from '../components/format';
import { Empty, ErrorNote, EventTimeText, PageTitle, Spinner } from '../components/ui';
import { useTitle } from '../components/useTitle';
import { useNow } from '../components/useNow';

export function OrganizerConsole() {
  const { t } = useTranslation();
  useTitle(t('organize.title'));
  const events = useMyEventsQuery({ role: 'organizing', include_past: true });
  return (
    <div className="page">
      <PageTitle
        actions={
          <Link className="button button-primary" to="/organize/new">
            {t('organize.create')}
          </Link>
        }
      >
        {t('organize.title')}
      </PageTitle>
      {events.isLoading && <Spinner />}
      {events.error && <ErrorNote>{errorMessage(events.error)}</ErrorNote>}
      {events.data?.items.length === 0 && <Empty>{t('organize.none')}</Empty>}
      <ul className="organizer-list">
        {events.data?.items.map((e) => (
          <OrganizedEvent key={e.id} event={e} />
        ))}
      </ul>
    </div>
  );
}

function OrganizedEvent({ event }: { event: MingleEvent }) {
  const now = useNow();
  const when = eventWhen(event, { now });
  const place = eventPlace(event);
  return (
    <li className="card organizer-row">
      <div className="organizer-row-main">
        <h2 className="event-card-title" dir="auto">
          <Link to={`/events/${event.id}/manage`}>{event.title}</Link>
        </h2>
        <p className="meta">
          <EventTimeText when={when} />
        </p>
        {place && <p className="meta">{place}</p>}
      </div>
      <EventStats event={event} />
    </li>
  );
}
