// Entry point: the store, the usage tracker, the realtime connection and the router around the app.

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Provider } from 'react-redux';
import { BrowserRouter } from 'react-router-dom';
import './i18n';
import { TrackerContext } from './analytics/context';
import { storeSession, UsageTracker } from './analytics/tracker';
import { App } from './App';
import { makeStore } from './app/store';
import { AppUpdate } from './pwa/AppUpdate';
import { RealtimeProvider } from './realtime/RealtimeProvider';
import './styles.css';

const store = makeStore();
const tracker = new UsageTracker(storeSession(store));
tracker.start();

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <Provider store={store}>
      <TrackerContext.Provider value={tracker}>
        <RealtimeProvider>
          <BrowserRouter>
            <App />
            <AppUpdate />
          </BrowserRouter>
        </RealtimeProvider>
      </TrackerContext.Provider>
    </Provider>
  </StrictMode>,
);
