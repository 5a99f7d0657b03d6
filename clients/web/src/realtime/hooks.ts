// How screens reach the realtime client that `RealtimeProvider` holds: the client itself,
// `useChannel`, which follows a channel and keeps its feed in the store, and `useEarlierMessages`,
// which loads the feed's older pages on request.

import { createContext, useContext, useEffect, useEffectEvent, useState } from 'react';
import { api, errorMessage } from '../app/api';
import { useAppDispatch, useAppSelector } from '../app/hooks';
import type { ChannelEvent, RealtimeClient } from './client';
import { channelReset, historyLoaded, messageReceived, olderHistoryLoaded, presenceUpdated } from './channelsSlice';

/** Messages per history page: the newest ones when a channel is opened, and each older page. */
export const HISTORY_PAGE = 50;

/** A history page's `next_cursor` is the offset to pass as `before` for the page after it. */
function olderCursor(nextCursor: string | null | undefined): number | null {
  const offset = nextCursor ? Number(nextCursor) : NaN;
  return Number.isSafeInteger(offset) ? offset : null;
}

export const RealtimeContext = createContext<RealtimeClient | null>(null);

export function useRealtime(): RealtimeClient | null {
  return useContext(RealtimeContext);
}

/**
 * Follows `channel` and keeps its feed in the store: live messages, plus the stored history over
 * REST whenever the subscription starts fresh or the server says the gap could not be replayed.
 * `onEvent` sees every event too (an announcement, a counters update).
 */
export function useChannel(
  channel: string | null,
  options: { history?: boolean; onEvent?: (e: ChannelEvent) => void } = {},
) {
  const client = useRealtime();
  const dispatch = useAppDispatch();
  // The latest `onEvent` is called without resubscribing when the caller passes a new function.
  const onEvent = useEffectEvent((event: ChannelEvent) => options.onEvent?.(event));
  const history = options.history ?? false;

  useEffect(() => {
    if (!client || !channel) return;
    let active = true;
    const loadHistory = async () => {
      const request = dispatch(
        api.endpoints.channelHistory.initiate({ channel, limit: HISTORY_PAGE }, { forceRefetch: true }),
      );
      const result = await request;
      request.unsubscribe();
      if (!active || !result.data) return;
      dispatch(
        historyLoaded({
          channel,
          messages: [...result.data.items].reverse(),
          older: olderCursor(result.data.next_cursor),
        }),
      );
    };
    const unsubscribe = client.subscribe(channel, (event) => {
      if (event.kind === 'message') dispatch(messageReceived({ ...event.message }));
      else if (event.kind === 'presence') dispatch(presenceUpdated(event.presence));
      else if (event.kind === 'reset') dispatch(channelReset(channel));
      else if (event.kind === 'subscribed' && history && event.recovered !== true) void loadHistory();
      onEvent(event);
    });
    return () => {
      active = false;
      unsubscribe();
    };
  }, [client, channel, dispatch, history]);

  return useAppSelector((s) => (channel ? s.channels[channel] : undefined));
}

/** Loads the page of messages before the oldest one a followed channel's feed holds. */
export function useEarlierMessages(channel: string) {
  const dispatch = useAppDispatch();
  const before = useAppSelector((s) => s.channels[channel]?.older ?? null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = async () => {
    if (before === null || loading) return;
    setLoading(true);
    setError(null);
    const request = dispatch(
      api.endpoints.channelHistory.initiate({ channel, before, limit: HISTORY_PAGE }, { forceRefetch: true }),
    );
    const result = await request;
    request.unsubscribe();
    setLoading(false);
    if (!result.data) {
      setError(errorMessage(result.error));
      return;
    }
    dispatch(
      olderHistoryLoaded({
        channel,
        messages: [...result.data.items].reverse(),
        older: olderCursor(result.data.next_cursor),
        before,
      }),
    );
  };

  return { hasEarlier: before !== null, loading, error, load };
}
