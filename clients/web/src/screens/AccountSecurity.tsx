// The account's sign-in and security: the e-mail address (confirmed or not, and changing it), the
// password (or, for an account made through an identity provider, setting one), passkeys, the
// providers linked, two-step sign-in, the devices signed in, a copy of everything Mingle keeps,
// and deleting the account. Each change that needs proof asks for it in the ways the account has
// (see components/proof.ts).

import { FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import {
  errorMessage,
  useChangeEmailMutation,
  useChangePasswordMutation,
  useDeleteAccountMutation,
  useExportDataMutation,
  useForgotPasswordMutation,
  useIdentitiesQuery,
  useMeQuery,
  useResendVerificationMutation,
  useSecurityQuery,
} from '../app/api';
import { saveFile } from '../app/download';
import { useFieldProblems } from '../app/forms';
import { usePasskeysUsable } from '../app/passkeys';
import type { Me } from '../app/types';
import { Devices } from '../components/Devices';
import { LinkedProviders } from '../components/LinkedProviders';
import { useLayout } from '../components/layoutContext';
import { Passkeys } from '../components/Passkeys';
import { type ProofWays, useProof } from '../components/proof';
import { ProofField } from '../components/ProofField';
import { TwoStepSignIn } from '../components/TwoStepSignIn';
import { ErrorNote, PageTitle, Spinner, TextField } from '../components/ui';
import { useTitle } from '../components/useTitle';

export function AccountSecurity() {
  const { t } = useTranslation();
  useTitle(t('security.title'));
  const me = useMeQuery();
  const security = useSecurityQuery();
  const identities = useIdentitiesQuery();
  // An account made through a provider has no password until its owner sets one.
  const hasPassword = identities.data?.has_password ?? true;
  const passkeysUsable = usePasskeysUsable();
  const ways: ProofWays | null = security.data
    ? {
        password: hasPassword,
        code: security.data.totp_enabled,
        recovery_code: security.data.two_step,
        passkey: security.data.passkeys > 0 && passkeysUsable,
      }
    : null;
  return (
    <div className="page page-narrow">
      <p className="crumbs">
        <Link to="/profile">← {t('nav.profile')}</Link>
      </p>
      <PageTitle>{t('security.title')}</PageTitle>
      {me.data && security.data && ways && !identities.isLoading ? (
        <>
          <SignInDetails me={me.data} ways={ways} />
          <Passkeys ways={ways} />
          <LinkedProviders identities={identities.data?.items ?? []} />
          <TwoStepSignIn security={security.data} ways={ways} passkeysOffered={passkeysUsable} />
          <Devices />
          <YourData />
          <DeleteAccount ways={ways} />
        </>
      ) : security.error ? (
        <ErrorNote>{errorMessage(security.error)}</ErrorNote>
      ) : (
        <Spinner />
      )}
    </div>
  );
}

/**
 * The address and the password, each with its own form, opened in place. Without a password, the
 * link to set one is mailed, as for a forgotten one.
 */
function SignInDetails({ me, ways }: { me: Me; ways: ProofWays }) {
  const hasPassword = ways.password;
  const { t } = useTranslation();
  const [open, setOpen] = useState<'email' | 'password' | null>(null);
  const [said, setSaid] = useState<string | null>(null);
  const [resend, resending] = useResendVerificationMutation();
  const [sendPasswordLink, sendingPasswordLink] = useForgotPasswordMutation();
  const done = (sentence: string) => {
    setOpen(null);
    setSaid(sentence);
  };
  const resendLink = async () => {
    try {
      await resend().unwrap();
      setSaid(t('reminder.sent', { email: me.email }));
    } catch (err) {
      setSaid(errorMessage(err));
    }
  };
  const setPassword = async () => {
    try {
      await sendPasswordLink(me.email).unwrap();
      setSaid(t('security.setPasswordSent', { email: me.email }));
    } catch (err) {
      setSaid(errorMessage(err));
    }
  };

  return (
    <section className="card" aria-labelledby="sign-in-heading">
      <h2 id="sign-in-heading" className="section-title">
        {t('security.signIn')}
      </h2>
      <div className="setting">
        <div className="setting-main">
          <p className="setting-label">{t('security.email')}</p>
          <p className="setting-value">
            <span className="setting-email" data-testid="account-email">
              {me.email}
            </span>{' '}
            <span className={`status ${me.email_verified ? 'status-going' : 'status-waitlisted'}`}>
              {me.email_verified ? t('security.confirmed') : t('security.notConfirmed')}
            </span>
          </p>
          {!me.email_verified && (
            <button
              type="button"
              className="link-button small"
              disabled={resending.isLoading}
              onClick={() => void resendLink()}
            >
              {t('reminder.resend')}
            </button>
          )}
        </div>
        {open !== 'email' && (
          <button
            type="button"
            className="button button-ghost button-small"
            aria-label={t('security.changeEmail')}
            onClick={() => {
              setSaid(null);
              setOpen('email');
            }}
          >
            {t('security.change')}
          </button>
        )}
      </div>
      {open === 'email' && <ChangeEmail current={me.email} ways={ways} onDone={done} onCancel={() => setOpen(null)} />}
      <div className="setting">
        <div className="setting-main">
          <p className="setting-label">{t('security.password')}</p>
          {hasPassword ? (
            <p className="setting-value muted" aria-hidden="true">
              ••••••••••
            </p>
          ) : (
            <>
              <p className="setting-value">{t('security.noPassword')}</p>
              <p className="small muted">{t('security.noPasswordHint')}</p>
            </>
          )}
        </div>
        {!hasPassword ? (
          <button
            type="button"
            className="button button-secondary button-small"
            disabled={sendingPasswordLink.isLoading}
            onClick={() => void setPassword()}
          >
            {t('security.setPassword')}
          </button>
        ) : (
          open !== 'password' && (
            <button
              type="button"
              className="button button-ghost button-small"
              aria-label={t('security.changePassword')}
              onClick={() => {
                setSaid(null);
                setOpen('password');
              }}
            >
              {t('security.change')}
            </button>
          )
        )}
      </div>
      {open === 'password' && <ChangePassword ways={ways} onDone={done} onCancel={() => setOpen(null)} />}
      <p role="status" className="saved" data-testid="sign-in-said">
        {said}
      </p>
    </section>
  );
}

function ChangeEmail({
  current,
  ways,
  onDone,
  onCancel,
}: {
  current: string;
  ways: ProofWays;
  onDone: (said: string) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [change, changing] = useChangeEmailMutation();
  const proof = useProof(ways);
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string | null>(null);
  const check = useFieldProblems();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    check.reset();
    if (!email.trim() || !proof.filled) {
      setError(proof.filled ? t('security.enterNewEmail') : t('security.fillBoth'));
      return;
    }
    const confirmation = await proof.body();
    if (!confirmation) return;
    try {
      await change({ ...confirmation, new_email: email.trim() }).unwrap();
      onDone(t('security.emailSent', { email: email.trim(), current }));
    } catch (err) {
      setError(check.fail(err, ['new_email']));
    }
  };

  return (
    <form className="form inset" onSubmit={(e) => void submit(e)} noValidate aria-label={t('security.changeEmail')}>
      <TextField
        id="new-email"
        label={t('security.newEmail')}
        field="new_email"
        check={check}
        type="email"
        autoComplete="email"
        value={email}
        onChange={(e) => {
          setEmail(e.target.value);
          check.edited('new_email');
          setError(null);
        }}
      />
      <ProofField proof={proof} onEdit={() => setError(null)} />
      <p className="hint">{t('security.emailHint')}</p>
      <ErrorNote>{error}</ErrorNote>
      <div className="button-row">
        <button type="submit" className="button button-primary" disabled={changing.isLoading || proof.busy}>
          {t('security.sendLink')}
        </button>
        <button type="button" className="button button-ghost" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

function ChangePassword({
  ways,
  onDone,
  onCancel,
}: {
  ways: ProofWays;
  onDone: (said: string) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [change, changing] = useChangePasswordMutation();
  const proof = useProof(ways);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const check = useFieldProblems();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    check.reset();
    if (!proof.filled || !password) {
      setError(t('security.fillBoth'));
      return;
    }
    const confirmation = await proof.body();
    if (!confirmation) return;
    try {
      await change({ ...confirmation, new_password: password }).unwrap();
      onDone(t('security.passwordChanged'));
    } catch (err) {
      setError(check.fail(err, ['new_password']));
    }
  };

  return (
    <form className="form inset" onSubmit={(e) => void submit(e)} noValidate aria-label={t('security.changePassword')}>
      <ProofField proof={proof} passwordLabel={t('security.currentPassword')} onEdit={() => setError(null)} />
      <TextField
        id="new-password"
        label={t('reset.newPassword')}
        field="new_password"
        check={check}
        hint={t('auth.passwordHint')}
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={(e) => {
          setPassword(e.target.value);
          check.edited('new_password');
          setError(null);
        }}
      />
      <ErrorNote>{error}</ErrorNote>
      <div className="button-row">
        <button type="submit" className="button button-primary" disabled={changing.isLoading || proof.busy}>
          {t('security.savePassword')}
        </button>
        <button type="button" className="button button-ghost" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** Everything Mingle keeps about the person, as the JSON file the API makes. */
function YourData() {
  const { t } = useTranslation();
  const [exportData, exporting] = useExportDataMutation();
  const [error, setError] = useState<string | null>(null);
  const download = async () => {
    setError(null);
    try {
      const { text, fileName } = await exportData().unwrap();
      saveFile(new Blob([text], { type: 'application/json' }), fileName ?? 'mingle-export.json');
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <section className="card" aria-labelledby="data-heading">
      <h2 id="data-heading" className="section-title">
        {t('security.data.title')}
      </h2>
      <p className="muted">{t('security.data.text')}</p>
      <div className="button-row">
        <button
          type="button"
          className="button button-secondary"
          disabled={exporting.isLoading}
          onClick={() => void download()}
        >
          {t('security.data.download')}
        </button>
      </div>
      <ErrorNote>{error}</ErrorNote>
    </section>
  );
}

/** The account's end: what happens is said first, then the password (or another proof) confirms it. */
function DeleteAccount({ ways }: { ways: ProofWays }) {
  const { t } = useTranslation();
  const { signOut } = useLayout();
  const [remove, removing] = useDeleteAccountMutation();
  const proof = useProof(ways);
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!proof.filled) {
      setError(t('proof.missing'));
      return;
    }
    const confirmation = await proof.body();
    if (!confirmation) return;
    try {
      await remove(confirmation).unwrap();
      await signOut({ to: '/', notice: 'accountDeleted' });
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <section className="card danger-zone" aria-labelledby="delete-heading">
      <h2 id="delete-heading" className="section-title">
        {t('security.delete.title')}
      </h2>
      <ul className="consequences">
        <li>{t('security.delete.erased')}</li>
        <li>{t('security.delete.messages')}</li>
        <li>{t('security.delete.events')}</li>
        <li>{t('security.delete.final')}</li>
      </ul>
      {asking ? (
        <form className="form" onSubmit={(e) => void submit(e)} noValidate aria-label={t('security.delete.title')}>
          <ProofField proof={proof} onEdit={() => setError(null)} />
          <ErrorNote>{error}</ErrorNote>
          <div className="button-row">
            <button type="submit" className="button button-danger" disabled={removing.isLoading || proof.busy}>
              {t('security.delete.confirm')}
            </button>
            <button
              type="button"
              className="button button-ghost"
              onClick={() => {
                setAsking(false);
                proof.clear();
                setError(null);
              }}
            >
              {t('common.cancel')}
            </button>
          </div>
        </form>
      ) : (
        <div className="button-row">
          <button type="button" className="button button-danger" onClick={() => setAsking(true)}>
            {t('security.delete.start')}
          </button>
        </div>
      )}
    </section>
  );
}
