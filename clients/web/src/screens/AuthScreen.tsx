// Sign up and sign in, with the second factor (a code from an authenticator app, a passkey, or a
// recovery code) when the account has one. Both return to the page that sent the person here
// (`from` in the location's state: an event they wanted to RSVP to, a page that needs a session).
// Where sign-up confirms the address first, it ends on "Check your mail" instead, and the page is
// remembered for when the mailed link is opened; signing in to such an account before then says
// so and offers the link again.
// Under the form, "Sign in with a passkey" where this page can use passkeys, and "Continue with
// ..." for each identity provider; the way back from one may land here, with the second factor's
// ticket or the reason the sign-in did not work.

import { FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useLocation, useNavigate } from 'react-router-dom';
import {
  errorCode,
  errorMessage,
  useLoginMutation,
  usePasskeySignInMutation,
  usePasskeySignInOptionsMutation,
  useRegisterMutation,
  useSecondFactorMutation,
  waitsForMail,
} from '../app/api';
import { useAppSelector, useSignedIn } from '../app/hooks';
import { getPasskey, passkeyFailure, usePasskeysUsable } from '../app/passkeys';
import { providerReturn, takeProviderReturn } from '../app/providers';
import { rememberSignupReturn } from '../app/signupReturn';
import type { Schemas } from '../app/types';
import { AuthFrame } from '../components/AuthFrame';
import { ProviderButtons } from '../components/ProviderButtons';
import { ResendSignupLink } from '../components/ResendSignupLink';
import { ErrorNote, PageTitle, TextField } from '../components/ui';
import { useTitle } from '../components/useTitle';
import { missingFields, useFieldProblems } from '../app/forms';
import { providerErrorSentence } from '../i18n/serverText';
import { CheckYourMail } from './CheckYourMail';

/** What the sign-in screen was opened to say, from the location's state. */
export type AuthNotice = 'passwordReset';

type MfaMethod = Schemas['MfaMethod'];

/** A sign-in waiting for its second factor: the ticket, and the factors the account has (unknown after a provider). */
interface SecondStep {
  ticket: string;
  methods: MfaMethod[] | null;
}

/** What stopped a passkey, said calmly when it was the person's own choice. */
function PasskeyNote({ note }: { note: { text: string; calm: boolean } | null }) {
  if (!note) return null;
  if (!note.calm) return <ErrorNote>{note.text}</ErrorNote>;
  return (
    <p className="notice" role="status">
      {note.text}
    </p>
  );
}

