// The page a password-reset mail links to (`/reset-password?token=...`): a new password, after
// which every session of the account has ended, this browser's too, and the person signs in anew.

import { FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { errorCode, useResetPasswordMutation } from '../app/api';
import { sessionEnded } from '../app/authSlice';
import { useFieldProblems } from '../app/forms';
import { useAppDispatch } from '../app/hooks';
import { AuthFrame } from '../components/AuthFrame';
import { ErrorNote, PageTitle, TextField } from '../components/ui';
import { useTitle } from '../components/useTitle';
import type { AuthNotice } from './AuthScreen';

/** Errors that mean the link itself is of no use: a new one is the way on. */
const LINK_OVER = ['invalid_link', 'link_expired', 'link_used'];

export function ResetPassword() {
  const { t } = useTranslation();
  useTitle(t('reset.title'));
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const navigate = useNavigate();
  const dispatch = useAppDispatch();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(token ? null : t('error.code.invalid_link'));
  const [linkOver, setLinkOver] = useState(!token);
  const [reset, resetting] = useResetPasswordMutation();
  const check = useFieldProblems();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    check.reset();
    if (!password) {
      setError(t('forms.missing.sentence', { list: t('forms.missing.newPassword') }));
      return;
    }
    try {
      await reset({ token, new_password: password }).unwrap();
      // Every session of the account is over, this one's too.
      dispatch(sessionEnded());
      void navigate('/signin', { replace: true, state: { notice: 'passwordReset' satisfies AuthNotice } });
    } catch (err) {
      setLinkOver(LINK_OVER.includes(errorCode(err) ?? ''));
      setError(check.fail(err, ['new_password']));
    }
  };

  return (
    <AuthFrame>
      <PageTitle>{t('reset.title')}</PageTitle>
      {linkOver ? (
        <>
          <ErrorNote>{error}</ErrorNote>
          <Link className="button button-primary button-wide" to="/forgot-password">
            {t('reset.askAgain')}
          </Link>
        </>
      ) : (
        <form onSubmit={(e) => void submit(e)} className="form" noValidate>
          <TextField
            id="new-password"
            label={t('reset.newPassword')}
            field="new_password"
            check={check}
            hint={t('auth.passwordHint')}
            type="password"
            autoComplete="new-password"
            required
            minLength={8}
            value={password}
            onChange={(e) => {
              setPassword(e.target.value);
              check.edited('new_password');
              setError(null);
            }}
          />
          <ErrorNote>{error}</ErrorNote>
          <button className="button button-primary button-wide" type="submit" disabled={resetting.isLoading}>
            {t('reset.save')}
          </button>
        </form>
      )}
      <p className="auth-switch">
        <Link to="/signin">{t('reset.backToSignIn')}</Link>
      </p>
    </AuthFrame>
  );
}
