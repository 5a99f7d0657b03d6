// The realtime connection's state, visible on every screen and announced when it changes.

import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppSelector } from '../app/hooks';
import { useRealtime } from '../realtime/hooks';

export function ConnectionBadge() {
  const { t } = useTranslation();
  const state = useAppSelector((s) => s.connection);
  const client = useRealtime();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (state.status !== 'reconnecting' || !state.retryAt) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [state.status, state.retryAt]);

  let label: string;
  switch (state.status) {
    case 'open':
      label = t('connection.live');
      break;
    case 'offline':
      label = t('connection.offline');
      break;
    case 'reconnecting': {
      const seconds = state.retryAt ? Math.max(0, Math.ceil((state.retryAt - now) / 1000)) : 0;
      label = seconds > 0 ? t('connection.reconnectingIn', { count: seconds }) : t('connection.reconnecting');
      break;
    }
    default:
      label = t('connection.connecting');
  }
  const retry = state.status === 'reconnecting' || state.status === 'offline';
  return (
    <div className={`connection connection-${state.status}`} data-testid="connection" data-status={state.status}>
      <span className="connection-dot" aria-hidden="true" />
      <span role="status" aria-live="polite">
        {label}
      </span>
      {retry && (
        <button type="button" className="link-button" onClick={() => client?.reconnectNow()}>
          {t('connection.retryNow')}
        </button>
      )}
    </div>
  );
}
