// An event: its details, the user's RSVP (or place on the waitlist), check-in, who is coming and
// the organizers' announcements. Signed out it is public: the details and announcements, with an
// invitation to sign up (and come back here) in place of the RSVP and the attendee list.

import { FormEvent, Suspense, useState } from 'react';
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
import { useSignedIn } from '../app/hooks';
import { AuthLink, SignUpInvitation } from '../components/AuthLinks';
import { EventSharing } from '../components/EventSharing';
import { EventDescription } from '../components/lazyMarkdown';
import { clock, eventTime, eventWhen, isLive } from '../components/format';
import { Avatar, Chips, Empty, ErrorNote, EventTimeText, PageTitle, Spinner } from '../components/ui';
import { useTitle } from '../components/useTitle';
import { useEventChannel } from '../realtime/useEventChannel';

export function EventPage() {
  const { id = '' } = useParams();
  const event = useEventQuery(id);
  const signedIn = useSignedIn();
  useEventChannel(id);
  useTitle(event.data?.title);
  if (event.isLoading) return <Spinner />;
  if (event.error || !event.data) return <ErrorNote>{errorMessage(event.error)}</ErrorNote>;
  const e = event.data;
  const live = isLive(e.starts_at, e.ends_at);
  const when = eventWhen(e);
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
            {!signedIn && live && (
              <AuthLink mode="signup" className="button button-primary">
                Enter live room
              </AuthLink>
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
                  <EventTimeText when={when} />
                  <span className="muted small when-clock">
                    {when.whose === 'viewer'
                      ? 'In your time zone.'
                      : when.labelled
                        ? `Local time where it takes place (${when.timeZone.replace(/_/g, ' ')}).`
                        : 'Local time where it takes place.'}
                  </span>
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
                    <a
                      className="one-line"
                      href={e.online_url}
                      title={e.online_url}
                      dir="ltr"
                      rel="noreferrer noopener"
                      target="_blank"
                    >
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
            <EventSharing event={e} />
            <Chips items={e.tags} />
            <Suspense fallback={null}>
              <EventDescription markdown={e.description} />
            </Suspense>
          </section>
          <Announcements eventId={e.id} />
          {signedIn ? <Attendees eventId={e.id} /> : <AttendeesInvitation />}
        </div>
        <aside className="stack">
          {signedIn ? (
            <RsvpPanel
              eventId={e.id}
              seatsLeft={e.seats_left ?? null}
              live={live}
              isOrganizer={e.is_organizer}
              checkinCode={e.checkin_code ?? null}
              answered={e.my_rsvp != null}
              onlineOnly={!e.venue && Boolean(e.online_url)}
            />
          ) : (
            <RsvpInvitation full={e.seats_left === 0} />
          )}
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
  answered,
  onlineOnly,
}: {
  eventId: string;
  seatsLeft: number | null;
  live: boolean;
  isOrganizer: boolean;
  checkinCode: string | null;
  /** Whether the event says the viewer has an RSVP (nothing to fetch otherwise). */
  answered: boolean;
  /** No venue: joining is checking in, without a code. */
  onlineOnly: boolean;
}) {
  // Once answered here, the mutation's reply fills the cache this reads.
  const [answeredHere, setAnsweredHere] = useState(false);
  const rsvp = useRsvpQuery(eventId, { skip: !answered && !answeredHere });
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
      setAnsweredHere(true);
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
      {current?.status === 'going' && !current.checked_in_at && onlineOnly && (
        <div className="checkin-form">
          <p className="hint" id="checkin-hint">
            {live
              ? 'Joining tells the organizers you are here and shows you to the people you could meet.'
              : 'Joining opens 24 h before the start.'}
          </p>
          <button
            type="button"
            className="button button-primary"
            disabled={checkingIn.isLoading}
            aria-describedby="checkin-hint"
            onClick={() => void act(() => checkin({ id: eventId }).unwrap())}
          >
            I am here: join
          </button>
        </div>
      )}
      {current?.status === 'going' && !current.checked_in_at && !onlineOnly && (
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

/** Signed out: an RSVP needs an account, and signing up comes back to this event to give it. */
function RsvpInvitation({ full }: { full: boolean }) {
  return (
    <section className="card rsvp-card" aria-labelledby="rsvp-heading">
      <h2 id="rsvp-heading" className="section-title">
        Your RSVP
      </h2>
      <SignUpInvitation signUp="Sign up to RSVP">
        {full
          ? 'The event is full. Sign up to join the waitlist: a freed seat goes to you automatically.'
          : 'Going or interested? Sign up to RSVP, check in on the day and meet the right people in the live room.'}
      </SignUpInvitation>
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

/** Signed out: who is coming is shown to people with an account. */
function AttendeesInvitation() {
  return (
    <section className="card" aria-labelledby="attendees-heading">
      <h2 id="attendees-heading" className="section-title">
        Who is coming
      </h2>
      <p className="muted invitation-note">
        <AuthLink mode="signin">Sign in</AuthLink> or <AuthLink mode="signup">sign up</AuthLink> to see who is coming.
      </p>
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
