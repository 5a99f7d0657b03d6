// An event: its details, the user's RSVP (or place on the waitlist), check-in, who is coming and
// the organizers' announcements.

import { FormEvent, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import {
  errorMessage,
  useAnnouncementsQuery,
  useAttendeesQuery,
  useCheckinMutation,
  useEventQuery,
  useRsvpQuery,
  useSetRsvpMutation,
  useWithdrawRsvpMutation,
} from '../app/api';
import { clock, dateRange, eventTime, isLive } from '../components/format';
import { Avatar, Chips, Empty, ErrorNote, PageTitle, Spinner } from '../components/ui';
import { useEventChannel } from '../realtime/useEventChannel';

export function EventPage() {
  const { id = '' } = useParams();
  const event = useEventQuery(id);
  useEventChannel(id);
  if (event.isLoading) return <Spinner />;
  if (event.error || !event.data) return <ErrorNote>{errorMessage(event.error)}</ErrorNote>;
  const e = event.data;
  const live = isLive(e.starts_at, e.ends_at);
  return (
    <div className="page">
      <p className="crumbs">
        <Link to="/">← Discover</Link>
      </p>
      <PageTitle
        actions={
          <>
            {(e.my_rsvp === 'going' || e.is_organizer) && live && (
              <Link className="button button-primary" to={`/events/${e.id}/live`}>
                Enter live room
              </Link>
            )}
            {e.is_organizer && (
              <Link className="button button-secondary" to={`/events/${e.id}/manage`}>
                Manage event
              </Link>
            )}
          </>
        }
      >
        {e.title}
      </PageTitle>
      <div className="event-layout">
        <div className="stack">
          <section className="card" aria-labelledby="about-heading">
            <h2 id="about-heading" className="section-title">
              About
            </h2>
            <dl className="facts">
              <div>
                <dt>When</dt>
                <dd>
                  {dateRange(e.starts_at, e.ends_at, e.timezone)} <span className="muted">({e.timezone})</span>
                </dd>
              </div>
              {e.venue && (
                <div>
                  <dt>Where</dt>
                  <dd>
                    {e.venue.name}
                    {e.venue.address && <span className="muted"> · {e.venue.address}</span>}
                  </dd>
                </div>
              )}
              {e.online_url && (
                <div>
                  <dt>Online</dt>
                  <dd>
                    <a href={e.online_url} rel="noreferrer noopener" target="_blank">
                      {e.online_url}
                    </a>
                  </dd>
                </div>
              )}
              <div>
                <dt>Going</dt>
                <dd>
                  {e.going_count}
                  {e.capacity != null && <> of {e.capacity}</>} · {e.checked_in_count} checked in
                  {e.waitlist_count > 0 && <> · {e.waitlist_count} waitlisted</>}
                </dd>
              </div>
            </dl>
            <Chips items={e.tags} />
            <p className="description">{e.description}</p>
          </section>
          <Announcements eventId={e.id} />
          <Attendees eventId={e.id} />
        </div>
        <aside className="stack">
          <RsvpPanel
            eventId={e.id}
            seatsLeft={e.seats_left ?? null}
            live={live}
            isOrganizer={e.is_organizer}
            checkinCode={e.checkin_code ?? null}
          />
        </aside>
      </div>
    </div>
  );
}

function RsvpPanel({
  eventId,
  seatsLeft,
  live,
  isOrganizer,
  checkinCode,
}: {
  eventId: string;
  seatsLeft: number | null;
  live: boolean;
  isOrganizer: boolean;
  checkinCode: string | null;
}) {
  const rsvp = useRsvpQuery(eventId);
  const [setRsvp, setting] = useSetRsvpMutation();
  const [withdraw, withdrawing] = useWithdrawRsvpMutation();
  const [checkin, checkingIn] = useCheckinMutation();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const current = rsvp.data && !rsvp.error ? rsvp.data : null;
  const busy = setting.isLoading || withdrawing.isLoading;

  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const submitCheckin = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      await checkin({ id: eventId, code: code.trim() }).unwrap();
      setCode('');
    });
  };

  return (
    <section className="card rsvp-card" aria-labelledby="rsvp-heading">
      <h2 id="rsvp-heading" className="section-title">
        Your RSVP
      </h2>
      <div role="status" aria-live="polite" className="rsvp-state">
        {rsvp.isLoading ? (
          <Spinner />
        ) : !current ? (
          <p>You have not answered yet.{seatsLeft === 0 && ' The event is full: going puts you on the waitlist.'}</p>
        ) : current.status === 'waitlisted' ? (
          <p>
            <span className="status status-waitlisted">Waitlisted</span> You are number {current.waitlist_position} on
            the waitlist. A freed seat goes to you automatically.
          </p>
        ) : (
          <p>
            <span className={`status status-${current.status}`}>
              {current.status === 'going' ? 'Going' : 'Interested'}
            </span>
            {current.checked_in_at && (
              <span className="status status-checked"> Checked in at {clock(current.checked_in_at)}</span>
            )}
          </p>
        )}
      </div>
      <div className="button-row">
        {current?.status !== 'going' && current?.status !== 'waitlisted' && (
          <button
            type="button"
            className="button button-primary"
            disabled={busy}
            onClick={() => void act(() => setRsvp({ id: eventId, status: 'going' }).unwrap())}
          >
            {seatsLeft === 0 ? 'Join the waitlist' : 'Going'}
          </button>
        )}
        {!current && (
          <button
            type="button"
            className="button button-secondary"
            disabled={busy}
            onClick={() => void act(() => setRsvp({ id: eventId, status: 'interested' }).unwrap())}
          >
            Interested
          </button>
        )}
        {current && (
          <button
            type="button"
            className="button button-ghost"
            disabled={busy}
            onClick={() => void act(() => withdraw(eventId).unwrap())}
          >
            {current.status === 'waitlisted' ? 'Leave the waitlist' : 'Withdraw'}
          </button>
        )}
      </div>
      {current?.status === 'going' && !current.checked_in_at && (
        <form className="checkin-form" onSubmit={submitCheckin}>
          <div className="field">
            <label htmlFor="checkin-code">Event check-in code</label>
            <input
              id="checkin-code"
              value={code}
              onChange={(e) => setCode(e.target.value)}
              autoComplete="off"
              placeholder={live ? 'Shown at the venue' : 'Opens 24 h before the start'}
              aria-describedby="checkin-hint"
            />
            <p className="hint" id="checkin-hint">
              Or show the organizers your personal code: <strong className="code">{current.personal_code}</strong>
            </p>
          </div>
          <button type="submit" className="button button-primary" disabled={checkingIn.isLoading || !code.trim()}>
            Check in
          </button>
        </form>
      )}
      {isOrganizer && checkinCode && (
        <p className="hint">
          Attendees check in with the code{' '}
          <strong className="code" data-testid="event-checkin-code">
            {checkinCode}
          </strong>
        </p>
      )}
      <ErrorNote>{error}</ErrorNote>
    </section>
  );
}

