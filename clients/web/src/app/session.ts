// Access tokens live 15 minutes. Everything that needs one (REST calls, the WebSocket) asks
// here: the token is refreshed shortly before it expires, or after a 401, through
// `POST /api/v1/auth/refresh`. The refresh token itself never reaches the page: with
// `X-Refresh-Cookie: 1` the server keeps it in an HttpOnly cookie, and rotates it on each refresh.
//
// Refresh tokens work once, and presenting a used one ends the whole session, so refreshes never
// overlap:
// - within a tab, concurrent callers share one refresh;
// - across tabs, which share the cookie, refreshes take turns under one Web Lock, and a tab that
//   waited first looks at the session stored by the tab before it: when that one refreshed
//   meanwhile, its access token serves here too, and nothing is refreshed twice;
// - a tab follows what the others store (a refresh, a sign-in, a sign-out) through `storage`
//   events, so only the first tab to need a new token asks for one.
//
// A sign-in through an identity provider leaves the page and comes back with only the cookie:
// the tab marks that it is leaving for one (in sessionStorage, this tab's own), and the page it
// comes back to refreshes once with the cookie. An anonymous page load without the mark asks
// nothing.

import type { AuthState, SessionEnd } from './authSlice';
import { isSessionKey, loadAuth, sessionEnded, sessionShared, sessionStarted } from './authSlice';
import type { Session } from './types';

interface SessionStore {
  getState: () => { auth: AuthState };
  dispatch: (action: unknown) => unknown;
}

/** The header that asks the server to keep the refresh token in its cookie. */
export const REFRESH_COOKIE_HEADER = { 'x-refresh-cookie': '1' } as const;

/** Refresh this long before the access token expires. */
const MARGIN_MS = 60_000;
/** A refresh that hangs (a network that neither answers nor fails) must not hold every tab's lock. */
const REFRESH_TIMEOUT_MS = 15_000;
/** The Web Lock every tab of the app refreshes under. */
const LOCK = 'mingle-refresh';

/** The mark of a sign-in at an identity provider, in sessionStorage. */
const PROVIDER_MARK = 'mingle.providerSignIn';
/** A provider sign-in started longer ago than this is not awaited any more (the server allows 10 minutes). */
const PROVIDER_MARK_MS = 15 * 60_000;

/** The refresh under way, per store (one per tab; tests make several). */
const inFlight = new WeakMap<SessionStore, Promise<string | null>>();

/** A refresh token an earlier version of the app kept in storage, presented once to move it into the cookie. */
let carriedRefreshToken: string | null = null;

/** Hands over a refresh token found in storage: the next refresh presents it, then forgets it. */
export function carryRefreshToken(token: string): void {
  carriedRefreshToken = token;
}

const fresh = (expiresAt: number | null) => expiresAt !== null && expiresAt - Date.now() > MARGIN_MS;

/** The session as the tabs of this browser last stored it; null where there is no storage. */
function storedSession(): AuthState | null {
  return typeof globalThis.localStorage === 'undefined' ? null : loadAuth();
}

/** Runs `task` holding the lock that every tab refreshes under; at once where there are no Web Locks. */
function withRefreshLock<T>(task: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  return locks ? locks.request(LOCK, task) : task();
}

/**
 * Exchanges the refresh cookie for a new access token; null (and signed out, with the reason)
 * when the session is over. Throws when the server cannot be reached, keeping the session.
 */
export function refreshSession(store: SessionStore): Promise<string | null> {
  const running = inFlight.get(store);
  if (running) return running;
  const { user, accessToken } = store.getState().auth;
  if (!user) return Promise.resolve(null);
  const flight = withRefreshLock(() => refreshOnce(store, accessToken)).finally(() => inFlight.delete(store));
  inFlight.set(store, flight);
  return flight;
}

/**
 * Marks that this tab leaves for an identity provider's sign-in now, so that the page it comes
 * back to looks for the session the server started (see `takeProviderSignIn`).
 */
