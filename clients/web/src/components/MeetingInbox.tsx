// Meeting requests: incoming ones to accept or decline, the user's own pending requests, and
// arranged meetings with their DM. Live changes arrive on the user's channel and refresh this.

import { ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage, useDecideMeetingMutation, useMeetingsQuery } from '../app/api';
import { useAppSelector } from '../app/hooks';
import type { Meeting } from '../app/types';
import { timeRange } from './format';
import { Avatar, Empty, ErrorNote, Spinner } from './ui';

export function MeetingInbox({
  eventId,
  onOpenChat,
}: {
  eventId?: string;
  onOpenChat?: (channel: string, name: string, userId: string) => void;
}) {
  const { t } = useTranslation();
  const me = useAppSelector((s) => s.auth.user?.id);
  const meetings = useMeetingsQuery(eventId ? { event_id: eventId } : {});
  const [decide, deciding] = useDecideMeetingMutation();
  const [error, setError] = useState<string | null>(null);
  const items = meetings.data?.items ?? [];
  const incoming = items.filter((m) => m.status === 'pending' && m.to.id === me);
  const outgoing = items.filter((m) => m.status === 'pending' && m.from.id === me);
  const arranged = items.filter((m) => m.status === 'accepted');
  // The requester is told of a decline, rather than the request silently disappearing.
  const declined = items.filter((m) => m.status === 'declined' && m.from.id === me);

  const act = async (meeting: Meeting, decision: 'accept' | 'decline' | 'cancel') => {
    setError(null);
    try {
      await decide({ id: meeting.id, decision }).unwrap();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const other = (m: Meeting) => (m.from.id === me ? m.to : m.from);
  const when = (m: Meeting) => `${timeRange(m.starts_at, m.ends_at)}${m.place ? ` · ${m.place}` : ''}`;

  if (meetings.isLoading) return <Spinner />;
  return (
    <div className="inbox" aria-live="polite">
      <ErrorNote>{error}</ErrorNote>
      <h3 className="subheading">{t('meetings.forYou')}</h3>
      {incoming.length === 0 ? (
        <Empty>{t('meetings.noRequests')}</Empty>
      ) : (
        <ul className="meeting-list">
          {incoming.map((m) => (
            <li key={m.id} className="meeting" data-testid="incoming-meeting">
              <Avatar id={m.from.id} name={m.from.display_name} size={36} />
              <div className="meeting-body">
                <p className="person-name">{m.from.display_name}</p>
                <p className="small muted">{when(m)}</p>
                {m.message && <p className="meeting-message">“{m.message}”</p>}
                <div className="button-row">
                  <button
                    type="button"
                    className="button button-primary button-small"
                    disabled={deciding.isLoading}
                    onClick={() => void act(m, 'accept')}
                    aria-label={t('meetings.acceptWith', { name: m.from.display_name })}
                  >
                    {t('meetings.accept')}
                  </button>
                  <button
                    type="button"
                    className="button button-ghost button-small"
                    disabled={deciding.isLoading}
                    onClick={() => void act(m, 'decline')}
                    aria-label={t('meetings.declineWith', { name: m.from.display_name })}
                  >
                    {t('meetings.decline')}
                  </button>
                </div>
              </div>
            </li>
          ))}
        </ul>
      )}
      <h3 className="subheading">{t('meetings.arranged')}</h3>
      {arranged.length === 0 ? (
        <Empty>{t('meetings.noneArranged')}</Empty>
      ) : (
        <ul className="meeting-list">
          {arranged.map((m) => (
            <li key={m.id} className="meeting" data-testid="arranged-meeting">
              <Avatar id={other(m).id} name={other(m).display_name} size={36} />
              <div className="meeting-body">
                <p className="person-name">
                  {other(m).display_name} <span className="status status-going">{t('meetings.status.accepted')}</span>
                </p>
                <p className="small muted">{when(m)}</p>
                <div className="button-row">
                  {m.channel && onOpenChat && (
                    <button
                      type="button"
                      className="button button-secondary button-small"
                      onClick={() => onOpenChat(m.channel as string, other(m).display_name, other(m).id)}
                      aria-label={t('meetings.messageTo', { name: other(m).display_name })}
                    >
                      {t('meetings.message')}
                    </button>
                  )}
                  <button
                    type="button"
                    className="button button-ghost button-small"
                    onClick={() => void act(m, 'cancel')}
                  >
                    {t('meetings.cancel')}
                  </button>
                </div>
              </div>
            </li>
          ))}
        </ul>
      )}
      {outgoing.length > 0 && (
        <>
          <h3 className="subheading">{t('meetings.waiting')}</h3>
          <ul className="meeting-list">
            {outgoing.map((m) => (
              <MeetingLine key={m.id} person={m.to} testId="outgoing-meeting" when={when(m)} status="pending">
                <button
                  type="button"
                  className="button button-ghost button-small"
                  onClick={() => void act(m, 'cancel')}
                >
                  {t('meetings.withdraw')}
                </button>
              </MeetingLine>
            ))}
          </ul>
        </>
      )}
      {declined.length > 0 && (
        <>
          <h3 className="subheading">{t('meetings.declined')}</h3>
          <ul className="meeting-list">
            {declined.map((m) => (
              <MeetingLine key={m.id} person={m.to} testId="declined-meeting" when={when(m)} status="declined">
                <p className="small muted">{t('meetings.cannotMeet', { name: m.to.display_name })}</p>
              </MeetingLine>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/** One of the viewer's own requests: to whom, in which state, when, and what can be done. */
function MeetingLine({
  person,
  testId,
  when,
  status,
  children,
}: {
  person: Meeting['to'];
  testId: string;
  when: string;
  status: 'pending' | 'declined';
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const tone = status === 'pending' ? 'status-interested' : 'status-declined';
  return (
    <li className="meeting" data-testid={testId}>
      <Avatar id={person.id} name={person.display_name} size={36} />
      <div className="meeting-body">
        <p className="person-name">
          {person.display_name} <span className={`status ${tone}`}>{t(`meetings.status.${status}`)}</span>
        </p>
        <p className="small muted">{when}</p>
        {children}
      </div>
    </li>
  );
}
