import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import reducer, { AuthState, loadAuth, saveAuth, sessionEnded, sessionStarted } from './authSlice';
import {
  carryRefreshToken,
  followStoredSession,
  markProviderSignIn,
  refreshSession,
  restoreSession,
  takeProviderSignIn,
  validAccessToken,
} from './session';
import type { Session } from './types';

class MemoryStorage {
  items = new Map<string, string>();
  getItem = (k: string) => this.items.get(k) ?? null;
  setItem = (k: string, v: string) => void this.items.set(k, v);
  removeItem = (k: string) => void this.items.delete(k);
}

/** A tab's store: what it dispatches is saved to the browser's (shared) storage, as store.ts does. */
function fakeStore(auth: AuthState) {
  let state = { auth };
  saveAuth(auth);
  return {
    getState: () => state,
    dispatch: (action: unknown) => {
      state = { auth: reducer(state.auth, action as Parameters<typeof reducer>[1]) };
      saveAuth(state.auth);
      return action;
    },
  };
}

/** The Web Locks API as far as the app uses it: one holder at a time, in the order asked. */
function fakeLocks() {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    request: (_name: string, task: () => Promise<unknown>) => {
      const run = tail.then(() => task());
      tail = run.catch(() => undefined);
      return run;
    },
  };
}

const session = (n: number): Session => ({
  access_token: `access-${n}`,
  token_type: 'Bearer',
  expires_in: 900,
  refresh_token: '',
  user: {
    id: 'u',
    email: 'e@x.org',
    display_name: 'E',
    headline: '',
    bio: '',
    interests: [],
    seeking: [],
    offering: [],
    visibility: 'public',
    matchmaking: false,
    email_verified: true,
    totp_enabled: false,
    created_at: '',
  },
});

/** The server's refresh: a new session each time, a moment later. */
function refreshServer() {
  let n = 1;
  return vi.fn(async (...request: [url: string, init?: RequestInit]) => {
    void request;
    await new Promise((r) => setTimeout(r, 5));
    return new Response(JSON.stringify(session(++n)), { status: 200 });
  });
}

const expiring = () => reducer(undefined, sessionStarted({ session: session(1), now: Date.now() - 890_000 }));