export function Announcements({ eventId }: { eventId: string }) {
  const announcements = useAnnouncementsQuery(eventId);
  return (
    <section className="card" aria-labelledby="announcements-heading">
      <h2 id="announcements-heading" className="section-title">
        Announcements
      </h2>
      {announcements.isLoading && <Spinner />}
      {announcements.data?.items.length === 0 && <Empty>No announcements yet.</Empty>}
      <ol className="announcements" aria-live="polite">
        {announcements.data?.items.map((a) => (
          <li key={a.id} className="announcement">
            <p>{a.body}</p>
            <time className="muted small" dateTime={a.created_at}>
              {eventTime(a.created_at)}
            </time>
          </li>
        ))}
      </ol>
    </section>
  );
}

function Attendees({ eventId }: { eventId: string }) {
  const attendees = useAttendeesQuery({ id: eventId });
  return (
    <section className="card" aria-labelledby="attendees-heading">
      <h2 id="attendees-heading" className="section-title">
        Who is coming
      </h2>
      {attendees.isLoading && <Spinner />}
      {attendees.error && <ErrorNote>{errorMessage(attendees.error)}</ErrorNote>}
      {attendees.data?.items.length === 0 && <Empty>Nobody yet. Be the first!</Empty>}
      <ul className="people">
        {attendees.data?.items.map((a) => (
          <li key={a.profile.id} className="person">
            <Avatar id={a.profile.id} name={a.profile.display_name} />
            <div>
              <p className="person-name">
                {a.profile.display_name}
                {a.checked_in && <span className="status status-checked">here</span>}
                {a.status === 'waitlisted' && (
                  <span className="status status-waitlisted">waitlist #{a.waitlist_position}</span>
                )}
              </p>
              {a.profile.headline && <p className="muted small">{a.profile.headline}</p>}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
