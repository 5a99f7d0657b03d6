import { describe, expect, it } from 'vitest';
import reducer, { loadAuth, saveAuth, sessionEnded, sessionStarted, signedOut } from './authSlice';
import type { Session } from './types';

const session: Session = {
  access_token: 'a',
  token_type: 'Bearer',
  expires_in: 900,
  refresh_token: 'r',
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
  it('keeps the tokens, the user and when the access token expires', () => {
    const state = reducer(undefined, sessionStarted({ session, now: 1_000 }));
    expect(state).toMatchObject({ accessToken: 'a', refreshToken: 'r', expiresAt: 901_000 });
    expect(state.user?.display_name).toBe('Ada');
  });

  it('forgets everything on sign-out', () => {
    const state = reducer(reducer(undefined, sessionStarted({ session, now: 0 })), sessionEnded());
    expect(state).toEqual(signedOut);
  });

  it('survives a reload through storage, and ignores garbage there', () => {
    const storage = new MemoryStorage();
    const state = reducer(undefined, sessionStarted({ session, now: 0 }));
    saveAuth(state, storage);
    expect(loadAuth(storage)).toEqual(state);
    saveAuth(signedOut, storage);
    expect(loadAuth(storage)).toEqual(signedOut);
    storage.setItem('mingle.session', '{not json');
    expect(loadAuth(storage)).toEqual(signedOut);
  });
});
