// "Is it really you?" for the changes that need it (the password, the second factor, deleting the
// account): the current password or, when two-step sign-in is on, a code from the authenticator
// app or a recovery code instead, as the API's `Confirmation` takes them.

import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { Proof, ProofMethod } from './proof';

/**
 * The proof's input, labelled for the method in use (`passwordLabel` for the password), with the
 * ways to switch to the others when the account has an authenticator app.
 */
export function ProofField({
  proof,
  totpEnabled,
  passwordLabel,
  onEdit,
}: {
  proof: Proof;
  totpEnabled: boolean;
  passwordLabel?: string;
  onEdit?: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const labels: Record<ProofMethod, string> = {
    password: passwordLabel ?? t('proof.password'),
    code: t('proof.code'),
    recovery_code: t('proof.recoveryCode'),
  };
  const switches: Record<ProofMethod, string> = {
    password: t('proof.usePassword'),
    code: t('proof.useCode'),
    recovery_code: t('proof.useRecoveryCode'),
  };
  const attributes =
    proof.method === 'password'
      ? { type: 'password', autoComplete: 'current-password' }
      : proof.method === 'code'
        ? { inputMode: 'numeric' as const, autoComplete: 'one-time-code', pattern: '[0-9 ]*', maxLength: 7 }
        : { autoComplete: 'off', autoCapitalize: 'none', spellCheck: false, maxLength: 40 };
  return (
    <div className="field">
      <label htmlFor={id}>{labels[proof.method]}</label>
      <input
        id={id}
        key={proof.method}
        className={proof.method === 'password' ? undefined : 'one-time-code'}
        value={proof.value}
        onChange={(e) => {
          proof.setValue(e.target.value);
          onEdit?.();
        }}
        {...attributes}
      />
      {totpEnabled && (
        <p className="proof-switch">
          {(['password', 'code', 'recovery_code'] as const)
            .filter((m) => m !== proof.method)
            .map((m) => (
              <button key={m} type="button" className="link-button" onClick={() => proof.switchTo(m)}>
                {switches[m]}
              </button>
            ))}
        </p>
      )}
    </div>
  );
}
