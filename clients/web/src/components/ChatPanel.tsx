// A live conversation on one channel (an event's chat or a DM): history, live messages, and a
// composer. Messages come from the channel feed, so each appears once, in offset order, whether
// it arrived live, in a resume after a disconnect, or from the history.

import { FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../app/api';
import { useAppDispatch, useAppSelector } from '../app/hooks';
import { conversationHidden, conversationRead, conversationShown } from '../realtime/dmSlice';
import { realtimeReason } from '../i18n/serverText';
import { RealtimeError } from '../realtime/client';
import { useChannel, useRealtime } from '../realtime/hooks';
import { EarlierMessages } from './EarlierMessages';
import { clock } from './format';
import { LinkedText } from './LinkedText';
import { Avatar, Empty, ErrorNote } from './ui';

/** The longest message the server accepts, in characters, and from when the count shows. */
const MAX_CHARS = 2000;
const COUNT_FROM = 1800;

export function ChatPanel({
  channel,
  title,
  names,
  placeholder,
  onClose,
}: {
  channel: string;
  title: string;
  names: Record<string, string>;
  placeholder?: string;
  onClose?: () => void;
}) {
  const { t } = useTranslation();
  const feed = useChannel(channel, { history: true });
  const client = useRealtime();
  const me = useAppSelector((s) => s.auth.user);
  const connected = useAppSelector((s) => s.connection.status === 'open');
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const logRef = useRef<HTMLDivElement>(null);
  const messages = feed?.messages ?? [];
  const headingId = `chat-${channel.replace(/[^a-z0-9]/gi, '-')}`;
  const dispatch = useAppDispatch();
  const conversation = channel.startsWith('dm:') ? channel.slice(3) : null;

  // A DM on screen is read: it leaves the unread count, and new notices for it do not count.
  useEffect(() => {
    if (!conversation) return;
    dispatch(conversationShown(conversation));
    return () => {
      dispatch(conversationHidden(conversation));
    };
  }, [conversation, dispatch]);

  // A new last line scrolls the log down to it; older lines prepended above leave it where it is.
  const newest = messages[messages.length - 1]?.offset;
  // A DM's lines on screen are read, so their notices, should they come later, count for nothing.
  useEffect(() => {
    if (conversation && newest !== undefined) dispatch(conversationRead({ id: conversation, offset: newest }));
  }, [conversation, newest, dispatch]);
  useEffect(() => {
    const log = logRef.current;
    if (log) log.scrollTop = log.scrollHeight;
  }, [newest]);

  // Counted as the server counts (characters, not UTF-16 units); shown as the limit nears, and
  // never cut: a pasted text that is too long stays whole until it is shortened.
  const length = [...text.trim()].length;
  const tooLong = length > MAX_CHARS;

  const send = async (e: FormEvent) => {
    e.preventDefault();
    const body = text.trim();
    if (!body || !client || tooLong) return;
    setSending(true);
    setError(null);
    try {
      await client.publish(channel, body);
      setText('');
      if (conversation) dispatch(api.util.invalidateTags(['Conversations']));
    } catch (err) {
      setError(
        err instanceof RealtimeError
          ? t('chat.notSentBecause', { reason: realtimeReason(err.code, err.message) })
          : t('chat.notSent'),
      );
    } finally {
      setSending(false);
    }
  };

  return (
    <section className="chat" aria-labelledby={headingId}>
      <div className="chat-header">
        <h2 id={headingId} className="section-title">
          {title}
        </h2>
        {onClose && (
          <button type="button" className="button button-ghost button-small" onClick={onClose}>
            {t('common.close')}
          </button>
        )}
      </div>
      <div
        className="chat-log"
        ref={logRef}
        role="log"
        aria-live="polite"
        aria-label={t('chat.logLabel', { title })}
        tabIndex={0}
        data-testid={`log-${channel}`}
      >
        <EarlierMessages channel={channel} logRef={logRef} />
        <ol className="chat-messages">
          {messages.length === 0 && (
            <li>
              <Empty>{t('chat.empty')}</Empty>
            </li>
          )}
          {messages.map((m) => {
            // A chat or DM channel carries chat lines only; any other kind is not shown.
            if (m.body.kind !== 'chat') return null;
            const mine = m.sender === me?.id;
            const name = mine ? t('chat.you') : (m.sender && names[m.sender]) || t('chat.someone');
            return (
              <li key={m.offset} className={`chat-message${mine ? ' mine' : ''}`} data-offset={m.offset}>
                {!mine && <Avatar id={m.sender ?? 'x'} name={name} size={30} />}
                <div className="bubble">
                  <p className="bubble-meta">
                    <span className="bubble-name">{name}</span> <time dateTime={m.sent_at}>{clock(m.sent_at)}</time>
                  </p>
                  <p className="bubble-text">
                    <LinkedText text={m.body.text} />
                  </p>
                </div>
              </li>
            );
          })}
        </ol>
      </div>
      <form className="composer" onSubmit={(e) => void send(e)}>
        <label htmlFor={`${headingId}-input`} className="visually-hidden">
          {t('chat.messageTo', { title })}
        </label>
        <input
          id={`${headingId}-input`}
          value={text}
          placeholder={connected ? (placeholder ?? t('chat.placeholder')) : t('chat.waiting')}
          onChange={(e) => setText(e.target.value)}
          autoComplete="off"
          aria-invalid={tooLong || undefined}
          aria-describedby={length > COUNT_FROM ? `${headingId}-count` : undefined}
        />
        <button
          type="submit"
          className="button button-primary"
          disabled={sending || !text.trim() || !connected || tooLong}
        >
          {t('chat.send')}
        </button>
      </form>
      {length > COUNT_FROM && (
        <p id={`${headingId}-count`} className={`char-count${tooLong ? ' too-long' : ''}`} aria-live="polite">
          {tooLong
            ? t('chat.tooLong', { count: length, max: MAX_CHARS })
            : t('chat.count', { count: length, max: MAX_CHARS })}
        </p>
      )}
      <ErrorNote>{error}</ErrorNote>
    </section>
  );
}
