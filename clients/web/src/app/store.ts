// The Redux store: RTK Query's cache, the session, the connection state, the channel feeds and unread
// direct messages.

import { configureStore } from '@reduxjs/toolkit';
import { api } from './api';
import authReducer, { loadAuth, saveAuth } from './authSlice';
import channelsReducer, { channelsCleared } from '../realtime/channelsSlice';
import connectionReducer from '../realtime/connectionSlice';
import dmReducer, { dmCleared } from '../realtime/dmSlice';
import { forgetOfflineCopies } from '../pwa/offlineApi';

export function makeStore() {
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
    const signedIn = !saved.refreshToken && auth.refreshToken;
    const signedOut = saved.refreshToken && !auth.refreshToken;
    saved = auth;
    saveAuth(auth);
    // What a visitor loaded on the public pages was answered for nobody: without this person's
    // RSVPs and roles. It is loaded again for them.
    if (signedIn) store.dispatch(api.util.resetApiState());
    if (signedOut) {
      store.dispatch(api.util.resetApiState());
      store.dispatch(channelsCleared());
      store.dispatch(dmCleared());
      // The next person to sign in on this device must not see this one's offline copies.
      void forgetOfflineCopies();
    }
  });
  return store;
}

export type AppStore = ReturnType<typeof makeStore>;
export type RootState = ReturnType<AppStore['getState']>;
export type AppDispatch = AppStore['dispatch'];
