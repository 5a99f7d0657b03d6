// Where the account is signed in: each device by the name its browser gives away ("Chrome on
// Linux"), this one marked, when each was last active; any other can be signed out, or all of
// them at once. A device signed out here is signed out everywhere within a second, its open
// live connections too.

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage, useEndOtherSessionsMutation, useEndSessionMutation, useSessionsQuery } from '../app/api';
import type { SessionInfo } from '../app/types';
import { deviceParts } from './device';
import { recentTime } from './format';
import { ErrorNote, Spinner } from './ui';
import { useNow } from './useNow';

/** Active this recently counts as "now". */
const NOW_MS = 2 * 60_000;

/** A device's name as the list shows it. */
function useDeviceName() {
  const { t } = useTranslation();
  return (session: SessionInfo) => {
    const { browser, system, agent } = deviceParts(session.user_agent);
    if (browser && system) return t('devices.browserOn', { browser, system });
    return browser ?? system ?? agent ?? t('devices.unknown');
  };
}

export function Devices() {
  const { t } = useTranslation();
  const sessions = useSessionsQuery();
  const [endOthers, endingOthers] = useEndOtherSessionsMutation();
  const [said, setSaid] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const items = [...(sessions.data?.items ?? [])].sort(
    (a, b) => Number(b.current) - Number(a.current) || Date.parse(b.last_used_at) - Date.parse(a.last_used_at),
  );
  const others = items.filter((s) => !s.current).length;

  const signOutOthers = async () => {
    setError(null);
    try {
      await endOthers().unwrap();
      setSaid(t('devices.othersSignedOut'));
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <section className="card" aria-labelledby="devices-heading" data-testid="devices">
      <h2 id="devices-heading" className="section-title">
        {t('devices.title')}
      </h2>
      <p className="hint">{t('devices.hint')}</p>
      {sessions.isLoading && <Spinner />}
      {sessions.error && <ErrorNote>{errorMessage(sessions.error)}</ErrorNote>}
      <ul className="devices">
        {items.map((session) => (
          <Device key={session.id} session={session} onSignedOut={setSaid} onError={setError} />
        ))}
      </ul>
      {others > 0 && (
        <div className="button-row">
          <button
            type="button"
            className="button button-secondary"
            disabled={endingOthers.isLoading}
            onClick={() => void signOutOthers()}
          >
            {t('devices.signOutOthers')}
          </button>
        </div>
      )}
      <ErrorNote>{error}</ErrorNote>
      <p role="status" className="saved">
        {said}
      </p>
    </section>
  );
}

function Device({
  session,
  onSignedOut,
  onError,
}: {
  session: SessionInfo;
  onSignedOut: (said: string) => void;
  onError: (error: string | null) => void;
}) {
  const { t } = useTranslation();
  const name = useDeviceName()(session);
  const now = useNow();
  const [end, ending] = useEndSessionMutation();
  const active = now - Date.parse(session.last_used_at) < NOW_MS || session.current;

  const signOut = async () => {
    onError(null);
    try {
      await end(session.id).unwrap();
      onSignedOut(t('devices.signedOut', { name }));
    } catch (err) {
      onError(errorMessage(err));
    }
  };

  return (
    <li className="device" data-testid="device" data-current={session.current || undefined}>
      <div className="device-main">
        <p className="device-name">
          <strong>{name}</strong>
          {session.current && <span className="status status-going">{t('devices.thisDevice')}</span>}
        </p>
        <p className="meta small">
          {active
            ? t('devices.activeNow')
            : t('devices.lastActive', { when: recentTime(session.last_used_at, { now }) })}
          {' · '}
          {t('devices.signedIn', { when: recentTime(session.created_at, { now }) })}
          {session.address && (
            <>
              {' · '}
              <span dir="ltr">{session.address}</span>
            </>
          )}
        </p>
      </div>
      {!session.current && (
        <button
          type="button"
          className="button button-ghost button-small"
          disabled={ending.isLoading}
          aria-label={t('devices.signOutOne', { name })}
          onClick={() => void signOut()}
        >
          {t('devices.signOut')}
        </button>
      )}
    </li>
  );
}
