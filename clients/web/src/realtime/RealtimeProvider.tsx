// Connects the realtime client to the app: one client per signed-in session, its connection
// state mirrored into the store, the user's own channel turned into cache updates, and hooks
// through which screens follow channels.

import { createContext, ReactNode, useContext, useEffect, useMemo, useRef } from 'react';
import { useStore } from 'react-redux';
import { api } from '../app/api';
import { useAppDispatch, useAppSelector } from '../app/hooks';
import { refreshSession, validAccessToken } from '../app/session';
import type { AppStore } from '../app/store';
import type { Meeting, Suggestion } from '../app/types';
import { ChannelEvent, RealtimeClient } from './client';
import { channelReset, historyLoaded, messageReceived, presenceUpdated } from './channelsSlice';
import { connectionChanged } from './connectionSlice';
import { dmNoticed, parseDmNotice } from './dmSlice';

const RealtimeContext = createContext<RealtimeClient | null>(null);

function socketUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}/api/v1/ws`;
}

export function RealtimeProvider({ children }: { children: ReactNode }) {
  const store = useStore() as AppStore;
  const dispatch = useAppDispatch();
  const userId = useAppSelector((s) => s.auth.user?.id ?? null);
  const accessToken = useAppSelector((s) => s.auth.accessToken);

  const client = useMemo(() => {
    if (!userId) return null;
    return new RealtimeClient({
      url: socketUrl(),
      getToken: () => validAccessToken(store),
      refreshToken: () => refreshSession(store),
    });
  }, [userId, store]);

  useEffect(() => {
    if (!client) return;
    const unState = client.onState((state) => dispatch(connectionChanged(state)));
    client.start();
    const offline = () => client.goOffline();
    const online = () => client.reconnectNow();
    const visible = () => {
      if (document.visibilityState === 'visible') client.reconnectNow();
    };
    window.addEventListener('offline', offline);
    window.addEventListener('online', online);
    document.addEventListener('visibilitychange', visible);
    return () => {
      window.removeEventListener('offline', offline);
      window.removeEventListener('online', online);
      document.removeEventListener('visibilitychange', visible);
      unState();
      client.stop();
    };
  }, [client, dispatch]);

  // Refresh the session a minute before the access token expires, even when no REST call needs
  // it, so that a quiet live room keeps its connection.
  const expiresAt = useAppSelector((s) => s.auth.expiresAt);
  useEffect(() => {
    if (!userId || !expiresAt) return;
    const timer = setTimeout(
      () => void refreshSession(store).catch(() => undefined),
      Math.max(1_000, expiresAt - Date.now() - 60_000),
    );
    return () => clearTimeout(timer);
  }, [userId, expiresAt, store]);

  // A refreshed token goes to the open connection too, so it is not closed when the old one expires.
  const lastToken = useRef(accessToken);
  useEffect(() => {
    if (client && accessToken && accessToken !== lastToken.current) client.sendAuth(accessToken);
    lastToken.current = accessToken;
  }, [client, accessToken]);

  // The user's own channel: meeting changes, fresh suggestion lists and direct messages.
  useEffect(() => {
    if (!client || !userId) return;
    return client.subscribe(`user:${userId}`, (event) => {
      if (event.kind !== 'message') return;
      const body = event.message.body;
      if (body.kind === 'meeting') {
        const meeting = body.meeting as Meeting | undefined;
        dispatch(api.util.invalidateTags(['Meetings', 'Activity']));
        if (meeting) dispatch(api.util.invalidateTags([{ type: 'Suggestions', id: meeting.event_id }]));
      } else if (body.kind === 'suggestions' && typeof body.event_id === 'string') {
        const items = (body.items as Suggestion[] | undefined) ?? [];
        dispatch(api.util.upsertQueryData('suggestions', body.event_id, { items }));
      } else if (body.kind === 'dm') {
        const notice = parseDmNotice(body);
        if (notice) dispatch(dmNoticed(notice));
        dispatch(api.util.invalidateTags(['Conversations']));
      }
    });
  }, [client, userId, dispatch]);

  return <RealtimeContext.Provider value={client}>{children}</RealtimeContext.Provider>;
}

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
  const onEvent = useRef(options.onEvent);
  onEvent.current = options.onEvent;
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
      onEvent.current?.(event);
    });
    return () => {
      active = false;
      unsubscribe();
    };
  }, [client, channel, dispatch, history]);

  return useAppSelector((s) => (channel ? s.channels[channel] : undefined));
}
