// "Forgot your password?": the address to send a reset link to. The answer is the same whether or
// not an account uses the address, so that nobody learns who has one here.

import { FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router-dom';
import { useForgotPasswordMutation } from '../app/api';
import { useFieldProblems } from '../app/forms';
import { AuthFrame } from '../components/AuthFrame';
import { ErrorNote, PageTitle, TextField } from '../components/ui';
import { useTitle } from '../components/useTitle';

export function ForgotPassword() {
  const { t } = useTranslation();
  useTitle(t('reset.forgotTitle'));
  const location = useLocation();
  const [email, setEmail] = useState((location.state as { email?: string } | null)?.email ?? '');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [send, sending] = useForgotPasswordMutation();
  const check = useFieldProblems();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    check.reset();
    const missing = email.trim() ? null : t('forms.missing.sentence', { list: t('forms.missing.email') });
    setError(missing);
    if (missing) return;
    try {
      await send(email.trim()).unwrap();
      setSentTo(email.trim());
    } catch (err) {
      setError(check.fail(err, ['email']));
    }
  };

  return (
    <AuthFrame>
      <PageTitle>{t('reset.forgotTitle')}</PageTitle>
      {sentTo ? (
        <div className="notice" role="status" data-testid="reset-sent">
          <p>{t('reset.sent', { email: sentTo })}</p>
          <p className="small">{t('reset.sentHint')}</p>
        </div>
      ) : (
        <>
          <p className="muted">{t('reset.forgotIntro')}</p>
          <form onSubmit={(e) => void submit(e)} className="form" noValidate>
            <TextField
              id="email"
              label={t('auth.email')}
              field="email"
              check={check}
              type="email"
              autoComplete="email"
              required
              value={email}
              onChange={(e) => {
                setEmail(e.target.value);
                check.edited('email');
                setError(null);
              }}
            />
            <ErrorNote>{error}</ErrorNote>
            <button className="button button-primary button-wide" type="submit" disabled={sending.isLoading}>
              {t('reset.send')}
            </button>
          </form>
        </>
      )}
      <p className="auth-switch">
        <Link to="/signin">{t('reset.backToSignIn')}</Link>
      </p>
    </AuthFrame>
  );
}
