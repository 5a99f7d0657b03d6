// Connects the realtime client to the app: one client per signed-in session, its connection
// state mirrored into the store, and the user's own channel turned into cache updates. Screens
// reach the client through the hooks in `hooks.ts`.

import { ReactNode, useEffect, useMemo, useRef } from 'react';
import { useStore } from 'react-redux';
import { useAppDispatch, useAppSelector } from '../app/hooks';
import { refreshSession, validAccessToken } from '../app/session';
import type { AppStore } from '../app/store';
import { RealtimeClient } from './client';
import { connectionChanged } from './connectionSlice';
import { RealtimeContext } from './hooks';
import { notifyInBackground } from './notifications';
import { applyUserMessage } from './userChannel';

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
    // Opened without a network (from the service worker's copy): say so rather than retry.
    if (!navigator.onLine) client.goOffline();
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

  // The user's own channel: meeting changes, fresh suggestion lists and direct messages, which
  // also become browser notifications while the tab is hidden (when the person turned them on).
  useEffect(() => {
    if (!client || !userId) return;
    return client.subscribe(`user:${userId}`, (event) => {
      if (event.kind !== 'message') return;
      applyUserMessage(dispatch, event.message.body);
      void notifyInBackground(event.message.body, userId).catch(() => undefined);
    });
  }, [client, userId, dispatch]);

  return <RealtimeContext.Provider value={client}>{children}</RealtimeContext.Provider>;
}
