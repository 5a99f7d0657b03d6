// The page a confirmation mail links to (`/verify-email?token=...`), for a new account's address
// and for a change of address alike: the link is used as the page opens, and the page says what
// it did, or why it could not and how to get a new link. A link that finishes a sign-up (one that
// confirms the address first) signs in, and moves on as a sign-up does: to the page that asked
// for it, or to the new profile.

import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { errorCode, errorMessage, useResendVerificationMutation, useVerifyEmailMutation } from '../app/api';
import { useAppSelector } from '../app/hooks';
import { takeSignupReturn } from '../app/signupReturn';
import { AuthLink } from '../components/AuthLinks';
import { ErrorNote, PageTitle, Spinner } from '../components/ui';
import { useTitle } from '../components/useTitle';

export function VerifyEmail() {
  const { t } = useTranslation();
  useTitle(t('verify.title'));
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const user = useAppSelector((s) => s.auth.user);
  const navigate = useNavigate();
  const [verify, verification] = useVerifyEmailMutation();
  const [resend, resending] = useResendVerificationMutation();
  const [resent, setResent] = useState<string | null>(null);
  // A link works once: it is used once, however often the page renders.
  const used = useRef(false);
  useEffect(() => {
    if (!token || used.current) return;
    used.current = true;
    verify(token)
      .unwrap()
      .then(({ email, session }) => {
        // A finished sign-up: its session has started with the answer (which also clears the
        // cache this page reads), so it moves on as a sign-up does.
        if (!session) return;
        const from = takeSignupReturn(email);
        if (from) void navigate(from, { replace: true });
        else void navigate('/profile', { replace: true, state: { welcome: true } });
      })
      .catch(() => undefined);
  }, [token, verify, navigate]);

  const failed = !token || verification.isError;
  const failure = !token
    ? t('error.code.invalid_link')
    : errorCode(verification.error) === 'email_taken'
      ? t('verify.taken')
      : errorMessage(verification.error);

  const askAgain = async () => {
    setResent(null);
    try {
      await resend().unwrap();
      setResent(t('verify.resent', { email: user?.email }));
    } catch (err) {
      setResent(errorMessage(err));
    }
  };

  return (
    <div className="page page-narrow">
      <PageTitle>
        {failed ? t('verify.failedTitle') : verification.isSuccess ? t('verify.doneTitle') : t('verify.title')}
      </PageTitle>
      <section className="card" aria-live="polite">
        {verification.isSuccess ? (
          <>
            <p className="verified" data-testid="email-verified">
              {t('verify.done', { email: verification.data.email })}
            </p>
            <div className="button-row">
              <Link className="button button-primary" to="/">
                {t('verify.continue')}
              </Link>
              {user && (
                <Link className="button button-secondary" to="/account/security">
                  {t('security.title')}
                </Link>
              )}
            </div>
          </>
        ) : failed ? (
          <>
            <ErrorNote>{failure}</ErrorNote>
            {user && !user.email_verified ? (
              <div className="button-row">
                <button
                  type="button"
                  className="button button-primary"
                  disabled={resending.isLoading}
                  onClick={() => void askAgain()}
                >
                  {t('verify.sendNew', { email: user.email })}
                </button>
              </div>
            ) : user ? (
              <p className="muted">{t('verify.alreadyConfirmed', { email: user.email })}</p>
            ) : (
              <p className="muted">
                {t('verify.signInForNew')} <AuthLink mode="signin">{t('nav.signIn')}</AuthLink>
              </p>
            )}
            <p role="status" className="small">
              {resent}
            </p>
          </>
        ) : (
          <Spinner label={t('verify.checking')} />
        )}
      </section>
    </div>
  );
}