export function AuthScreen({ mode }: { mode: 'signin' | 'signup' }) {
  const { t } = useTranslation();
  const signedIn = useSignedIn();
  const ended = useAppSelector((s) => s.auth.ended);
  const navigate = useNavigate();
  const location = useLocation();
  const { from: asked, notice } = (location.state as { from?: string; notice?: AuthNotice } | null) ?? {};
  const [register, registering] = useRegisterMutation();
  const [login, loggingIn] = useLoginMutation();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  /** The address a sign-up mailed, once it waits for its link ("Check your mail"). */
  const [mailedTo, setMailedTo] = useState<string | null>(null);
  /** The address of an account that waits for its link, after a sign-in with the right password. */
  const [unconfirmed, setUnconfirmed] = useState<string | null>(null);
  // Sign-in and sign-up are this one screen: a link from one to the other starts at the form.
  const [shownMode, setShownMode] = useState(mode);
  if (shownMode !== mode) {
    setShownMode(mode);
    setMailedTo(null);
    setUnconfirmed(null);
  }
  /** What the way back from an identity provider brought, read once (then cleared from the address). */
  const [returned] = useState(() =>
    mode === 'signin' ? providerReturn(location.search, location.hash) : { ticket: null, methods: null, error: null },
  );
  /** The page to return to: the one that sent the person here, or the one a provider sign-in left from. */
  const [from] = useState(() => asked ?? (returned.ticket ? takeProviderReturn() : null) ?? undefined);
  /** The sign-in's ticket once the password (or the provider) was right and the second factor is next. */
  const [ticket, setTicket] = useState<SecondStep | null>(
    returned.ticket ? { ticket: returned.ticket, methods: returned.methods } : null,
  );
  const passkeys = usePasskeysUsable() && mode === 'signin';
  const [providerError, setProviderError] = useState<string | null>(returned.error);
  const check = useFieldProblems();
  /** A change to `field`: what was said about it, or about the form, no longer holds. */
  const edit = (field: string, apply: (value: string) => void) => (e: { target: { value: string } }) => {
    apply(e.target.value);
    check.edited(field);
    setError(null);
    setUnconfirmed(null);
  };
  const busy = registering.isLoading || loggingIn.isLoading;
  useTitle(mailedTo ? t('auth.checkMail.title') : mode === 'signup' ? t('auth.signUpTitle') : t('auth.signInTitle'));
  // The ticket and the error leave the address: a reload or a bookmark does not bring them back.
  useEffect(() => {
    const { ticket: inAddress, error: saidInAddress } = providerReturn(location.search, location.hash);
    if (inAddress || saidInAddress)
      void navigate(location.pathname, { replace: true, state: location.state as unknown });
  }, [location, navigate]);

  if (signedIn) return <Navigate to={from ?? '/'} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const missing = missingFields(mode, { name, email, password });
    setError(missing);
    setUnconfirmed(null);
    setProviderError(null);
    check.reset();
    if (missing) return;
    try {
      if (mode === 'signup') {
        const answer = await register({ email, password, display_name: name }).unwrap();
        if (waitsForMail(answer)) {
          rememberSignupReturn(answer.email, from);
          setMailedTo(answer.email);
          return;
        }
        // A new account starts with its profile, unless it was made to act somewhere (an RSVP).
        if (from) void navigate(from, { replace: true });
        else void navigate('/profile', { replace: true, state: { welcome: true } });
      } else {
        const answer = await login({ email, password }).unwrap();
        if ('mfa_required' in answer) setTicket({ ticket: answer.ticket, methods: answer.methods });
        else void navigate(from ?? '/', { replace: true });
      }
    } catch (err) {
      if (errorCode(err) === 'email_not_verified') setUnconfirmed(email.trim());
      setError(check.fail(err, ['display_name', 'email', 'password']));
    }
  };

  if (mailedTo) {
    return (
      <AuthFrame>
        <CheckYourMail email={mailedTo} />
      </AuthFrame>
    );
  }

  if (ticket) {
    return (
      <AuthFrame>
        <SecondFactor
          step={ticket}
          passkeys={passkeys}
          onRestart={(reason) => {
            setTicket(null);
            setPassword('');
            setError(reason);
          }}
        />
      </AuthFrame>
    );
  }

  const note =
    mode === 'signin'
      ? notice === 'passwordReset'
        ? t('auth.notice.passwordReset')
        : ended === 'revoked'
          ? t('auth.notice.revoked')
          : ended === 'expired'
            ? t('auth.notice.expired')
            : null
      : null;

  return (
    <AuthFrame>
      <PageTitle>{mode === 'signup' ? t('auth.createAccount') : t('auth.welcomeBack')}</PageTitle>
      {note && (
        <p className="notice" role="status" data-testid="auth-notice">
          {note}
        </p>
      )}
      <ErrorNote>{providerError && providerErrorSentence(providerError, 'signin')}</ErrorNote>
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
        {mode === 'signin' && (
          <p className="forgot">
            <Link to="/forgot-password" state={{ email }}>
              {t('auth.forgot')}
            </Link>
          </p>
        )}
        <ErrorNote>{error}</ErrorNote>
        {unconfirmed && <ResendSignupLink email={unconfirmed} />}
        <button className="button button-primary button-wide" type="submit" disabled={busy}>
          {mode === 'signup' ? t('auth.signUp') : t('auth.signIn')}
        </button>
      </form>
      {passkeys && (
        <PasskeySignIn
          onSignedIn={() => void navigate(from ?? '/', { replace: true })}
          onStart={() => {
            setError(null);
            setProviderError(null);
          }}
        />
      )}
      <ProviderButtons returnTo={from} divider={!passkeys} />
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
    </AuthFrame>
  );
}

/** Codes of a sign-in ticket that cannot be used any more: the password is asked again. */
const TICKET_OVER = ['invalid_ticket', 'ticket_expired', 'ticket_used', 'too_many_attempts'];

/**
 * Signing in with a passkey alone: the browser's dialog lists the passkeys this device holds for
 * Mingle, and the one picked names the account.
 */
