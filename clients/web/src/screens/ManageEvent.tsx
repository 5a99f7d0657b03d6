// Running an event: its check-in code, announcements, checking attendees in by their personal
// code, who is coming (and its export), charts of RSVPs, check-ins and meetings over time, the
// event's analytics (its funnel, where RSVPs came from, how people met) and the audience in groups.

import { FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { Area, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import {
  errorMessage,
  useActivityQuery,
  useAnnounceMutation,
  useAttendeesQuery,
  useCheckinMutation,
  useEventQuery,
} from '../app/api';
import { bucketTime, eventWhen } from '../components/format';
import { Funnel, FunnelOverTime, NetworkingOutcome, RsvpSources } from '../components/EventAnalytics';
import { EventStats } from '../components/EventStats';
import { AttendeeExport, AudienceGroups } from '../components/OrganizerInsights';
import { Avatar, Empty, ErrorNote, EventTimeText, PageTitle, Spinner } from '../components/ui';
import { useTitle } from '../components/useTitle';
import { attendeeStatusLabel } from '../i18n/labels';
import { useEventChannel } from '../realtime/useEventChannel';
import { Announcements } from './EventPage';
import { useNow } from '../components/useNow';

export function ManageEvent() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const event = useEventQuery(id);
  useEventChannel(id);
  useTitle(event.data && t('manage.title', { title: event.data.title }));
  const now = useNow();
  if (event.isLoading) return <Spinner />;
  if (!event.data) return <ErrorNote>{errorMessage(event.error)}</ErrorNote>;
  const e = event.data;
  if (!e.is_organizer) return <ErrorNote>{t('manage.onlyOrganizers')}</ErrorNote>;
  const when = eventWhen(e, { now });
  return (
    <div className="page page-wide">
      <p className="crumbs">
        <Link to="/organize">← {t('manage.backToOrganize')}</Link>
      </p>
      <PageTitle
        actions={
          <>
            <Link className="button button-secondary" to={`/events/${e.id}`}>
              {t('manage.eventPage')}
            </Link>
            <Link className="button button-secondary" to={`/events/${e.id}/edit`}>
              {t('manage.edit')}
            </Link>
            <Link className="button button-primary" to={`/events/${e.id}/live`}>
              {t('manage.liveRoom')}
            </Link>
          </>
        }
      >
        {e.title}
      </PageTitle>
      <p className="meta">
        <EventTimeText when={when} />
      </p>
      <EventStats event={e} interested className="stats stats-big">
        <div>
          <dt>{t('manage.checkinCode')}</dt>
          <dd className="code" data-testid="event-checkin-code">
            {e.checkin_code}
          </dd>
        </div>
      </EventStats>
      <div className="manage-grid">
        <ActivityChart eventId={e.id} />
        <div className="stack">
          <CheckinDesk eventId={e.id} />
          <PostAnnouncement eventId={e.id} />
        </div>
        <Funnel eventId={e.id} />
        <div className="stack">
          <NetworkingOutcome eventId={e.id} />
          <RsvpSources eventId={e.id} />
        </div>
        <FunnelOverTime eventId={e.id} />
        <AudienceGroups eventId={e.id} />
        <Announcements eventId={e.id} />
        <AttendeeTable eventId={e.id} />
      </div>
    </div>
  );
}

function ActivityChart({ eventId }: { eventId: string }) {
  const { t } = useTranslation();
  const activity = useActivityQuery(eventId, { pollingInterval: 30_000 });
  const points = (activity.data?.points ?? []).map((p) => ({
    ...p,
    label: bucketTime(p.at, activity.data?.bucket_minutes ?? 60),
  }));
  return (
    <section className="card chart-card" aria-labelledby="activity-heading">
      <h2 id="activity-heading" className="section-title">
        {t('manage.activity')}
      </h2>
      {activity.isLoading && <Spinner />}
      {activity.error && <ErrorNote>{errorMessage(activity.error)}</ErrorNote>}
      {activity.data && points.length === 0 && <Empty>{t('manage.noRsvps')}</Empty>}
      {points.length > 0 && (
        <>
          <div
            className="chart"
            role="img"
            aria-label={t('manage.totalsNow', {
              rsvps: points[points.length - 1].rsvps,
              checkins: points[points.length - 1].checkins,
              meetings: points[points.length - 1].meetings,
            })}
          >
            <ResponsiveContainer width="100%" height={240}>
              <ComposedChart data={points} margin={{ top: 8, right: 12, bottom: 0, left: -18 }}>
                <defs>
                  <linearGradient id="rsvp-fill" x1="0" y1="0" x2="0" y2="1">
                    <stop offset="0%" stopColor="#6366f1" stopOpacity={0.28} />
                    <stop offset="100%" stopColor="#6366f1" stopOpacity={0.02} />
                  </linearGradient>
                </defs>
                <CartesianGrid stroke="#e5e7eb" vertical={false} />
                <XAxis
                  dataKey="label"
                  tick={{ fontSize: 12, fill: '#6b7280' }}
                  minTickGap={24}
                  tickLine={false}
                  axisLine={{ stroke: '#e5e7eb' }}
                />
                <YAxis
                  allowDecimals={false}
                  tick={{ fontSize: 12, fill: '#6b7280' }}
                  tickLine={false}
                  axisLine={false}
                />
                <Tooltip />
                <Legend
                  verticalAlign="top"
                  align="right"
                  iconType="circle"
                  wrapperStyle={{ fontSize: 13, paddingBottom: 8 }}
                />
                <Area
                  type="monotone"
                  dataKey="rsvps"
                  name={t('manage.rsvps')}
                  stroke="#4f46e5"
                  strokeWidth={2.5}
                  fill="url(#rsvp-fill)"
                  isAnimationActive={false}
                />
                <Line
                  type="monotone"
                  dataKey="checkins"
                  name={t('manage.checkins')}
                  stroke="#059669"
                  strokeWidth={2.5}
                  strokeDasharray="6 4"
                  dot={false}
                  isAnimationActive={false}
                />
                <Line
                  type="monotone"
                  dataKey="meetings"
                  name={t('manage.meetings')}
                  stroke="#f59e0b"
                  strokeWidth={2.5}
                  dot={false}
                  isAnimationActive={false}
                />
              </ComposedChart>
            </ResponsiveContainer>
          </div>
          <p className="hint">{t('manage.runningTotals', { minutes: activity.data?.bucket_minutes })}</p>
        </>
      )}
    </section>
  );
}

function CheckinDesk({ eventId }: { eventId: string }) {
  const { t } = useTranslation();
  const [checkin, checking] = useCheckinMutation();
  const [code, setCode] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setResult(null);
    try {
      const done = await checkin({ id: eventId, code: code.trim() }).unwrap();
      setResult(done.newly_checked_in ? t('manage.checkedIn') : t('manage.alreadyCheckedIn'));
      setCode('');
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <section className="card" aria-labelledby="desk-heading">
      <h2 id="desk-heading" className="section-title">
        {t('manage.desk')}
      </h2>
      <form className="inline-form" onSubmit={(e) => void submit(e)}>
        <div className="field field-grow">
          <label htmlFor="personal-code">{t('manage.personalCode')}</label>
          <input id="personal-code" value={code} autoComplete="off" onChange={(e) => setCode(e.target.value)} />
        </div>
        <button className="button button-primary" type="submit" disabled={checking.isLoading || !code.trim()}>
          {t('manage.checkIn')}
        </button>
      </form>
      <p role="status" className="saved">
        {result}
      </p>
      <ErrorNote>{error}</ErrorNote>
    </section>
  );
}

function PostAnnouncement({ eventId }: { eventId: string }) {
  const { t } = useTranslation();
  const [announce, posting] = useAnnounceMutation();
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await announce({ id: eventId, body: body.trim() }).unwrap();
      setBody('');
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <section className="card" aria-labelledby="announce-heading">
      <h2 id="announce-heading" className="section-title">
        {t('manage.postAnnouncement')}
      </h2>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label htmlFor="announcement">{t('manage.announcement')}</label>
          <textarea
            id="announcement"
            rows={3}
            maxLength={4000}
            value={body}
            onChange={(e) => setBody(e.target.value)}
            placeholder={t('manage.announcementPlaceholder')}
          />
        </div>
        <ErrorNote>{error}</ErrorNote>
        <div className="button-row">
          <button className="button button-primary" type="submit" disabled={posting.isLoading || !body.trim()}>
            {t('manage.post')}
          </button>
        </div>
      </form>
    </section>
  );
}

