// Two-step sign-in on the security page. It is on while the account has a second factor: an
// authenticator app, or a passkey (those are added and removed under Passkeys). Here: setting up
// the app (a QR code of its `otpauth://` URI, the secret for typing in by hand, then the app's
// first code), the recovery codes that come with the first second factor, making new ones, and
// removing the app. Each change that weakens or replaces the second factor asks for proof first.

import { FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  errorMessage,
  useConfirmTotpMutation,
  useNewRecoveryCodesMutation,
  useRemoveTotpMutation,
  useStartTotpMutation,
} from '../app/api';
import type { SecurityOverview } from '../app/types';
import { type ProofWays, useProof } from './proof';
import { ProofField } from './ProofField';
import { QrCode } from './QrCode';
import { RecoveryCodes } from './RecoveryCodes';
import { ErrorNote } from './ui';

/** The secret in groups of four, as authenticator apps ask for it to be typed. */
const groupedSecret = (secret: string) => secret.replace(/(.{4})(?=.)/g, '$1 ');

/** Recovery codes left at which the page suggests making new ones. */
const FEW_CODES = 3;

/** What two-step sign-in asks for, as the key of its sentence. */
function secondStepKey(security: SecurityOverview) {
  if (security.totp_enabled && security.passkeys > 0) return 'twoStep.secondBoth';
  return security.totp_enabled ? 'twoStep.secondApp' : 'twoStep.secondPasskey';
}

/** What turning two-step sign-in on would do, by what it follows and what it can ask for. */
const OFF_TEXT = {
  password: { app: 'twoStep.offText', passkey: 'twoStep.offTextPasskey' },
  provider: { app: 'twoStep.offTextProviderApp', passkey: 'twoStep.offTextProvider' },
} as const;

