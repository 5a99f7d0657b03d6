// The signed-in session: tokens and the user, kept in localStorage so a reload stays signed in.

import { createSlice, PayloadAction } from '@reduxjs/toolkit';
import type { Me, Session } from './types';

export interface AuthState {
  accessToken: string | null;
  refreshToken: string | null;
  /** When the access token expires (epoch ms). */
  expiresAt: number | null;
  user: Me | null;
}

const STORAGE_KEY = 'mingle.session';

export const signedOut: AuthState = { accessToken: null, refreshToken: null, expiresAt: null, user: null };

export function loadAuth(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): AuthState {
  try {
    const raw = storage?.getItem(STORAGE_KEY);
    if (!raw) return signedOut;
    const parsed = JSON.parse(raw) as AuthState;
    return parsed.refreshToken ? parsed : signedOut;
  } catch {
    return signedOut;
  }
}

export function saveAuth(
  state: AuthState,
  storage: Pick<Storage, 'setItem' | 'removeItem'> | undefined = globalThis.localStorage,
): void {
  try {
    if (state.refreshToken) storage?.setItem(STORAGE_KEY, JSON.stringify(state));
    else storage?.removeItem(STORAGE_KEY);
  } catch {
    // Private mode or a full quota: the session lasts until the tab closes.
  }
}

const authSlice = createSlice({
  name: 'auth',
  initialState: signedOut,
  reducers: {
    sessionStarted(_state, action: PayloadAction<{ session: Session; now: number }>) {
      const { session, now } = action.payload;
      return {
        accessToken: session.access_token,
        refreshToken: session.refresh_token,
        expiresAt: now + session.expires_in * 1000,
        user: session.user,
      };
    },
    userUpdated(state, action: PayloadAction<Me>) {
      state.user = action.payload;
    },
    sessionEnded() {
      return signedOut;
    },
  },
});

export const { sessionStarted, userUpdated, sessionEnded } = authSlice.actions;
export default authSlice.reducer;
