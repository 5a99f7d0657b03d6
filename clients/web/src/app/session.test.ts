import { afterEach, describe, expect, it, vi } from 'vitest';
import reducer, { AuthState, sessionStarted } from './authSlice';
import { refreshSession, validAccessToken } from './session';
import type { Session } from './types';

function fakeStore(auth: AuthState) {
  let state = { auth };
  return {
    getState: () => state,
    dispatch: (action: unknown) => {
      state = { auth: reducer(state.auth, action as Parameters<typeof reducer>[1]) };
      return action;
    },
  };
}

const session = (n: number): Session => ({
  access_token: `access-${n}`,
  token_type: 'Bearer',
  expires_in: 900,
  refresh_token: `refresh-${n}`,
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

  it('refreshes an expiring token once however many callers ask at the same time', async () => {
    const fetch = vi.fn(() => Promise.resolve(new Response(JSON.stringify(session(2)), { status: 200 })));
    vi.stubGlobal('fetch', fetch);
    const store = fakeStore(reducer(undefined, sessionStarted({ session: session(1), now: Date.now() - 890_000 })));
    const tokens = await Promise.all([validAccessToken(store), validAccessToken(store), refreshSession(store)]);
    expect(tokens).toEqual(['access-2', 'access-2', 'access-2']);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(JSON.parse((fetch.mock.calls[0] as unknown as [string, RequestInit])[1].body as string)).toEqual({
      refresh_token: 'refresh-1',
    });
    expect(store.getState().auth.refreshToken).toBe('refresh-2');
  });

  it('signs out when the refresh token is refused', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() =>
        Promise.resolve(new Response('{"error":{"code":"refresh_token_reused","message":"x"}}', { status: 401 })),
      ),
    );
    const store = fakeStore(reducer(undefined, sessionStarted({ session: session(1), now: 0 })));
    await expect(validAccessToken(store)).resolves.toBeNull();
    expect(store.getState().auth.refreshToken).toBeNull();
  });
});
