// The live room during an event: announcements, the event chat, who is online, people to meet
// (with the reasons), meeting requests and direct messages, all live over the one WebSocket.

import { FormEvent, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import {
  errorCode,
  errorMessage,
  useAttendeesQuery,
  useEventQuery,
  useOpenConversationMutation,
  useRequestMeetingMutation,
  useLazyFreeTimesQuery,
  useMeetingsQuery,
  useAnnouncementsQuery,
  useBlockMutation,
  useConversationsQuery,
  useRsvpQuery,
  useSuggestionFeedbackMutation,
  useSuggestionsQuery,
  useUnblockMutation,
  useUpdateMeMutation,
} from '../app/api';
import { useTracker } from '../analytics/context';
import { useAppSelector } from '../app/hooks';
import type { MingleEvent, Suggestion, SuggestionList } from '../app/types';
import { BlockConfirm, UndoNote } from '../components/Blocking';
import { ChatPanel } from '../components/ChatPanel';
import { clock, fromLocalInput, toLocalInput } from '../components/format';
import { MeetingInbox } from '../components/MeetingInbox';
import { NotificationPrompt } from '../components/NotificationSetting';
import { Avatar, Empty, ErrorNote, PageTitle, Reasons, Spinner, Tabs } from '../components/ui';
import { useTitle } from '../components/useTitle';
import { unreadConversations } from '../realtime/dmSlice';
import { useChannel } from '../realtime/hooks';
import { useEventChannel } from '../realtime/useEventChannel';
import { Announcements } from './EventPage';
import { useNow } from '../components/useNow';

type Panel = 'chat' | 'people' | 'meetings' | 'news';

export function LiveRoom() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const event = useEventQuery(id);
  useTitle(event.data ? t('live.title', { title: event.data.title }) : undefined);
  const me = useAppSelector((s) => s.auth.user);
  useEventChannel(id);
  const presence = useChannel(id ? `event:${id}:presence` : null);
  const connected = useAppSelector((s) => s.connection.status === 'open');
  const attendees = useAttendeesQuery({ id });
  const suggestions = useSuggestionsQuery(id);
  const [tab, setTab] = useState<Panel>('chat');
  const [dm, setDm] = useState<{ channel: string; name: string } | null>(null);
  const badges = useTabBadges(id, tab, me?.id);
  // On a phone, a conversation behind another tab is not on screen: it closes until the Chat tab
  // is open again, so that what arrives meanwhile counts as unread and marks the tab.
  const oneSection = useOneSectionAtATime();

  const names = useMemo(() => {
    const map: Record<string, string> = {};
    for (const a of attendees.data?.items ?? []) map[a.profile.id] = a.profile.display_name;
    for (const s of suggestions.data?.items ?? []) map[s.user.id] = s.user.display_name;
    if (me) map[me.id] = me.display_name;
    return map;
  }, [attendees.data, suggestions.data, me]);

  if (event.isLoading) return <Spinner />;
  if (!event.data) return <ErrorNote>{errorMessage(event.error)}</ErrorNote>;
  const e = event.data;
  const openDm = (channel: string, name: string) => {
    setDm({ channel, name });
    setTab('chat');
  };

  return (
    <div className="page page-wide">
      <p className="crumbs">
        <Link to={`/events/${e.id}`}>← {e.title}</Link>
      </p>
      <PageTitle
        actions={
          <span className="online" data-testid="online-count">
            <span className="online-dot" aria-hidden="true" />
            {connected && presence?.online != null
              ? t('live.online', { count: presence.online })
              : t('live.onlineUnknown')}
          </span>
        }
      >
        {t('live.title', { title: e.title })}
      </PageTitle>
      <Tabs<Panel>
        label={t('live.sections')}
        active={tab}
        onChange={(next) => {
          if (tab === 'news' || next === 'news') badges.newsSeen();
          setTab(next);
        }}
        tabs={[
          { id: 'chat', label: <TabLabel label={t('live.tabs.chat')} count={badges.chat} what="unread" /> },
          { id: 'people', label: t('live.tabs.people') },
          {
            id: 'meetings',
            label: <TabLabel label={t('live.tabs.meetings')} count={badges.meetings} what="waiting" />,
          },
          { id: 'news', label: <TabLabel label={t('live.tabs.news')} count={badges.news} what="new" /> },
        ]}
      />
      <div className="live-grid" data-tab={tab} data-dm={dm ? 'open' : undefined}>
        <div className="live-panel panel-people" id="panel-people" role="region" aria-label={t('live.peopleToMeet')}>
          <PeopleToMeet event={e} suggestions={suggestions} onMessage={openDm} />
        </div>
        <div className="live-panel panel-chat" id="panel-chat" role="region" aria-label={t('live.conversations')}>
          <UnreadConversations onOpen={openDm} />
          <div className="card chat-card">
            <ChatPanel channel={`event:${e.id}:chat`} title={t('live.eventChat')} names={names} />
          </div>
          {dm && (tab === 'chat' || !oneSection) && (
            <div className="card chat-card dm-card">
              <ChatPanel
                key={dm.channel}
                channel={dm.channel}
                title={t('live.privateChat', { name: dm.name })}
                names={names}
                onClose={() => setDm(null)}
              />
            </div>
          )}
        </div>
        <div className="live-panel panel-side">
          <div className="panel-meetings card" id="panel-meetings" role="region" aria-labelledby="inbox-heading">
            <h2 id="inbox-heading" className="section-title">
              {t('live.tabs.meetings')}
            </h2>
            <NotificationPrompt />
            <MeetingInbox eventId={e.id} onOpenChat={openDm} />
          </div>
          <div className="panel-news" id="panel-news">
            <Announcements eventId={e.id} />
          </div>
        </div>
      </div>
    </div>
  );
}

