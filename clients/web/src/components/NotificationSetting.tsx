// Browser notifications of meeting requests and messages: the profile's switch, and the live
// room's one-time question. Both ask the browser's permission only when the person turns them on.

import { useState } from 'react';
import {
  notificationsAsked,
  notificationSetting,
  turnOffNotifications,
  turnOnNotifications,
} from '../realtime/notifications';

export function NotificationSetting() {
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
        Notifications
      </h2>
      {setting === 'unsupported' ? (
        <p className="hint">This browser cannot show notifications.</p>
      ) : (
        <label className="switch">
          <input
            type="checkbox"
            checked={setting === 'on'}
            disabled={asking || setting === 'denied'}
            onChange={(e) => void change(e.target.checked)}
          />
          <span>
            <strong>Meeting requests and messages</strong>
            <span className="muted small">Notify me in this browser while Mingle is in the background.</span>
          </span>
        </label>
      )}
      {setting === 'denied' && (
        <p className="hint" data-testid="notifications-blocked">
          This browser blocks notifications from Mingle. Allow them in its site settings, then turn them on here.
        </p>
      )}
    </section>
  );
}

/** Asked once, in the live room, where a request to meet matters most; the profile keeps the switch. */
export function NotificationPrompt() {
  const [open, setOpen] = useState(() => notificationSetting() === 'off' && !notificationsAsked());
  if (!open) return null;
  return (
    <div className="notification-prompt">
      <p className="small">
        Get a notification of meeting requests and messages while Mingle is in the background? You can change this in
        your profile.
      </p>
      <div className="button-row">
        <button
          type="button"
          className="button button-primary button-small"
          onClick={() => void turnOnNotifications().finally(() => setOpen(false))}
        >
          Turn on
        </button>
        <button
          type="button"
          className="button button-ghost button-small"
          onClick={() => {
            turnOffNotifications();
            setOpen(false);
          }}
        >
          Not now
        </button>
      </div>
    </div>
  );
}
