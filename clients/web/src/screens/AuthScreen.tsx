// Sign up and sign in. Both return to the page that sent the person here (`from` in the
// location's state: an event they wanted to RSVP to, a page that needs a session).

import { FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useLocation, useNavigate } from 'react-router-dom';
import { useLoginMutation, useRegisterMutation } from '../app/api';
import { useAppSelector } from '../app/hooks';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { ErrorNote, PageTitle, TextField } from '../components/ui';
import { useTitle } from '../components/useTitle';
import { missingFields, useFieldProblems } from '../app/forms';

export function AuthScreen({ mode }: { mode: 'signin' | 'signup' }) {
  const { t } = useTranslation();
  const signedIn = useAppSelector((s) => Boolean(s.auth.refreshToken));
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from;
  const [register, registering] = useRegisterMutation();
  const [login, loggingIn] = useLoginMutation();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const check = useFieldProblems();
  /** A change to `field`: what was said about it, or about the form, no longer holds. */
  const edit = (field: string, apply: (value: string) => void) => (e: { target: { value: string } }) => {
    apply(e.target.value);
    check.edited(field);
    setError(null);
  };
  const busy = registering.isLoading || loggingIn.isLoading;
  useTitle(mode === 'signup' ? t('auth.signUpTitle') : t('auth.signInTitle'));

  if (signedIn) return <Navigate to={from ?? '/'} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const missing = missingFields(mode, { name, email, password });
    setError(missing);
    check.reset();
    if (missing) return;
    try {
      if (mode === 'signup') {
        await register({ email, password, display_name: name }).unwrap();
        // A new account starts with its profile, unless it was made to act somewhere (an RSVP).
        if (from) void navigate(from, { replace: true });
        else void navigate('/profile', { replace: true, state: { welcome: true } });
      } else {
        await login({ email, password }).unwrap();
        void navigate(from ?? '/', { replace: true });
      }
    } catch (err) {
      setError(check.fail(err, ['display_name', 'email', 'password']));
    }
  };

  return (
    <main className="auth" id="main">
      <div className="auth-hero" aria-hidden="true">
        <div className="auth-hero-inner">
          <img src="/favicon.svg" alt="" width="56" height="56" />
          <p className="auth-hero-title">{t('auth.heroTitle')}</p>
          <p className="auth-hero-text">{t('auth.heroText')}</p>
        </div>
      </div>
      <section className="auth-card card">
        <LanguageSwitch compact />
        <PageTitle>{mode === 'signup' ? t('auth.createAccount') : t('auth.welcomeBack')}</PageTitle>
        <form onSubmit={(e) => void submit(e)} className="form" noValidate>
          {mode === 'signup' && (
            <TextField
              id="name"
              label={t('auth.name')}
              field="display_name"
              check={check}
              autoComplete="name"
              required
              value={name}
              onChange={edit('display_name', setName)}
            />
          )}
          <TextField
            id="email"
            label={t('auth.email')}
            field="email"
            check={check}
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={edit('email', setEmail)}
          />
          <TextField
            id="password"
            label={t('auth.password')}
            field="password"
            check={check}
            hint={mode === 'signup' ? t('auth.passwordHint') : undefined}
            type="password"
            autoComplete={mode === 'signup' ? 'new-password' : 'current-password'}
            required
            minLength={8}
            value={password}
            onChange={edit('password', setPassword)}
          />
          <ErrorNote>{error}</ErrorNote>
          <button className="button button-primary button-wide" type="submit" disabled={busy}>
            {mode === 'signup' ? t('auth.signUp') : t('auth.signIn')}
          </button>
        </form>
        <p className="auth-switch">
          {mode === 'signup' ? (
            <>
              {t('auth.haveAccount')}{' '}
              <Link to="/signin" state={from ? { from } : undefined}>
                {t('auth.signIn')}
              </Link>
            </>
          ) : (
            <>
              {t('auth.newHere')}{' '}
              <Link to="/signup" state={from ? { from } : undefined}>
                {t('auth.createAnAccount')}
              </Link>
            </>
          )}
        </p>
        <p className="auth-switch">
          <Link to="/">{t('auth.browse')}</Link>
        </p>
      </section>
    </main>
  );
}
