// The Redux store: RTK Query's cache, the session, the connection state, the channel feeds and unread
// direct messages.

import { configureStore } from '@reduxjs/toolkit';
import { api } from './api';
import authReducer, { loadAuth, saveAuth, takeStoredRefreshToken } from './authSlice';
import { carryRefreshToken, followOtherTabs, refreshSession, restoreSession, takeProviderSignIn } from './session';
import channelsReducer, { channelsCleared } from '../realtime/channelsSlice';
import connectionReducer from '../realtime/connectionSlice';
import dmReducer, { dmCleared } from '../realtime/dmSlice';
import { forgetOfflineCopies } from '../pwa/offlineApi';

export function makeStore() {
  // A refresh token left in storage by an earlier version leaves it now; presented once, it
  // moves the session into the cookie.
  const storedRefreshToken = takeStoredRefreshToken();
  const store = configureStore({
    reducer: {
      [api.reducerPath]: api.reducer,
      auth: authReducer,
      channels: channelsReducer,
      connection: connectionReducer,
      dm: dmReducer,
    },
    preloadedState: { auth: loadAuth() },
    middleware: (getDefault) => getDefault().concat(api.middleware),
  });
  let saved = store.getState().auth;
  store.subscribe(() => {
    const auth = store.getState().auth;
    if (auth === saved) return;
    const before = saved.user?.id ?? null;
    const after = auth.user?.id ?? null;
    saved = auth;
    saveAuth(auth);
    if (before === after) return;
    // What was loaded was answered for someone else (or, on the public pages, for nobody: without
    // this person's RSVPs and roles). It is loaded again for whoever is here now.
    store.dispatch(api.util.resetApiState());
    if (before) {
      store.dispatch(channelsCleared());
      store.dispatch(dmCleared());
      // The next person to sign in on this device must not see this one's offline copies.
      void forgetOfflineCopies();
    }
  });
  if (typeof window !== 'undefined') followOtherTabs(store);
  if (storedRefreshToken) {
    carryRefreshToken(storedRefreshToken);
    void refreshSession(store).catch(() => undefined);
  }
  // Back from an identity provider: signed in, the server sent the browser to `/` with the
  // refresh cookie set; a failure or a second factor comes back to the sign-in screen instead.
  if (takeProviderSignIn() && !store.getState().auth.user && globalThis.location?.pathname !== '/signin') {
    void restoreSession(store).catch(() => undefined);
  }
  return store;
}

export type AppStore = ReturnType<typeof makeStore>;
export type RootState = ReturnType<AppStore['getState']>;
export type AppDispatch = AppStore['dispatch'];
