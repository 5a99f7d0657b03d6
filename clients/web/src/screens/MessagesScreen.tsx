// The user's direct conversations, newest activity first, with unread ones marked; choosing one
// opens it live beside the list (below it on phones). A new message from anyone moves its
// conversation to the top as it arrives. `?open={id}` (where a message's notification leads)
// opens that conversation at once.

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { errorMessage, useConversationsQuery } from '../app/api';
import { useAppSelector } from '../app/hooks';
import type { ConversationSummary } from '../app/types';
import { ChatPanel } from '../components/ChatPanel';
import { eventTime, recentTime } from '../components/format';
import { Avatar, Empty, ErrorNote, PageTitle, Spinner } from '../components/ui';
import { useTitle } from '../components/useTitle';

interface Selected {
  id: string;
  channel: string;
  name: string;
  userId: string;
}

const selected = (c: ConversationSummary): Selected => ({
  id: c.id,
  channel: c.channel,
  name: c.with.display_name,
  userId: c.with.id,
});

function ConversationPage({
  cursor,
  last,
  selected,
  onSelect,
  onMore,
}: {
  cursor?: string;
  last: boolean;
  selected: string | null;
  onSelect: (c: ConversationSummary) => void;
  onMore: (cursor: string) => void;
}) {
  const { t } = useTranslation();
  const page = useConversationsQuery(cursor ? { cursor } : undefined);
  const me = useAppSelector((s) => s.auth.user?.id);
  const unread = useAppSelector((s) => s.dm.unread);
  if (page.isLoading) return <Spinner />;
  if (page.error) return <ErrorNote>{errorMessage(page.error)}</ErrorNote>;
  const items = page.data?.items ?? [];
  const older = page.data?.next_cursor;
  if (!cursor && items.length === 0) return <Empty>{t('messages.none')}</Empty>;
  return (
    <>
      {items.map((c) => {
        const count = unread[c.id] ?? 0;
        const text = c.last_message
          ? c.last_message.from === me
            ? t('messages.mine', { text: c.last_message.text })
            : c.last_message.text
          : t('messages.noMessages');
        return (
          <li key={c.id}>
            <button
              type="button"
              className="conversation"
              aria-current={selected === c.id ? 'true' : undefined}
              onClick={() => onSelect(c)}
              data-testid="conversation"
            >
              <Avatar id={c.with.id} name={c.with.display_name} size={40} />
              <span className="conversation-body">
                <span className="conversation-top">
                  <span className="person-name" title={c.with.display_name}>
                    {c.with.display_name}
                  </span>
                  <time className="small muted" dateTime={c.last_activity_at} title={eventTime(c.last_activity_at)}>
                    {recentTime(c.last_activity_at)}
                  </time>
                </span>
                <span className={`conversation-preview small${count ? '' : ' muted'}`}>{text}</span>
              </span>
              {count > 0 && (
                <span className="badge" data-testid="unread-count">
                  {count}
                  <span className="visually-hidden"> {t('messages.unread')}</span>
                </span>
              )}
            </button>
          </li>
        );
      })}
      {last && older && (
        <li>
          <button type="button" className="button button-ghost button-small" onClick={() => onMore(older)}>
            {t('messages.older')}
          </button>
        </li>
      )}
    </>
  );
}

export function MessagesScreen() {
  const { t } = useTranslation();
  useTitle(t('messages.title'));
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [chosen, setChosen] = useState<Selected | null>(null);
  // The conversation the address names (the newest activity is on the first page) is open until
  // another is chosen or it is closed; then the address lets go of it.
  const [params, setParams] = useSearchParams();
  const asked = params.get('open');
  const first = useConversationsQuery(undefined, { skip: asked == null });
  const named = asked ? first.data?.items.find((c) => c.id === asked) : undefined;
  const open = named ? selected(named) : chosen;
  const choose = (next: Selected | null) => {
    setChosen(next);
    if (asked != null) setParams({}, { replace: true });
  };
  const select = (c: ConversationSummary) => choose(selected(c));
  return (
    <div className="page">
      <PageTitle>{t('messages.title')}</PageTitle>
      <div className="two-col">
        <section className="card" aria-label={t('live.conversations')}>
          <ul className="conversation-list" aria-live="polite">
            {cursors.map((cursor, i) => (
              <ConversationPage
                key={cursor ?? 'first'}
                cursor={cursor}
                last={i === cursors.length - 1}
                selected={open?.id ?? null}
                onSelect={select}
                onMore={(next) => setCursors((all) => [...all, next])}
              />
            ))}
          </ul>
        </section>
        {open && (
          <div className="card chat-card dm-card">
            <ChatPanel
              key={open.channel}
              channel={open.channel}
              title={t('messages.chatWith', { name: open.name })}
              names={{ [open.userId]: open.name }}
              onClose={() => choose(null)}
            />
          </div>
        )}
      </div>
    </div>
  );
}
