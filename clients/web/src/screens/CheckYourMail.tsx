// What sign-up shows when it confirms the address first: a mail is on its way to the address.
// It holds the link that finishes signing up or, when the address already has an account, a note
// to its owner; this screen cannot tell which and says the same either way. The link may be sent
// again, and the way back leads to sign-in.

import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ResendSignupLink } from '../components/ResendSignupLink';
import { PageTitle } from '../components/ui';

export function CheckYourMail({ email }: { email: string }) {
  const { t } = useTranslation();
  return (
    <>
      <PageTitle>{t('auth.checkMail.title')}</PageTitle>
      <div className="notice" role="status" data-testid="check-mail">
        <p>{t('auth.checkMail.sent', { email })}</p>
        <p className="small">{t('auth.checkMail.hint')}</p>
      </div>
      <ResendSignupLink email={email} />
      <p className="auth-switch">
        <Link to="/signin">{t('reset.backToSignIn')}</Link>
      </p>
    </>
  );
}
