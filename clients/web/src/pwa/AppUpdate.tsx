/// <reference types="vite-plugin-pwa/react" />
// The service worker from the page's side: it is registered here (src/sw.ts, which makes the app
// open offline), a new version that is waiting is offered rather than forced on an open live
// room, and a click on a notification opens its screen in the app.

import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { useRegisterSW } from 'virtual:pwa-register/react';
import { isNoticeOpened, onNoticeOpened } from '../realtime/notifications';

/** How often an open app looks for a new version; browsers look on every page load anyway. */
const UPDATE_CHECK_MS = 60 * 60 * 1000;

export function AppUpdate() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const {
    needRefresh: [waiting, setWaiting],
    updateServiceWorker,
  } = useRegisterSW({
    onRegisteredSW(_url, registration) {
      if (registration) setInterval(() => void registration.update().catch(() => undefined), UPDATE_CHECK_MS);
    },
  });

  useEffect(() => {
    const open = (url: string) => void navigate(url);
    const fromWorker = (event: MessageEvent) => {
      if (isNoticeOpened(event.data)) open(event.data.url);
    };
    navigator.serviceWorker?.addEventListener('message', fromWorker);
    const stop = onNoticeOpened(open);
    return () => {
      navigator.serviceWorker?.removeEventListener('message', fromWorker);
      stop();
    };
  }, [navigate]);

  if (!waiting) return null;
  return (
    <div className="app-update" role="status">
      <span>{t('update.ready')}</span>
      <span className="app-update-actions">
        <button
          type="button"
          className="button button-primary button-small"
          onClick={() => void updateServiceWorker(true)}
        >
          {t('update.reload')}
        </button>
        <button type="button" className="button button-ghost button-small" onClick={() => setWaiting(false)}>
          {t('update.later')}
        </button>
      </span>
    </div>
  );
}
