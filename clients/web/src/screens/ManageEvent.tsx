// Running an event: its check-in code, announcements, checking attendees in by their personal
// code, who is coming (and its export), charts of RSVPs, check-ins and meetings over time, turnout
// and the audience in groups.

import { FormEvent, useState } from 'react';
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
import { clock, eventTime, eventWhen } from '../components/format';
import { EventStats } from '../components/EventStats';
import { AttendeeExport, AudienceGroups, Turnout } from '../components/OrganizerInsights';
import { Avatar, Empty, ErrorNote, EventTimeText, PageTitle, Spinner } from '../components/ui';
import { useTitle } from '../components/useTitle';
import { useEventChannel } from '../realtime/useEventChannel';
import { Announcements } from './EventPage';

export function ManageEvent() {
  const { id = '' } = useParams();
  const event = useEventQuery(id);
  useEventChannel(id);
  useTitle(event.data && `Manage ${event.data.title}`);
  if (event.isLoading) return <Spinner />;
  if (!event.data) return <ErrorNote>{errorMessage(event.error)}</ErrorNote>;
  const e = event.data;
  if (!e.is_organizer) return <ErrorNote>Only the event's organizers can manage it.</ErrorNote>;
  const when = eventWhen(e);
  return (
    <div className="page page-wide">
      <p className="crumbs">
        <Link to="/organize">← Organize</Link>
      </p>
      <PageTitle
        actions={
          <>
            <Link className="button button-secondary" to={`/events/${e.id}`}>
              Event page
            </Link>
            <Link className="button button-secondary" to={`/events/${e.id}/edit`}>
              Edit
            </Link>
            <Link className="button button-primary" to={`/events/${e.id}/live`}>
              Live room
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
          <dt>Check-in code</dt>
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
        <Turnout event={e} />
        <AudienceGroups eventId={e.id} />
        <Announcements eventId={e.id} />
        <AttendeeTable eventId={e.id} />
      </div>
    </div>
  );
}

function ActivityChart({ eventId }: { eventId: string }) {
  const activity = useActivityQuery(eventId, { pollingInterval: 30_000 });
  const points = (activity.data?.points ?? []).map((p) => ({
    ...p,
    label: activity.data && activity.data.bucket_minutes >= 1440 ? eventTime(p.at).split(',')[0] : clock(p.at),
  }));
  return (
    <section className="card chart-card" aria-labelledby="activity-heading">
      <h2 id="activity-heading" className="section-title">
        Activity over time
      </h2>
      {activity.isLoading && <Spinner />}
      {activity.error && <ErrorNote>{errorMessage(activity.error)}</ErrorNote>}
      {activity.data && points.length === 0 && <Empty>No RSVPs yet.</Empty>}
      {points.length > 0 && (
        <>
          <div
            className="chart"
            role="img"
            aria-label={`Totals now: ${points[points.length - 1].rsvps} RSVPs, ${points[points.length - 1].checkins} check-ins, ${points[points.length - 1].meetings} meeting requests`}
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
                  name="RSVPs"
                  stroke="#4f46e5"
                  strokeWidth={2.5}
                  fill="url(#rsvp-fill)"
                  isAnimationActive={false}
                />
                <Line
                  type="monotone"
                  dataKey="checkins"
                  name="Check-ins"
                  stroke="#059669"
                  strokeWidth={2.5}
                  strokeDasharray="6 4"
                  dot={false}
                  isAnimationActive={false}
                />
                <Line
                  type="monotone"
                  dataKey="meetings"
                  name="Meetings"
                  stroke="#f59e0b"
                  strokeWidth={2.5}
                  dot={false}
                  isAnimationActive={false}
                />
              </ComposedChart>
            </ResponsiveContainer>
          </div>
          <p className="hint">Running totals, every {activity.data?.bucket_minutes} min.</p>
        </>
      )}
    </section>
  );
}

function CheckinDesk({ eventId }: { eventId: string }) {
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
      setResult(done.newly_checked_in ? 'Checked in.' : 'Already checked in.');
      setCode('');
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <section className="card" aria-labelledby="desk-heading">
      <h2 id="desk-heading" className="section-title">
        Check-in desk
      </h2>
      <form className="inline-form" onSubmit={(e) => void submit(e)}>
        <div className="field field-grow">
          <label htmlFor="personal-code">Attendee's personal code</label>
          <input id="personal-code" value={code} autoComplete="off" onChange={(e) => setCode(e.target.value)} />
        </div>
        <button className="button button-primary" type="submit" disabled={checking.isLoading || !code.trim()}>
          Check in
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
        Post an announcement
      </h2>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label htmlFor="announcement">Announcement</label>
          <textarea
            id="announcement"
            rows={3}
            maxLength={4000}
            value={body}
            onChange={(e) => setBody(e.target.value)}
            placeholder="Doors open in 10 minutes!"
          />
        </div>
        <ErrorNote>{error}</ErrorNote>
        <div className="button-row">
          <button className="button button-primary" type="submit" disabled={posting.isLoading || !body.trim()}>
            Post to attendees
          </button>
        </div>
      </form>
    </section>
  );
}

function AttendeeTable({ eventId }: { eventId: string }) {
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
          Attendees
        </h2>
        <AttendeeExport eventId={eventId} />
      </div>
      <ErrorNote>{error}</ErrorNote>
      {attendees.data?.items.length === 0 && <Empty>No RSVPs yet.</Empty>}
      <ul className="people">
        {attendees.data?.items.map((a) => (
          <li key={a.profile.id} className="person person-row">
            <Avatar id={a.profile.id} name={a.profile.display_name} size={34} />
            <div className="person-grow">
              <p className="person-name">{a.profile.display_name}</p>
              <p className="muted small">{a.status === 'waitlisted' ? `Waitlist #${a.waitlist_position}` : a.status}</p>
            </div>
            {a.checked_in ? (
              <span className="status status-checked">checked in</span>
            ) : a.status === 'going' ? (
              <button
                type="button"
                className="button button-secondary button-small"
                onClick={() => void checkIn(a.profile.id)}
                aria-label={`Check in ${a.profile.display_name}`}
              >
                Check in
              </button>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
