import { describe, expect, it } from 'vitest';
import reducer, {
  loadAuth,
  saveAuth,
  sessionEnded,
  sessionStarted,
  signedOut,
  takeStoredRefreshToken,
  userUpdated,
} from './authSlice';
import type { Session } from './types';

const session: Session = {
  access_token: 'a',
  token_type: 'Bearer',
  expires_in: 900,
  refresh_token: '',
  user: {
    id: 'u1',
    email: 'ada@example.com',
    display_name: 'Ada',
    headline: '',
    bio: '',
    interests: [],
    seeking: [],
    offering: [],
    visibility: 'public',
    matchmaking: false,
    email_verified: true,
    totp_enabled: false,
    created_at: '2026-11-25T00:00:00Z',
  },
};

class MemoryStorage {
  items = new Map<string, string>();
  getItem = (k: string) => this.items.get(k) ?? null;
  setItem = (k: string, v: string) => void this.items.set(k, v);
  removeItem = (k: string) => void this.items.delete(k);
}

describe('auth reducer', () => {
  it('keeps the access token, the user and when the token expires', () => {
    const state = reducer(undefined, sessionStarted({ session, now: 1_000 }));
    expect(state).toEqual({ accessToken: 'a', expiresAt: 901_000, user: session.user, ended: null });
  });

  it('forgets everything on sign-out, and says why when the session ended by itself', () => {
    const started = reducer(undefined, sessionStarted({ session, now: 0 }));
    expect(reducer(started, sessionEnded())).toEqual(signedOut);
    expect(reducer(started, sessionEnded('revoked'))).toEqual({ ...signedOut, ended: 'revoked' });
    expect(reducer(reducer(started, sessionEnded('expired')), sessionStarted({ session, now: 0 })).ended).toBeNull();
  });

  it('signs nobody in with a late answer about the user', () => {
    expect(reducer(undefined, userUpdated(session.user))).toEqual(signedOut);
    const started = reducer(undefined, sessionStarted({ session, now: 0 }));
    expect(reducer(started, userUpdated({ ...session.user, email_verified: false })).user?.email_verified).toBe(false);
  });

  it('survives a reload through storage, never with a refresh token, and ignores garbage there', () => {
    const storage = new MemoryStorage();
    const state = reducer(undefined, sessionStarted({ session, now: 0 }));
    saveAuth(state, storage);
    expect(Object.keys(JSON.parse(storage.getItem('mingle.session') ?? '{}') as object).sort()).toEqual([
      'accessToken',
      'expiresAt',
      'user',
    ]);
    expect(loadAuth(storage)).toEqual(state);
    saveAuth(signedOut, storage);
    expect(loadAuth(storage)).toEqual(signedOut);
    storage.setItem('mingle.session', '{not json');
    expect(loadAuth(storage)).toEqual(signedOut);
  });

  it("takes an earlier version's refresh token out of storage, once, keeping the rest", () => {
    const storage = new MemoryStorage();
    storage.setItem(
      'mingle.session',
      JSON.stringify({ accessToken: 'a', refreshToken: 'old', expiresAt: 5, user: session.user }),
    );
    expect(takeStoredRefreshToken(storage)).toBe('old');
    expect(storage.getItem('mingle.session')).not.toContain('old');
    expect(loadAuth(storage)).toEqual({ accessToken: 'a', expiresAt: 5, user: session.user, ended: null });
    expect(takeStoredRefreshToken(storage)).toBeNull();
  });
});