/** The phone layout of styles.css, where the live room shows one section at a time. */
const ONE_SECTION = '(max-width: 760px)';

function useOneSectionAtATime(): boolean {
  return useSyncExternalStore(
    (changed) => {
      const query = window.matchMedia(ONE_SECTION);
      query.addEventListener('change', changed);
      return () => query.removeEventListener('change', changed);
    },
    () => window.matchMedia(ONE_SECTION).matches,
  );
}

/** A tab's name with a count of what waits behind it, read out in words. */
function TabLabel({ label, count, what }: { label: string; count: number; what: 'unread' | 'waiting' | 'new' }) {
  const { t } = useTranslation();
  if (count === 0) return label;
  const spoken =
    what === 'unread'
      ? t('live.badge.unread', { count })
      : what === 'waiting'
        ? t('live.badge.waiting', { count })
        : t('live.badge.new', { count });
  return (
    <>
      {label}
      <span className="tab-badge" aria-hidden="true">
        {count > 9 ? '9+' : count}
      </span>
      <span className="visually-hidden">, {spoken}</span>
    </>
  );
}

/**
 * What waits behind the phone's tabs: meeting requests to answer, conversations with unread
 * messages, and announcements posted since the News tab was last open (remembered per event).
 */
function useTabBadges(eventId: string, tab: Panel, me: string | undefined) {
  const meetings = useMeetingsQuery({ event_id: eventId });
  const announcements = useAnnouncementsQuery(eventId);
  const unread = useAppSelector((s) => unreadConversations(s.dm));
  const key = `mingle:news-seen:${eventId}`;
  const [seen, setSeen] = useState(() => localStorage.getItem(key) ?? '');
  const newest = announcements.data?.items[0]?.created_at ?? '';
  const waiting = (meetings.data?.items ?? []).filter((m) => m.status === 'pending' && m.to.id === me);
  const unseen = (announcements.data?.items ?? []).filter((a) => a.created_at > seen);
  /** Everything posted so far counts as read: called on entering and on leaving the News tab. */
  const newsSeen = () => {
    if (newest > seen) {
      localStorage.setItem(key, newest);
      setSeen(newest);
    }
  };
  return { chat: unread, meetings: waiting.length, news: tab === 'news' ? 0 : unseen.length, newsSeen };
}

/**
 * The conversations with messages not read yet, each a button that opens it: the Chat tab's badge
 * counts them, and this is where they are read.
 */