function PasskeySignIn({ onSignedIn, onStart }: { onSignedIn: () => void; onStart: () => void }) {
  const { t } = useTranslation();
  const [options] = usePasskeySignInOptionsMutation();
  const [signIn] = usePasskeySignInMutation();
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<{ text: string; calm: boolean } | null>(null);

  const start = async () => {
    onStart();
    setNote(null);
    setBusy(true);
    try {
      await signIn(await getPasskey(await options({}).unwrap())).unwrap();
      onSignedIn();
    } catch (err) {
      setNote(passkeyFailure(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="providers">
      <p className="or-divider">
        <span>{t('auth.or')}</span>
      </p>
      <button
        type="button"
        className="button button-ghost button-wide provider-button"
        disabled={busy}
        onClick={() => void start()}
      >
        {t('auth.passkey.signIn')}
      </button>
      <PasskeyNote note={note} />
    </div>
  );
}

/**
 * The second step of signing in: the six digits the authenticator app shows, a passkey, or one
 * of the recovery codes, in the ways the account has (all of them after a provider's sign-in,
 * which does not say). An account whose second factor is a passkey is asked for it first. Once
 * the session starts, the screen moves on by itself.
 */
function SecondFactor({
  step: { ticket, methods },
  passkeys,
  onRestart,
}: {
  step: SecondStep;
  /** This page can use passkeys. */
  passkeys: boolean;
  onRestart: (reason: string | null) => void;
}) {
  const { t } = useTranslation();
  const [verify, verifying] = useSecondFactorMutation();
  const [options] = usePasskeySignInOptionsMutation();
  const offers = (method: MfaMethod) => methods === null || methods.includes(method);
  const withPasskey = passkeys && offers('passkey');
  const withApp = offers('totp');
  const [method, setMethod] = useState<'code' | 'recovery_code' | 'passkey'>(
    withApp ? 'code' : withPasskey ? 'passkey' : 'recovery_code',
  );
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<{ text: string; calm: boolean } | null>(null);
  const [asking, setAsking] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const passkeyButton = useRef<HTMLButtonElement>(null);
  useEffect(() => (input.current ?? passkeyButton.current)?.focus(), [method]);

  /** A failed request: a ticket that is over sends back to the password, anything else is said here. */
  const failed = (err: unknown) => {
    const code = errorCode(err);
    if (code && TICKET_OVER.includes(code)) onRestart(errorMessage(err));
    else setError(errorMessage(err));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const entered = method === 'code' ? value.replace(/\s/g, '') : value.trim();
    if (!entered) {
      setError(method === 'code' ? t('auth.mfa.enterCode') : t('auth.mfa.enterRecoveryCode'));
      return;
    }
    setError(null);
    try {
      await verify(method === 'code' ? { ticket, code: entered } : { ticket, recovery_code: entered }).unwrap();
    } catch (err) {
      failed(err);
    }
  };

  const answerWithPasskey = async () => {
    setError(null);
    setNote(null);
    setAsking(true);
    try {
      const challenge = await options({ ticket }).unwrap();
      let passkey;
      try {
        passkey = await getPasskey(challenge);
      } catch (err) {
        setNote(passkeyFailure(err));
        return;
      }
      await verify({ ticket, passkey }).unwrap();
    } catch (err) {
      failed(err);
    } finally {
      setAsking(false);
    }
  };

  const switchTo = (next: typeof method) => {
    setMethod(next);
    setValue('');
    setError(null);
    setNote(null);
  };
  const others = (
    [
      ['code', withApp, t('auth.mfa.useApp')],
      ['passkey', withPasskey, t('auth.mfa.usePasskey')],
      [
        'recovery_code',
        offers('recovery_code'),
        method === 'code' ? t('auth.mfa.useRecoveryCode') : t('auth.mfa.useRecoveryCodeInstead'),
      ],
    ] as const
  ).filter(([m, offered]) => offered && m !== method);

  return (
    <>
      <PageTitle>{t('auth.mfa.title')}</PageTitle>
      <p className="muted" id="mfa-intro">
        {method === 'code'
          ? t('auth.mfa.codeIntro')
          : method === 'passkey'
            ? t('auth.mfa.passkeyIntro')
            : t('auth.mfa.recoveryIntro')}
      </p>
      {method === 'passkey' ? (
        <div className="form">
          <ErrorNote>{error}</ErrorNote>
          <PasskeyNote note={note} />
          <button
            ref={passkeyButton}
            type="button"
            className="button button-primary button-wide"
            disabled={asking || verifying.isLoading}
            onClick={() => void answerWithPasskey()}
          >
            {t('auth.mfa.usePasskey')}
          </button>
        </div>
      ) : (
        <form onSubmit={(e) => void submit(e)} className="form" noValidate>
          <div className="field">
            <label htmlFor="mfa-code">{method === 'code' ? t('auth.mfa.code') : t('auth.mfa.recoveryCode')}</label>
            <input
              ref={input}
              id="mfa-code"
              key={method}
              className={method === 'code' ? 'one-time-code' : 'recovery-input'}
              aria-describedby="mfa-intro"
              value={value}
              onChange={(e) => {
                setValue(e.target.value);
                setError(null);
              }}
              {...(method === 'code'
                ? { inputMode: 'numeric', autoComplete: 'one-time-code', pattern: '[0-9 ]*', maxLength: 7 }
                : { autoComplete: 'off', autoCapitalize: 'none', spellCheck: false, maxLength: 40 })}
            />
          </div>
          <ErrorNote>{error}</ErrorNote>
          <button className="button button-primary button-wide" type="submit" disabled={verifying.isLoading}>
            {t('auth.mfa.verify')}
          </button>
        </form>
      )}
      {others.map(([m, , label]) => (
        <p key={m} className="auth-switch">
          <button type="button" className="link-button" onClick={() => switchTo(m)}>
            {label}
          </button>
        </p>
      ))}
      <p className="auth-switch">
        <button type="button" className="link-button" onClick={() => onRestart(null)}>
          {t('auth.mfa.back')}
        </button>
      </p>
    </>
  );
}
