// The signed-in session: the access token and the user, kept in localStorage so that a reload
// stays signed in and other tabs see the same session. The refresh token is not here: the server
// keeps it in an HttpOnly cookie that no script can read (see session.ts).

import { createSlice, PayloadAction } from '@reduxjs/toolkit';
import type { Me, Session } from './types';

/** Why a session ended without the person signing out here: the sign-in screen says so. */
export type SessionEnd = 'expired' | 'revoked';

export interface AuthState {
  accessToken: string | null;
  /** When the access token expires (epoch ms). */
  expiresAt: number | null;
  /** The signed-in person; null when signed out. */
  user: Me | null;
  /** Set when the session ended by itself (it expired, or it was signed out elsewhere). */
  ended: SessionEnd | null;
}

const STORAGE_KEY = 'mingle.session';

export const signedOut: AuthState = { accessToken: null, expiresAt: null, user: null, ended: null };

/** What is kept across reloads and shared with other tabs; nothing else is written. */
interface Stored {
  accessToken: string | null;
  expiresAt: number | null;
  user: Me;
}

/** The session kept by the last page (or another tab); signed out when there is none. */
export function loadAuth(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): AuthState {
  try {
    const raw = storage?.getItem(STORAGE_KEY);
    const stored = raw ? (JSON.parse(raw) as Partial<Stored> | null) : null;
    if (!stored || typeof stored !== 'object' || !stored.user || typeof stored.user !== 'object') return signedOut;
    return {
      accessToken: typeof stored.accessToken === 'string' ? stored.accessToken : null,
      expiresAt: typeof stored.expiresAt === 'number' ? stored.expiresAt : null,
      user: stored.user,
      ended: null,
    };
  } catch {
    return signedOut;
  }
}

/**
 * Takes the refresh token an earlier version of the app kept in storage out of it, for good, and
 * answers it (once) so the session can move into the cookie; null when there is none.
 */
export function takeStoredRefreshToken(
  storage: Pick<Storage, 'getItem' | 'setItem'> | undefined = globalThis.localStorage,
): string | null {
  try {
    const raw = storage?.getItem(STORAGE_KEY);
    const parsed = raw ? (JSON.parse(raw) as unknown) : null;
    if (!parsed || typeof parsed !== 'object' || !('refreshToken' in parsed)) return null;
    const { refreshToken, ...rest } = parsed;
    storage?.setItem(STORAGE_KEY, JSON.stringify(rest));
    return typeof refreshToken === 'string' && refreshToken ? refreshToken : null;
  } catch {
    return null;
  }
}

export function saveAuth(
  state: AuthState,
  storage: Pick<Storage, 'setItem' | 'removeItem'> | undefined = globalThis.localStorage,
): void {
  try {
    if (state.user) {
      const stored: Stored = { accessToken: state.accessToken, expiresAt: state.expiresAt, user: state.user };
      storage?.setItem(STORAGE_KEY, JSON.stringify(stored));
    } else {
      storage?.removeItem(STORAGE_KEY);
    }
  } catch {
    // Private mode or a full quota: the session lasts until the tab closes.
  }
}

/** Whether `key` (of a `storage` event) is the one the session is kept under. */
export const isSessionKey = (key: string | null) => key === null || key === STORAGE_KEY;

const authSlice = createSlice({
  name: 'auth',
  initialState: signedOut,
  reducers: {
    sessionStarted(_state, action: PayloadAction<{ session: Session; now: number }>) {
      const { session, now } = action.payload;
      return {
        accessToken: session.access_token,
        expiresAt: now + session.expires_in * 1000,
        user: session.user,
        ended: null,
      };
    },
    /** The session as another tab left it in storage (a refresh, a sign-in there). */
    sessionShared(_state, action: PayloadAction<AuthState>) {
      return { ...action.payload, ended: null };
    },
    userUpdated(state, action: PayloadAction<Me>) {
      // A late answer for someone who signed out meanwhile signs nobody in.
      if (state.user?.id === action.payload.id) state.user = action.payload;
    },
    /** Signed out: on purpose (no reason), or because the session is over (`expired`, `revoked`). */
    sessionEnded(_state, action: PayloadAction<SessionEnd | undefined>) {
      return { ...signedOut, ended: action.payload ?? null };
    },
  },
});

export const { sessionStarted, sessionShared, userUpdated, sessionEnded } = authSlice.actions;
export default authSlice.reducer;
