// "Load earlier messages" at the top of a chat log. Older lines are prepended without moving what
// the person is reading: the line that was first stays where it was on screen.

import { RefObject, useLayoutEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppSelector } from '../app/hooks';
import { useEarlierMessages } from '../realtime/hooks';
import { LoadMore } from './LoadMore';

/** The line that was first before older ones came in, and how far below the log's top it was. */
interface Anchor {
  offset: number;
  top: number;
}

export function EarlierMessages({ channel, logRef }: { channel: string; logRef: RefObject<HTMLElement | null> }) {
  const { t } = useTranslation();
  const earlier = useEarlierMessages(channel);
  const first = useAppSelector((s) => s.channels[channel]?.messages[0]?.offset);
  const anchor = useRef<Anchor | null>(null);

  // Runs after the older lines are in the page and before it is painted.
  useLayoutEffect(() => {
    const log = logRef.current;
    const kept = anchor.current;
    if (!log || !kept || first === kept.offset) return;
    anchor.current = null;
    const line = log.querySelector<HTMLElement>(`[data-offset="${kept.offset}"]`);
    if (line) log.scrollTop += line.getBoundingClientRect().top - log.getBoundingClientRect().top - kept.top;
  }, [first, logRef]);

  if (!earlier.hasEarlier) return null;

  const load = () => {
    const log = logRef.current;
    const line = first === undefined ? null : log?.querySelector<HTMLElement>(`[data-offset="${first}"]`);
    anchor.current =
      log && line && first !== undefined
        ? { offset: first, top: line.getBoundingClientRect().top - log.getBoundingClientRect().top }
        : null;
    void earlier.load();
  };

  return <LoadMore label={t('chat.loadEarlier')} loading={earlier.loading} error={earlier.error} onLoad={load} />;
}