beforeEach(() => {
  vi.stubGlobal('localStorage', new MemoryStorage());
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('session', () => {
  it('answers the current token while it has more than a minute left', async () => {
    const fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);
    const store = fakeStore(reducer(undefined, sessionStarted({ session: session(1), now: Date.now() })));
    await expect(validAccessToken(store)).resolves.toBe('access-1');
    expect(fetch).not.toHaveBeenCalled();
  });

  it('refreshes an expiring token once however many callers ask, through the cookie', async () => {
    const fetch = refreshServer();
    vi.stubGlobal('fetch', fetch);
    const store = fakeStore(expiring());
    const tokens = await Promise.all([validAccessToken(store), validAccessToken(store), refreshSession(store)]);
    expect(tokens).toEqual(['access-2', 'access-2', 'access-2']);
    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('/api/v1/auth/refresh');
    expect(new Headers(init?.headers).get('x-refresh-cookie')).toBe('1');
    expect(init?.body).toBe('{}');
    expect(store.getState().auth.accessToken).toBe('access-2');
  });

  it('moves a refresh token an earlier version kept into the cookie, presenting it once', async () => {
    const fetch = refreshServer();
    vi.stubGlobal('fetch', fetch);
    const store = fakeStore(expiring());
    carryRefreshToken('old-refresh');
    await refreshSession(store);
    await refreshSession(store);
    expect(fetch.mock.calls.map(([, init]) => init?.body)).toEqual(['{"refresh_token":"old-refresh"}', '{}']);
  });

  it('signs out, saying why, when the refresh is refused', async () => {
    for (const [code, reason] of [
      ['refresh_token_reused', 'revoked'],
      ['refresh_token_expired', 'expired'],
      ['invalid_refresh_token', 'expired'],
    ]) {
      vi.stubGlobal(
        'fetch',
        vi.fn(() => Promise.resolve(new Response(JSON.stringify({ error: { code, message: 'x' } }), { status: 401 }))),
      );
      const store = fakeStore(expiring());
      await expect(validAccessToken(store)).resolves.toBeNull();
      expect(store.getState().auth).toMatchObject({ user: null, accessToken: null, ended: reason });
      expect(loadAuth()).toMatchObject({ user: null });
    }
  });

  it('keeps the session when the server cannot be reached', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.reject(new TypeError('Failed to fetch'))),
    );
    const store = fakeStore(expiring());
    await expect(refreshSession(store)).rejects.toThrow();
    expect(store.getState().auth.accessToken).toBe('access-1');
  });

  it('lets tabs take turns, and a tab that waited uses the token the first one got', async () => {
    vi.stubGlobal('navigator', { locks: fakeLocks() });
    const fetch = refreshServer();
    vi.stubGlobal('fetch', fetch);
    const [tabA, tabB] = [fakeStore(expiring()), fakeStore(expiring())];
    const tokens = await Promise.all([validAccessToken(tabA), validAccessToken(tabB)]);
    expect(tokens).toEqual(['access-2', 'access-2']);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(tabB.getState().auth.accessToken).toBe('access-2');
  });

  it('refreshes again after waiting when the other tab got nothing new', async () => {
    vi.stubGlobal('navigator', { locks: fakeLocks() });
    let calls = 0;
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        await new Promise((r) => setTimeout(r, 5));
        return ++calls === 1
          ? new Response('{}', { status: 503 })
          : new Response(JSON.stringify(session(3)), { status: 200 });
      }),
    );
    const [tabA, tabB] = [fakeStore(expiring()), fakeStore(expiring())];
    const [a, b] = await Promise.allSettled([refreshSession(tabA), refreshSession(tabB)]);
    expect(a.status).toBe('rejected');
    expect(b).toEqual({ status: 'fulfilled', value: 'access-3' });
    expect(calls).toBe(2);
  });

  it("follows another tab's refresh and sign-out", async () => {
    const fetch = refreshServer();
    vi.stubGlobal('fetch', fetch);
    const [tabA, tabB] = [fakeStore(expiring()), fakeStore(expiring())];
    await refreshSession(tabA);
    followStoredSession(tabB);
    expect(tabB.getState().auth.accessToken).toBe('access-2');
    tabA.dispatch(sessionEnded());
    followStoredSession(tabB);
    expect(tabB.getState().auth).toEqual({ accessToken: null, expiresAt: null, user: null, ended: null });
    await expect(refreshSession(tabB)).resolves.toBeNull();
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('restores a session from the cookie alone when back from an identity provider', async () => {
    const fetch = refreshServer();
    vi.stubGlobal('fetch', fetch);
    const store = fakeStore(reducer(undefined, sessionEnded()));
    await expect(restoreSession(store)).resolves.toBe('access-2');
    expect(store.getState().auth.user?.email).toBe('e@x.org');
    expect(new Headers(fetch.mock.calls[0][1]?.headers).get('x-refresh-cookie')).toBe('1');
  });

  it('stays signed out, saying nothing, when there is no cookie to restore from', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() =>
        Promise.resolve(new Response(JSON.stringify({ error: { code: 'invalid_refresh_token' } }), { status: 401 })),
      ),
    );
    const store = fakeStore(reducer(undefined, sessionEnded()));
    await expect(restoreSession(store)).resolves.toBeNull();
    expect(store.getState().auth).toEqual({ accessToken: null, expiresAt: null, user: null, ended: null });
  });
});

describe('the mark of a provider sign-in', () => {
  it('counts once, and only while the sign-in can still be going on', () => {
    const storage = new MemoryStorage();
    expect(takeProviderSignIn(storage)).toBe(false);
    markProviderSignIn(storage, 1_000_000);
    expect(takeProviderSignIn(storage, 1_000_000 + 60_000)).toBe(true);
    expect(takeProviderSignIn(storage, 1_000_000 + 60_000)).toBe(false);
    markProviderSignIn(storage, 1_000_000);
    expect(takeProviderSignIn(storage, 1_000_000 + 16 * 60_000)).toBe(false);
    expect(storage.items.size).toBe(0);
  });
});
