// The organizer console: the user's events, and where to create a new one.

import { Link } from 'react-router-dom';
import { errorMessage, useMyEventsQuery } from '../app/api';
import { EventStats } from '../components/EventStats';
import { dateRange } from '../components/format';
import { Empty, ErrorNote, PageTitle, Spinner } from '../components/ui';

export function OrganizerConsole() {
  const events = useMyEventsQuery({ role: 'organizing', include_past: true });
  return (
    <div className="page">
      <PageTitle
        actions={
          <Link className="button button-primary" to="/organize/new">
            Create event
          </Link>
        }
      >
        Organize
      </PageTitle>
      {events.isLoading && <Spinner />}
      {events.error && <ErrorNote>{errorMessage(events.error)}</ErrorNote>}
      {events.data?.items.length === 0 && <Empty>You are not organizing anything yet. Create your first event.</Empty>}
      <ul className="organizer-list">
        {events.data?.items.map((e) => (
          <li key={e.id} className="card organizer-row">
            <div>
              <h2 className="event-card-title">
                <Link to={`/events/${e.id}/manage`}>{e.title}</Link>
              </h2>
              <p className="meta">{dateRange(e.starts_at, e.ends_at, e.timezone)}</p>
            </div>
            <EventStats event={e} />
          </li>
        ))}
      </ul>
    </div>
  );
}