export function markProviderSignIn(
  storage: Pick<Storage, 'setItem'> | undefined = globalThis.sessionStorage,
  now = Date.now(),
): void {
  try {
    storage?.setItem(PROVIDER_MARK, String(now));
  } catch {
    // No storage: coming back, the person signs in once more.
  }
}

/** Whether this page comes back from a provider's sign-in started here lately; the mark counts once. */
export function takeProviderSignIn(
  storage: Pick<Storage, 'getItem' | 'removeItem'> | undefined = globalThis.sessionStorage,
  now = Date.now(),
): boolean {
  try {
    const at = Number(storage?.getItem(PROVIDER_MARK));
    storage?.removeItem(PROVIDER_MARK);
    return at > 0 && now >= at && now - at < PROVIDER_MARK_MS;
  } catch {
    return false;
  }
}

/**
 * Starts the session from the refresh cookie alone, with nobody signed in here yet: the server set
 * the cookie on the way back from a provider. Without a cookie (the sign-in failed or was
 * abandoned) the page stays signed out and says nothing.
 */
export function restoreSession(store: SessionStore): Promise<string | null> {
  const running = inFlight.get(store);
  if (running) return running;
  const flight = withRefreshLock(() => refreshOnce(store, null, false)).finally(() => inFlight.delete(store));
  inFlight.set(store, flight);
  return flight;
}

async function refreshOnce(store: SessionStore, replacing: string | null, hadSession = true): Promise<string | null> {
  const stored = storedSession();
  if (stored?.accessToken && stored.accessToken !== replacing && fresh(stored.expiresAt)) {
    store.dispatch(sessionShared(stored));
    return stored.accessToken;
  }
  const carried = carriedRefreshToken;
  carriedRefreshToken = null;
  const response = await fetch('/api/v1/auth/refresh', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...REFRESH_COOKIE_HEADER },
    body: JSON.stringify(carried ? { refresh_token: carried } : {}),
    signal: AbortSignal.timeout(REFRESH_TIMEOUT_MS),
  });
  if (response.status === 401 || response.status === 403 || response.status === 404) {
    if (hadSession) store.dispatch(sessionEnded(await endReason(response)));
    return null;
  }
  if (!response.ok) throw new Error(`refresh failed: ${response.status}`);
  const session = (await response.json()) as Session;
  store.dispatch(sessionStarted({ session, now: Date.now() }));
  return session.access_token;
}

/** A refresh token used twice means the session was ended (signed out elsewhere); else it ran out. */
async function endReason(response: Response): Promise<SessionEnd> {
  const body = (await response.json().catch(() => null)) as { error?: { code?: string } } | null;
  return body?.error?.code === 'refresh_token_reused' ? 'revoked' : 'expired';
}

/** A valid access token, refreshed first when it is about to expire; null when signed out. */
export async function validAccessToken(store: SessionStore): Promise<string | null> {
  const { accessToken, expiresAt } = store.getState().auth;
  if (accessToken && fresh(expiresAt)) return accessToken;
  return refreshSession(store);
}

/**
 * Takes on the session another tab stored: its refreshed token or its sign-in; ended when it
 * signed out. Nothing happens when it is the session this tab already has.
 */
export function followStoredSession(store: SessionStore, stored: AuthState = loadAuth()): void {
  const mine = store.getState().auth;
  if (!stored.user) {
    if (mine.user) store.dispatch(sessionEnded());
    return;
  }
  const same =
    stored.accessToken === mine.accessToken &&
    stored.expiresAt === mine.expiresAt &&
    JSON.stringify(stored.user) === JSON.stringify(mine.user);
  if (!same) store.dispatch(sessionShared(stored));
}

/** Follows the session other tabs store; answers the function that stops following. */
export function followOtherTabs(store: SessionStore): () => void {
  const onStorage = (event: StorageEvent) => {
    if (event.storageArea === localStorage && isSessionKey(event.key)) followStoredSession(store);
  };
  window.addEventListener('storage', onStorage);
  return () => window.removeEventListener('storage', onStorage);
}
