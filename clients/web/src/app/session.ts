// Access tokens live 15 minutes. Everything that needs one (REST calls, the WebSocket) asks
// here: the token is refreshed shortly before it expires, or after a 401, through
// `POST /api/v1/auth/refresh`. Refresh tokens work once, so concurrent callers share one refresh.

import type { AuthState } from './authSlice';
import { sessionEnded, sessionStarted } from './authSlice';
import type { Session } from './types';

interface SessionStore {
  getState: () => { auth: AuthState };
  dispatch: (action: unknown) => unknown;
}

/** Refresh this long before the access token expires. */
const MARGIN_MS = 60_000;

let inFlight: Promise<string | null> | null = null;

/** Exchanges the refresh token for a new pair; null (and signed out) when the session is over. */
export function refreshSession(store: SessionStore): Promise<string | null> {
  if (inFlight) return inFlight;
  const refreshToken = store.getState().auth.refreshToken;
  if (!refreshToken) return Promise.resolve(null);
  inFlight = (async () => {
    try {
      const response = await fetch('/api/v1/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refresh_token: refreshToken }),
      });
      if (response.status === 401 || response.status === 403 || response.status === 404) {
        store.dispatch(sessionEnded());
        return null;
      }
      if (!response.ok) throw new Error(`refresh failed: ${response.status}`);
      const session = (await response.json()) as Session;
      store.dispatch(sessionStarted({ session, now: Date.now() }));
      return session.access_token;
    } finally {
      inFlight = null;
    }
  })();
  return inFlight;
}

/** A valid access token, refreshed first when it is about to expire; null when signed out. */
export async function validAccessToken(store: SessionStore): Promise<string | null> {
  const { accessToken, expiresAt } = store.getState().auth;
  if (accessToken && expiresAt && expiresAt - Date.now() > MARGIN_MS) return accessToken;
  return refreshSession(store);
}
