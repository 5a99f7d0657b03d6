// An event: its details, the user's RSVP (or place on the waitlist), check-in, who is coming and
// the organizers' announcements; a cancelled event says so in place of the RSVP. Signed out it is public: the details and announcements, with an
// invitation to sign up (and come back here) in place of the RSVP and the attendee list.

import { FormEvent, Suspense, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
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
import { useNow } from '../components/useNow';

export function EventPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const event = useEventQuery(id);
  const signedIn = useSignedIn();
  useEventChannel(id);
  useTitle(event.data?.title);
  const now = useNow();
  if (event.isLoading) return <Spinner />;
  if (event.error || !event.data) return <ErrorNote>{errorMessage(event.error)}</ErrorNote>;
  const e = event.data;
  const cancelled = e.cancelled_at ?? null;
  const live = !cancelled && isLive(e.starts_at, e.ends_at, now);
  const happening = eventWhen(e, { now });
  const when = cancelled ? { ...happening, live: false } : happening;
  return (
    <div className="page">
      <p className="crumbs">
        <Link to="/">← {t('nav.discover')}</Link>
      </p>
      <PageTitle
        actions={
          <>
            {(e.my_rsvp === 'going' || e.is_organizer) && live && (
              <Link className="button button-primary" to={`/events/${e.id}/live`}>
                {t('eventPage.enterLive')}
              </Link>
            )}
            {!signedIn && live && (
              <AuthLink mode="signup" className="button button-primary">
                {t('eventPage.enterLive')}
              </AuthLink>
            )}
            {e.is_organizer && (
              <Link className="button button-secondary" to={`/events/${e.id}/manage`}>
                {t('eventPage.manage')}
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
              {t('eventPage.about')}
            </h2>
            <dl className="facts">
              <div>
                <dt>{t('eventPage.when')}</dt>
                <dd>
                  {cancelled && <span className="status status-cancelled">{t('event.cancelled')}</span>}{' '}
                  <EventTimeText when={when} />
                  <span className="muted small when-clock">
                    {when.whose === 'viewer'
                      ? t('eventPage.inYourZone')
                      : when.labelled
                        ? t('eventPage.localTimeIn', { zone: when.timeZone.replace(/_/g, ' ') })
                        : t('eventPage.localTime')}
                  </span>
                </dd>
              </div>
              {e.venue && (
                <div>
                  <dt>{t('eventPage.where')}</dt>
                  <dd>
                    {e.venue.name}
                    {(e.venue.address || e.venue.city) && (
                      <span className="muted"> · {[e.venue.address, e.venue.city].filter(Boolean).join(', ')}</span>
                    )}
                  </dd>
                </div>
              )}
              {e.online_url && (
                <div>
                  <dt>{t('eventPage.online')}</dt>
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
                <dt>{t('eventPage.going')}</dt>
                <dd>
                  {e.capacity != null
                    ? t('eventPage.goingOf', { going: e.going_count, capacity: e.capacity })
                    : e.going_count}
                  {' · '}
                  {t('eventPage.checkedIn', { count: e.checked_in_count })}
                  {e.waitlist_count > 0 && <> · {t('eventPage.waitlisted', { count: e.waitlist_count })}</>}
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
          {cancelled ? (
            <section className="card rsvp-card cancelled-card" aria-labelledby="rsvp-heading" data-testid="cancelled">
              <h2 id="rsvp-heading" className="section-title">
                {t('eventPage.cancelledTitle')}
              </h2>
              <p className="muted">{t('eventPage.cancelledText', { when: eventTime(cancelled) })}</p>
            </section>
          ) : signedIn ? (
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
  const { t } = useTranslation();
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
        {t('eventPage.yourRsvp')}
      </h2>
      <div role="status" aria-live="polite" className="rsvp-state">
        {rsvp.isLoading ? (
          <Spinner />
        ) : !current ? (
          <p>
            {t('eventPage.notAnswered')}
            {seatsLeft === 0 && ` ${t('eventPage.fullWaitlist')}`}
          </p>
        ) : current.status === 'waitlisted' ? (
          <p>
            <span className="status status-waitlisted">{t('eventPage.waitlisted')}</span>{' '}
            {t('eventPage.waitlistPosition', { position: current.waitlist_position })}
          </p>
        ) : (
          <p>
            <span className={`status status-${current.status}`}>
              {current.status === 'going' ? t('eventPage.statusGoing') : t('eventPage.statusInterested')}
            </span>
            {current.checked_in_at && (
              <span className="status status-checked">
                {' '}
                {t('eventPage.checkedInAt', { time: clock(current.checked_in_at) })}
              </span>
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
            {seatsLeft === 0 ? t('eventPage.joinWaitlist') : t('eventPage.goingButton')}
          </button>
        )}
        {!current && (
          <button
            type="button"
            className="button button-secondary"
            disabled={busy}
            onClick={() => void act(() => setRsvp({ id: eventId, status: 'interested' }).unwrap())}
          >
            {t('eventPage.interestedButton')}
          </button>
        )}
        {current && (
          <button
            type="button"
            className="button button-ghost"
            disabled={busy}
            onClick={() => void act(() => withdraw(eventId).unwrap())}
          >
            {current.status === 'waitlisted' ? t('eventPage.leaveWaitlist') : t('eventPage.withdraw')}
          </button>
        )}
      </div>
      {current?.status === 'going' && !current.checked_in_at && onlineOnly && (
        <div className="checkin-form">
          <p className="hint" id="checkin-hint">
            {live ? t('eventPage.joinHint') : t('eventPage.joinOpens')}
          </p>
          <button
            type="button"
            className="button button-primary"
            disabled={checkingIn.isLoading}
            aria-describedby="checkin-hint"
            onClick={() => void act(() => checkin({ id: eventId }).unwrap())}
          >
            {t('eventPage.join')}
          </button>
        </div>
      )}
      {current?.status === 'going' && !current.checked_in_at && !onlineOnly && (
        <form className="checkin-form" onSubmit={submitCheckin}>
          <div className="field">
            <label htmlFor="checkin-code">{t('eventPage.checkinCode')}</label>
            <input
              id="checkin-code"
              value={code}
              onChange={(e) => setCode(e.target.value)}
              autoComplete="off"
              placeholder={live ? t('eventPage.shownAtVenue') : t('eventPage.opensBefore')}
              aria-describedby="checkin-hint"
            />
            <p className="hint" id="checkin-hint">
              {t('eventPage.personalCode')} <strong className="code">{current.personal_code}</strong>
            </p>
          </div>
          <button type="submit" className="button button-primary" disabled={checkingIn.isLoading || !code.trim()}>
            {t('eventPage.checkIn')}
          </button>
        </form>
      )}
      {isOrganizer && checkinCode && (
        <p className="hint">
          {t('eventPage.attendeesCheckInWith')}{' '}
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
  const { t } = useTranslation();
  return (
    <section className="card rsvp-card" aria-labelledby="rsvp-heading">
      <h2 id="rsvp-heading" className="section-title">
        {t('eventPage.yourRsvp')}
      </h2>
      <SignUpInvitation signUp={t('eventPage.signUpToRsvp')}>
        {full ? t('eventPage.fullInvitation') : t('eventPage.rsvpInvitation')}
      </SignUpInvitation>
    </section>
  );
}

export function Announcements({ eventId }: { eventId: string }) {
  const { t } = useTranslation();
  const announcements = useAnnouncementsQuery(eventId);
  return (
    <section className="card" aria-labelledby="announcements-heading">
      <h2 id="announcements-heading" className="section-title">
        {t('eventPage.announcements')}
      </h2>
      {announcements.isLoading && <Spinner />}
      {announcements.data?.items.length === 0 && <Empty>{t('eventPage.noAnnouncements')}</Empty>}
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
  const { t } = useTranslation();
  return (
    <section className="card" aria-labelledby="attendees-heading">
      <h2 id="attendees-heading" className="section-title">
        {t('eventPage.whoIsComing')}
      </h2>
      <p className="muted invitation-note">
        <Trans
          i18nKey="eventPage.attendeesInvitation"
          components={{
            signin: <AuthLink mode="signin">{null}</AuthLink>,
            signup: <AuthLink mode="signup">{null}</AuthLink>,
          }}
        />
      </p>
    </section>
  );
}

function Attendees({ eventId }: { eventId: string }) {
  const { t } = useTranslation();
  const attendees = useAttendeesQuery({ id: eventId });
  return (
    <section className="card" aria-labelledby="attendees-heading">
      <h2 id="attendees-heading" className="section-title">
        {t('eventPage.whoIsComing')}
      </h2>
      {attendees.isLoading && <Spinner />}
      {attendees.error && <ErrorNote>{errorMessage(attendees.error)}</ErrorNote>}
      {attendees.data?.items.length === 0 && <Empty>{t('eventPage.nobodyYet')}</Empty>}
      <ul className="people">
        {attendees.data?.items.map((a) => (
          <li key={a.profile.id} className="person">
            <Avatar id={a.profile.id} name={a.profile.display_name} />
            <div>
              <p className="person-name">
                {a.profile.display_name}
                {a.checked_in && <span className="status status-checked">{t('eventPage.here')}</span>}
                {a.status === 'waitlisted' && (
                  <span className="status status-waitlisted">
                    {t('eventPage.waitlistNumber', { position: a.waitlist_position })}
                  </span>
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