function UnreadConversations({ onOpen }: { onOpen: (channel: string, name: string) => void }) {
  const { t } = useTranslation();
  const unread = useAppSelector((s) => s.dm.unread);
  const anything = Object.keys(unread).length > 0;
  const conversations = useConversationsQuery(undefined, { skip: !anything });
  const waiting = anything ? (conversations.data?.items ?? []).filter((c) => unread[c.id]) : [];
  if (waiting.length === 0) return null;
  return (
    <ul className="unread-conversations" aria-label={t('live.unreadConversations')}>
      {waiting.map((c) => (
        <li key={c.id}>
          <button
            type="button"
            className="button button-secondary button-small"
            onClick={() => onOpen(c.channel, c.with.display_name)}
          >
            {t('live.unreadFrom', { count: unread[c.id], name: c.with.display_name })}
          </button>
        </li>
      ))}
    </ul>
  );
}

function PeopleToMeet({
  event,
  suggestions,
  onMessage,
}: {
  event: MingleEvent;
  suggestions: { data?: SuggestionList; error?: unknown; isLoading: boolean };
  onMessage: (channel: string, name: string) => void;
}) {
  const { t } = useTranslation();
  const [updateMe, updating] = useUpdateMeMutation();
  const [openConversation] = useOpenConversationMutation();
  const [block, blocking] = useBlockMutation();
  const [unblock, unblocking] = useUnblockMutation();
  const [feedback] = useSuggestionFeedbackMutation();
  const [asking, setAsking] = useState<string | null>(null);
  const [confirmingBlock, setConfirmingBlock] = useState<string | null>(null);
  const [blocked, setBlocked] = useState<{ id: string; name: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const code = errorCode(suggestions.error);
  // Asking someone suggested to meet, or writing to them, opens them from the list.
  const tracker = useTracker();
  const opened = (s: Suggestion, position: number) =>
    tracker.open({ item: s.user.id, list: 'suggestions', position, request_id: suggestions.data?.request_id });
  // Once the event has started, suggestions are among the people checked in, the viewer too.
  const rsvp = useRsvpQuery(event.id, { skip: event.my_rsvp !== 'going' });
  const started = useNow() >= new Date(event.starts_at).getTime();
  const notHereYet = started && rsvp.data != null && !rsvp.data.checked_in_at;
  // Online only, there is no code to bring: an attendee joins from the event's page.
  const onlineOnly = !event.venue && Boolean(event.online_url);
  // The viewer's requests at this event, so a card shows one that waits for an answer. (A
  // declined request takes the two out of each other's suggestions; the Meetings panel says so.)
  const me = useAppSelector((s) => s.auth.user?.id);
  const meetings = useMeetingsQuery({ event_id: event.id });
  const mine = (meetings.data?.items ?? []).filter((m) => m.from.id === me);
  const pendingWith = new Set(mine.filter((m) => m.status === 'pending').map((m) => m.to.id));

  const message = async (s: Suggestion, position: number) => {
    opened(s, position);
    setError(null);
    try {
      const conversation = await openConversation(s.user.id).unwrap();
      onMessage(conversation.channel, s.user.display_name);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const confirmBlock = async (s: Suggestion) => {
    setError(null);
    try {
      await block(s.user.id).unwrap();
      setConfirmingBlock(null);
      setBlocked({ id: s.user.id, name: s.user.display_name });
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const undoBlock = async (person: { id: string; name: string }) => {
    setError(null);
    try {
      await unblock(person.id).unwrap();
      setBlocked(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <section className="card" aria-labelledby="people-heading">
      <h2 id="people-heading" className="section-title">
        {t('live.peopleToMeet')}
      </h2>
      {suggestions.isLoading && <Spinner />}
      {code === 'matchmaking_off' && (
        <div className="callout">
          <p>{t('live.matchmakingOff')}</p>
          <button
            type="button"
            className="button button-primary"
            disabled={updating.isLoading}
            onClick={() => void updateMe({ matchmaking: true })}
          >
            {t('live.turnOnMatchmaking')}
          </button>
        </div>
      )}
      {code === 'not_attending' && (
        <Empty>{event.is_organizer ? t('live.notAttendingOrganizer') : t('live.notAttending')}</Empty>
      )}
      {Boolean(suggestions.error) && code !== 'matchmaking_off' && code !== 'not_attending' && (
        <ErrorNote>{errorMessage(suggestions.error)}</ErrorNote>
      )}
      {suggestions.data?.items.length === 0 &&
        (notHereYet ? (
          <div className="callout" data-testid="check-in-first">
            <p>
              {onlineOnly
                ? `${t('live.joined', { count: event.checked_in_count })} ${t('live.joinToMeet')}`
                : `${t('live.checkedIn', { count: event.checked_in_count })} ${t('live.checkInToMeet')}`}
            </p>
            <Link className="button button-primary button-small" to={`/events/${event.id}`}>
              {onlineOnly ? t('live.join') : t('live.checkIn')}
            </Link>
          </div>
        ) : (
          <Empty>{t('live.noSuggestions')}</Empty>
        ))}
      <ErrorNote>{error}</ErrorNote>
      {blocked && (
        <UndoNote
          key={blocked.id}
          message={t('block.blocked', { name: blocked.name })}
          busy={unblocking.isLoading}
          onUndo={() => void undoBlock(blocked)}
          onExpire={() => setBlocked(null)}
        />
      )}
      <ul className="suggestions" aria-live="polite">
        {suggestions.data?.items.map((s, position) => (
          <li key={s.user.id} className="suggestion" data-testid="suggestion">
            <div className="person">
              <Avatar id={s.user.id} name={s.user.display_name} />
              <div>
                <p className="person-name">{s.user.display_name}</p>
                {s.user.headline && <p className="muted small">{s.user.headline}</p>}
              </div>
            </div>
            <Reasons reasons={s.reasons} />
            {asking === s.user.id ? (
              <MeetingForm event={event} suggestion={s} onDone={() => setAsking(null)} />
            ) : (
              <div className="button-row">
                {pendingWith.has(s.user.id) ? (
                  <span className="status status-interested" data-testid="request-pending">
                    {t('live.requestSent')}
                  </span>
                ) : (
                  <button
                    type="button"
                    className="button button-primary button-small"
                    onClick={() => {
                      opened(s, position);
                      setAsking(s.user.id);
                    }}
                    aria-label={t('live.requestWith', { name: s.user.display_name })}
                  >
                    {t('live.requestMeeting')}
                  </button>
                )}
                <button
                  type="button"
                  className="button button-secondary button-small"
                  onClick={() => void message(s, position)}
                  aria-label={t('meetings.messageTo', { name: s.user.display_name })}
                >
                  {t('meetings.message')}
                </button>
              </div>
            )}
            {asking !== s.user.id && (
              <div className="suggestion-more">
                <button
                  type="button"
                  className="link-button"
                  onClick={() => void feedback({ id: event.id, userId: s.user.id, verdict: 'met' })}
                  aria-label={t('live.alreadyMetWith', { name: s.user.display_name })}
                >
                  {t('live.alreadyMet')}
                </button>
                <button
                  type="button"
                  className="link-button"
                  onClick={() => void feedback({ id: event.id, userId: s.user.id, verdict: 'not_relevant' })}
                  aria-label={t('live.notRelevantWith', { name: s.user.display_name })}
                >
                  {t('live.notRelevant')}
                </button>
                <button
                  type="button"
                  className="link-button"
                  onClick={() => setConfirmingBlock(s.user.id)}
                  aria-label={t('live.blockWith', { name: s.user.display_name })}
                >
                  {t('live.block')}
                </button>
              </div>
            )}
            {asking !== s.user.id && confirmingBlock === s.user.id && (
              <BlockConfirm
                name={s.user.display_name}
                busy={blocking.isLoading}
                onConfirm={() => void confirmBlock(s)}
                onCancel={() => setConfirmingBlock(null)}
              />
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function MeetingForm({
  event,
  suggestion,
  onDone,
}: {
  event: MingleEvent;
  suggestion: Suggestion;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [request, requesting] = useRequestMeetingMutation();
  const [when, setWhen] = useState(() => {
    // Ten minutes from now at the earliest, and not before the event starts, on a 5-minute mark.
    const start = Math.max(Date.now() + 10 * 60_000, new Date(event.starts_at).getTime());
    return toLocalInput(new Date(Math.ceil(start / 300_000) * 300_000));
  });
  const [minutes, setMinutes] = useState('30');
  const [place, setPlace] = useState('');
  const [message, setMessage] = useState(() =>
    t('live.form.greeting', { name: suggestion.user.display_name.split(' ')[0] }),
  );
  const [error, setError] = useState<string | null>(null);
  const [findFreeTimes, freeTimes] = useLazyFreeTimesQuery();
  const [clashed, setClashed] = useState(false);
  const first = useRef<HTMLTextAreaElement>(null);
  useEffect(() => first.current?.focus(), []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setClashed(false);
    const startsAt = fromLocalInput(when);
    try {
      await request({
        eventId: event.id,
        request: {
          to_user_id: suggestion.user.id,
          message,
          starts_at: startsAt,
          duration_minutes: Number(minutes),
          place,
        },
      }).unwrap();
      onDone();
    } catch (err) {
      if (errorCode(err) === 'slot_taken') {
        // Offer the first times both are free, from the one asked for on.
        setClashed(true);
        void findFreeTimes({
          eventId: event.id,
          with: suggestion.user.id,
          duration_minutes: Number(minutes),
          after: startsAt,
        });
      }
      setError(errorMessage(err));
    }
  };
  const offered = clashed ? (freeTimes.data?.slots ?? []) : [];
  const idp = `meet-${suggestion.user.id}`;
  return (
    <form
      className="form meeting-form"
      onSubmit={(e) => void submit(e)}
      aria-label={t('live.form.label', { name: suggestion.user.display_name })}
    >
      <div className="field">
        <label htmlFor={`${idp}-message`}>{t('live.form.message')}</label>
        <textarea
          id={`${idp}-message`}
          ref={first}
          rows={2}
          maxLength={500}
          value={message}
          onChange={(e) => setMessage(e.target.value)}
        />
      </div>
      <div className="form-row">
        <div className="field">
          <label htmlFor={`${idp}-when`}>{t('live.form.when')}</label>
          <input
            id={`${idp}-when`}
            type="datetime-local"
            value={when}
            onChange={(e) => setWhen(e.target.value)}
            required
          />
        </div>
        <div className="field">
          <label htmlFor={`${idp}-minutes`}>{t('live.form.minutes')}</label>
          <select id={`${idp}-minutes`} value={minutes} onChange={(e) => setMinutes(e.target.value)}>
            {['15', '30', '45', '60'].map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${idp}-place`}>{t('live.form.where')}</label>
        <input
          id={`${idp}-place`}
          value={place}
          maxLength={200}
          placeholder={t('live.form.wherePlaceholder')}
          onChange={(e) => setPlace(e.target.value)}
        />
      </div>
      <ErrorNote>{error}</ErrorNote>
      {clashed && freeTimes.isSuccess && (
        <div className="free-times" data-testid="free-times">
          {offered.length === 0 ? (
            <p className="hint">{t('live.form.noFreeTime')}</p>
          ) : (
            <>
              <p className="hint">{t('live.form.freeForBoth')}</p>
              <div className="button-row">
                {offered.map((slot) => (
                  <button
                    key={slot.starts_at}
                    type="button"
                    className="button button-secondary button-small"
                    onClick={() => {
                      setWhen(toLocalInput(new Date(slot.starts_at)));
                      setClashed(false);
                      setError(null);
                    }}
                  >
                    {clock(slot.starts_at)}
                  </button>
                ))}
              </div>
            </>
          )}
        </div>
      )}
      <div className="button-row">
        <button type="submit" className="button button-primary button-small" disabled={requesting.isLoading}>
          {t('live.form.send')}
        </button>
        <button type="button" className="button button-ghost button-small" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
