// "Is it really you?" for the changes that need it (the password, the address, a second factor,
// a passkey, deleting the account), in the ways the account has (see proof.ts): the current
// password, a code from the authenticator app, a recovery code, or a passkey; with none of them,
// the sign-in a moment ago is enough, and the field says so.

import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { Proof, ProofMethod } from './proof';
import { isTyped } from './proof';
import { ErrorNote } from './ui';

/**
 * The proof's input, labelled for the method in use (`passwordLabel` for the password), or what
 * happens when the form is sent, with the ways to switch to the others the account has.
 */
export function ProofField({
  proof,
  passwordLabel,
  onEdit,
}: {
  proof: Proof;
  passwordLabel?: string;
  onEdit?: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const labels: Record<ProofMethod, string> = {
    password: passwordLabel ?? t('proof.password'),
    code: t('proof.code'),
    recovery_code: t('proof.recoveryCode'),
    passkey: t('proof.passkey'),
    recent: t('proof.recent'),
  };
  const switches: Record<ProofMethod, string> = {
    password: t('proof.usePassword'),
    code: t('proof.useCode'),
    recovery_code: t('proof.useRecoveryCode'),
    passkey: t('proof.usePasskey'),
    recent: '',
  };
  const attributes =
    proof.method === 'password'
      ? { type: 'password', autoComplete: 'current-password' }
      : proof.method === 'code'
        ? { inputMode: 'numeric' as const, autoComplete: 'one-time-code', pattern: '[0-9 ]*', maxLength: 7 }
        : { autoComplete: 'off', autoCapitalize: 'none', spellCheck: false, maxLength: 40 };
  const note = proof.passkeyNote;
  return (
    <div className="field">
      {isTyped(proof.method) ? (
        <>
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
        </>
      ) : (
        <p className="small" data-testid="proof-text">
          {labels[proof.method]}
        </p>
      )}
      {note &&
        (note.calm ? (
          <p className="notice" role="status">
            {note.text}
          </p>
        ) : (
          <ErrorNote>{note.text}</ErrorNote>
        ))}
      {proof.methods.length > 1 && (
        <p className="proof-switch">
          {proof.methods
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
