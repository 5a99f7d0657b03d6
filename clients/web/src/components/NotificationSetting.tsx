// Browser notifications of meeting requests and messages: the profile's switch, and the live
// room's one-time question. Both ask the browser's permission only when the person turns them on.

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  notificationsAsked,
  notificationSetting,
  turnOffNotifications,
  turnOnNotifications,
} from '../realtime/notifications';

export function NotificationSetting() {
  const { t } = useTranslation();
  const [setting, setSetting] = useState(notificationSetting);
  const [asking, setAsking] = useState(false);

  const change = async (on: boolean) => {
    if (!on) {
      setSetting(turnOffNotifications());
      return;
    }
    setAsking(true);
    try {
      setSetting(await turnOnNotifications());
    } finally {
      setAsking(false);
    }
  };

  return (
    <section className="card" aria-labelledby="notifications-heading">
      <h2 id="notifications-heading" className="section-title">
        {t('notifications.title')}
      </h2>
      {setting === 'unsupported' ? (
        <p className="hint">{t('notifications.unsupported')}</p>
      ) : (
        <label className="switch">
          <input
            type="checkbox"
            checked={setting === 'on'}
            disabled={asking || setting === 'denied'}
            onChange={(e) => void change(e.target.checked)}
          />
          <span>
            <strong>{t('notifications.what')}</strong>
            <span className="muted small">{t('notifications.when')}</span>
          </span>
        </label>
      )}
      {setting === 'denied' && (
        <p className="hint" data-testid="notifications-blocked">
          {t('notifications.blocked')}
        </p>
      )}
    </section>
  );
}

/** Asked once, in the live room, where a request to meet matters most; the profile keeps the switch. */
export function NotificationPrompt() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(() => notificationSetting() === 'off' && !notificationsAsked());
  if (!open) return null;
  return (
    <div className="notification-prompt">
      <p className="small">{t('notifications.prompt')}</p>
      <div className="button-row">
        <button
          type="button"
          className="button button-primary button-small"
          onClick={() => void turnOnNotifications().finally(() => setOpen(false))}
        >
          {t('notifications.turnOn')}
        </button>
        <button
          type="button"
          className="button button-ghost button-small"
          onClick={() => {
            turnOffNotifications();
            setOpen(false);
          }}
        >
          {t('notifications.notNow')}
        </button>
      </div>
    </div>
  );
}
