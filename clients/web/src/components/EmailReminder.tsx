// A quiet line under the header while the signed-in person's address is not confirmed: the link
// was mailed at sign-up, and "Resend link" mails a new one. Hidden for the rest of the visit once
// dismissed; it goes by itself once the address is confirmed (here or in another tab).

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage, useResendVerificationMutation } from '../app/api';

const DISMISSED = 'mingle.emailReminder';

function dismissed(): boolean {
  try {
    return sessionStorage.getItem(DISMISSED) === '1';
  } catch {
    return false;
  }
}

export function EmailReminder({ email }: { email: string }) {
  const { t } = useTranslation();
  const [hidden, setHidden] = useState(dismissed);
  const [resend, resending] = useResendVerificationMutation();
  const [said, setSaid] = useState<string | null>(null);
  if (hidden) return null;

  const again = async () => {
    setSaid(null);
    try {
      await resend().unwrap();
      setSaid(t('reminder.sent', { email }));
    } catch (err) {
      setSaid(errorMessage(err));
    }
  };

  const hide = () => {
    try {
      sessionStorage.setItem(DISMISSED, '1');
    } catch {
      // Hidden for as long as the page is open.
    }
    setHidden(true);
  };

  return (
    <div className="email-reminder" data-testid="email-reminder">
      <div className="email-reminder-inner">
        <p>
          {!said && (
            <>
              {t('reminder.text', { email })}{' '}
              <button type="button" className="link-button" disabled={resending.isLoading} onClick={() => void again()}>
                {t('reminder.resend')}
              </button>
            </>
          )}
          <span role="status">{said}</span>
        </p>
        <button type="button" className="reminder-close" aria-label={t('reminder.hide')} onClick={hide}>
          ×
        </button>
      </div>
    </div>
  );
}