function AttendeeTable({ eventId }: { eventId: string }) {
  const { t } = useTranslation();
  const attendees = useAttendeesQuery({ id: eventId });
  const [checkin] = useCheckinMutation();
  const [error, setError] = useState<string | null>(null);
  const checkIn = async (userId: string) => {
    setError(null);
    try {
      await checkin({ id: eventId, user_id: userId }).unwrap();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <section className="card" aria-labelledby="roster-heading">
      <div className="section-head">
        <h2 id="roster-heading" className="section-title">
          {t('manage.attendees')}
        </h2>
        <AttendeeExport eventId={eventId} />
      </div>
      <ErrorNote>{error}</ErrorNote>
      {attendees.data?.items.length === 0 && <Empty>{t('manage.noRsvps')}</Empty>}
      <ul className="people">
        {attendees.data?.items.map((a) => (
          <li key={a.profile.id} className="person person-row">
            <Avatar id={a.profile.id} name={a.profile.display_name} size={34} />
            <div className="person-grow">
              <p className="person-name">{a.profile.display_name}</p>
              <p className="muted small">
                {a.status === 'waitlisted'
                  ? t('manage.waitlistNumber', { position: a.waitlist_position })
                  : attendeeStatusLabel(t, a.status)}
              </p>
            </div>
            {a.checked_in ? (
              <span className="status status-checked">{t('manage.checkedInStatus')}</span>
            ) : a.status === 'going' ? (
              <button
                type="button"
                className="button button-secondary button-small"
                onClick={() => void checkIn(a.profile.id)}
                aria-label={t('manage.checkInWith', { name: a.profile.display_name })}
              >
                {t('manage.checkIn')}
              </button>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