/** `passkeysOffered`: passkeys can be added on this page (see Passkeys), so they are a second step to offer. */
export function TwoStepSignIn({
  security,
  ways,
  passkeysOffered,
}: {
  security: SecurityOverview;
  ways: ProofWays;
  passkeysOffered: boolean;
}) {
  const { t } = useTranslation();
  const [start, starting] = useStartTotpMutation();
  const [setup, setSetup] = useState<{ secret: string; otpauth_uri: string } | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [action, setAction] = useState<'regenerate' | 'remove' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [said, setSaid] = useState<string | null>(null);

  const begin = async () => {
    setError(null);
    setSaid(null);
    try {
      setSetup(await start().unwrap());
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const on = security.two_step;
  const app = security.totp_enabled;
  // What the second step follows: the password, or (an account without one) a provider's sign-in.
  const after = ways.password ? 'password' : 'provider';
  return (
    <section className="card" aria-labelledby="two-step-heading" data-testid="two-step">
      <div className="section-head">
        <h2 id="two-step-heading" className="section-title">
          {t('twoStep.title')}
        </h2>
        <span className={`status ${on ? 'status-going' : 'status-declined'}`}>
          {on ? t('twoStep.on') : t('twoStep.off')}
        </span>
      </div>
      {codes ? (
        <RecoveryCodes
          codes={codes}
          onDone={() => {
            setCodes(null);
            setSaid(on ? t('twoStep.codesSaved') : null);
          }}
        />
      ) : setup && !app ? (
        <TotpSetup
          setup={setup}
          onConfirmed={(fresh) => {
            setSetup(null);
            setCodes(fresh);
          }}
          onCancel={() => setSetup(null)}
        />
      ) : (
        <>
          <p className="muted" data-testid="two-step-text">
            {on
              ? t(after === 'password' ? 'twoStep.onAfterPassword' : 'twoStep.onAfterProvider', {
                  second: t(secondStepKey(security)),
                })
              : t(OFF_TEXT[after][passkeysOffered ? 'passkey' : 'app'])}
          </p>
          {on && (
            <p
              className={security.recovery_codes_left <= FEW_CODES ? 'warning-text' : 'muted'}
              data-testid="codes-left"
            >
              {security.recovery_codes_left <= FEW_CODES
                ? t('twoStep.codesLow', { count: security.recovery_codes_left })
                : t('twoStep.codesLeft', { count: security.recovery_codes_left })}
            </p>
          )}
          {action ? (
            <ProveAndChange
              action={action}
              ways={ways}
              // Without a passkey, removing the app turns two-step sign-in off.
              turnsOff={security.passkeys === 0}
              onDone={(fresh) => {
                setAction(null);
                if (fresh) setCodes(fresh);
                else setSaid(security.passkeys === 0 ? t('twoStep.removed') : t('twoStep.appRemoved'));
              }}
              onCancel={() => setAction(null)}
            />
          ) : (
            <div className="button-row">
              {!app && (
                <button
                  type="button"
                  className={on ? 'button button-secondary' : 'button button-primary'}
                  disabled={starting.isLoading}
                  onClick={() => void begin()}
                >
                  {t('twoStep.setUp')}
                </button>
              )}
              {on && (
                <button type="button" className="button button-secondary" onClick={() => setAction('regenerate')}>
                  {t('twoStep.newCodes')}
                </button>
              )}
              {app && (
                <button type="button" className="button button-ghost" onClick={() => setAction('remove')}>
                  {security.passkeys === 0 ? t('twoStep.turnOff') : t('twoStep.removeApp')}
                </button>
              )}
            </div>
          )}
        </>
      )}
      <ErrorNote>{error}</ErrorNote>
      <p role="status" className="saved">
        {said}
      </p>
    </section>
  );
}

/** Scan (or type) the secret, then prove the app has it with its first code. */
function TotpSetup({
  setup,
  onConfirmed,
  onCancel,
}: {
  setup: { secret: string; otpauth_uri: string };
  onConfirmed: (codes: string[]) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [confirm, confirming] = useConfirmTotpMutation();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const entered = code.replace(/\s/g, '');
    if (!entered) {
      setError(t('auth.mfa.enterCode'));
      return;
    }
    try {
      const { codes } = await confirm(entered).unwrap();
      onConfirmed(codes);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const copySecret = async () => {
    try {
      await navigator.clipboard.writeText(setup.secret);
      setCopied(t('codes.copied'));
    } catch {
      setCopied(t('codes.copyFailed'));
    }
  };

  return (
    <div className="totp-setup" data-testid="totp-setup">
      <ol className="steps">
        <li>
          <p>{t('twoStep.scan')}</p>
          <div className="totp-scan">
            <QrCode text={setup.otpauth_uri} label={t('twoStep.qrLabel')} />
            <div className="totp-manual">
              <p className="small muted">{t('twoStep.manual')}</p>
              <code className="secret" data-testid="totp-secret">
                {groupedSecret(setup.secret)}
              </code>
              <div className="button-row">
                <button type="button" className="button button-ghost button-small" onClick={() => void copySecret()}>
                  {t('twoStep.copyKey')}
                </button>
                <span role="status" className="saved">
                  {copied}
                </span>
              </div>
            </div>
          </div>
        </li>
        <li>
          <form className="form" onSubmit={(e) => void submit(e)} noValidate>
            <div className="field">
              <label htmlFor="totp-code">{t('twoStep.enterCode')}</label>
              <input
                id="totp-code"
                className="one-time-code"
                inputMode="numeric"
                autoComplete="one-time-code"
                pattern="[0-9 ]*"
                maxLength={7}
                value={code}
                onChange={(e) => {
                  setCode(e.target.value);
                  setError(null);
                }}
              />
            </div>
            <ErrorNote>{error}</ErrorNote>
            <div className="button-row">
              <button type="submit" className="button button-primary" disabled={confirming.isLoading}>
                {t('twoStep.turnOn')}
              </button>
              <button type="button" className="button button-ghost" onClick={onCancel}>
                {t('common.cancel')}
              </button>
            </div>
          </form>
        </li>
      </ol>
    </div>
  );
}

/** New recovery codes, or the authenticator app removed: after proof. */
function ProveAndChange({
  action,
  ways,
  turnsOff,
  onDone,
  onCancel,
}: {
  action: 'regenerate' | 'remove';
  ways: ProofWays;
  /** Removing the app turns two-step sign-in off (no passkey is left to ask for). */
  turnsOff: boolean;
  onDone: (codes: string[] | null) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const proof = useProof(ways);
  const [regenerate, regenerating] = useNewRecoveryCodesMutation();
  const [remove, removing] = useRemoveTotpMutation();
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!proof.filled) {
      setError(t('proof.missing'));
      return;
    }
    const confirmation = await proof.body();
    if (!confirmation) return;
    try {
      if (action === 'regenerate') onDone((await regenerate(confirmation).unwrap()).codes);
      else {
        await remove(confirmation).unwrap();
        onDone(null);
      }
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <form className="form inset" onSubmit={(e) => void submit(e)} noValidate>
      <p className="small">
        {action === 'regenerate'
          ? t('twoStep.newCodesText')
          : turnsOff
            ? t('twoStep.turnOffText')
            : t('twoStep.removeAppText')}
      </p>
      <ProofField proof={proof} onEdit={() => setError(null)} />
      <ErrorNote>{error}</ErrorNote>
      <div className="button-row">
        <button
          type="submit"
          className={action === 'remove' ? 'button button-danger' : 'button button-primary'}
          disabled={regenerating.isLoading || removing.isLoading || proof.busy}
        >
          {action === 'regenerate'
            ? t('twoStep.makeNewCodes')
            : turnsOff
              ? t('twoStep.turnOffConfirm')
              : t('twoStep.removeAppConfirm')}
        </button>
        <button type="button" className="button button-ghost" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
