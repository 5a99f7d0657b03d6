// "Send the link again" for a sign-up that waits for its address: asks for a new link to `email`
// and says what happened. The server answers alike whether or not a sign-up waits for the
// address, so the sentence does too.

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage, useResendSignupLinkMutation } from '../app/api';
import { ErrorNote } from './ui';

export function ResendSignupLink({ email, primary = false }: { email: string; primary?: boolean }) {
  const { t } = useTranslation();
  const [resend, resending] = useResendSignupLinkMutation();
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const again = async () => {
    setSent(false);
    setError(null);
    try {
      await resend(email).unwrap();
      setSent(true);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <div className="resend-link">
      <button
        type="button"
        className={`button ${primary ? 'button-primary' : 'button-secondary'} button-wide`}
        disabled={resending.isLoading}
        onClick={() => void again()}
      >
        {t('auth.checkMail.resend')}
      </button>
      <p role="status" className="small" data-testid="link-resent">
        {sent ? t('auth.checkMail.resent', { email }) : null}
      </p>
      <ErrorNote>{error}</ErrorNote>
    </div>
  );
}
