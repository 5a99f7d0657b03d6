// How screens reach the realtime client that `RealtimeProvider` holds: the client itself, and
// `useChannel`, which follows a channel and keeps its feed in the store.

import { createContext, useContext, useEffect, useEffectEvent } from 'react';
import { api } from '../app/api';
import { useAppDispatch, useAppSelector } from '../app/hooks';
import type { ChannelEvent, RealtimeClient } from './client';
import { channelReset, historyLoaded, messageReceived, presenceUpdated } from './channelsSlice';

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
      const request = dispatch(api.endpoints.channelHistory.initiate({ channel, limit: 100 }, { forceRefetch: true }));
      const result = await request;
      request.unsubscribe();
      if (!active || !result.data) return;
      dispatch(historyLoaded({ channel, messages: [...result.data.items].reverse() }));
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
