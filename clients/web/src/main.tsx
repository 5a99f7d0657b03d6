// Entry point: the store, the realtime connection and the router around the app.

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Provider } from 'react-redux';
import { BrowserRouter } from 'react-router-dom';
import './i18n';
import { App } from './App';
import { makeStore } from './app/store';
import { AppUpdate } from './pwa/AppUpdate';
import { RealtimeProvider } from './realtime/RealtimeProvider';
import './styles.css';

const store = makeStore();

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <Provider store={store}>
      <RealtimeProvider>
        <BrowserRouter>
          <App />
          <AppUpdate />
        </BrowserRouter>
      </RealtimeProvider>
    </Provider>
  </StrictMode>,
);
