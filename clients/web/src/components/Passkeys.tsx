// Passkeys on the security page: the ones registered (each by the name its owner gave it, when it
// was added and last used), renaming one, removing one (after proof; the server keeps the last way
// to sign in), and adding one: a name, then the browser's own dialog. A passkey signs in alone and
// is also a second factor, so the first one turns two-step sign-in on and brings recovery codes,
// shown here once as the authenticator app's are.

import type { TFunction } from 'i18next';
import { FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  errorCode,
  errorMessage,
  useAddPasskeyMutation,
  usePasskeyRegistrationOptionsMutation,
  usePasskeysQuery,
  useRemovePasskeyMutation,
  useRenamePasskeyMutation,
} from '../app/api';
import { createPasskey, passkeyFailure, usePasskeysUsable } from '../app/passkeys';
import type { Schemas } from '../app/types';
import { deviceParts } from './device';
import { recentTime } from './format';
import { type ProofWays, useProof } from './proof';
import { ProofField } from './ProofField';
import { RecoveryCodes } from './RecoveryCodes';
import { ErrorNote } from './ui';
import { useNow } from './useNow';

type PasskeyInfo = Schemas['PasskeyInfo'];

/** The longest name the server keeps. */
const NAME_MAX = 60;

/** What the page says after an action: a sentence, calm (the person's own choice) or a failure. */
type Said = { text: string; tone: 'done' | 'calm' | 'error' };

function SaidNote({ said }: { said: Said | null }) {
  if (said?.tone === 'error') return <ErrorNote>{said.text}</ErrorNote>;
  return (
    <p role="status" className={said?.tone === 'calm' ? 'notice' : 'saved'}>
      {said?.text}
    </p>
  );
}

export function Passkeys({ ways }: { ways: ProofWays }) {
  const { t } = useTranslation();
  const usable = usePasskeysUsable();
  const passkeys = usePasskeysQuery();
  const [adding, setAdding] = useState(false);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [said, setSaid] = useState<Said | null>(null);
  const items = passkeys.data?.items ?? [];
  // Nothing to show where none can be added here (the server offers none, or this page or
  // browser cannot use them) and none were registered before.
  if (!usable && items.length === 0) return null;

  return (
    <section className="card" aria-labelledby="passkeys-heading" data-testid="passkeys">
      <h2 id="passkeys-heading" className="section-title">
        {t('passkeys.title')}
      </h2>
      <p className="muted">{t('passkeys.intro')}</p>
      {codes ? (
        <RecoveryCodes
          codes={codes}
          onDone={() => {
            setCodes(null);
            setSaid({ text: t('twoStep.codesSaved'), tone: 'done' });
          }}
        />
      ) : (
        <>
          {passkeys.error && <ErrorNote>{errorMessage(passkeys.error)}</ErrorNote>}
          {items.length > 0 ? (
            <ul className="passkeys">
              {items.map((passkey) => (
                <Passkey key={passkey.id} passkey={passkey} ways={ways} onSaid={setSaid} />
              ))}
            </ul>
          ) : (
            passkeys.isSuccess && <p className="hint">{t('passkeys.none')}</p>
          )}
          {!usable ? (
            <p className="hint">{t('passkeys.unsupported')}</p>
          ) : adding ? (
            <AddPasskey
              onAdded={(name, fresh) => {
                setAdding(false);
                setSaid({ text: t('passkeys.added', { name }), tone: 'done' });
                if (fresh) setCodes(fresh);
              }}
              onCancel={() => setAdding(false)}
            />
          ) : (
            <div className="button-row">
              <button
                type="button"
                className="button button-primary"
                onClick={() => {
                  setSaid(null);
                  setAdding(true);
                }}
              >
                {t('passkeys.add')}
              </button>
            </div>
          )}
        </>
      )}
      <SaidNote said={said} />
    </section>
  );
}

/** The name a new passkey is offered: where it is made ("Passkey on macOS"). */
function defaultName(t: TFunction): string {
  const { browser, system } = deviceParts(navigator.userAgent);
  const where = system ?? browser;
  return (where ? t('passkeys.defaultName', { device: where }) : t('passkeys.defaultNamePlain')).slice(0, NAME_MAX);
}

/** A name for the new passkey, then the browser's dialog makes it. */
function AddPasskey({
  onAdded,
  onCancel,
}: {
  onAdded: (name: string, codes: string[] | null) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [options, starting] = usePasskeyRegistrationOptionsMutation();
  const [add, saving] = useAddPasskeyMutation();
  const [name, setName] = useState(() => defaultName(t));
  const [creating, setCreating] = useState(false);
  const [said, setSaid] = useState<Said | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const chosen = name.trim();
    if (!chosen) {
      setSaid({ text: t('passkeys.nameMissing'), tone: 'error' });
      return;
    }
    setSaid(null);
    setCreating(true);
    try {
      const answer = await createPasskey(await options().unwrap());
      const added = await add({ ...answer, name: chosen }).unwrap();
      onAdded(added.passkey.name, added.recovery_codes ?? null);
    } catch (err) {
      const failure = passkeyFailure(err);
      setSaid({ text: failure.text, tone: failure.calm ? 'calm' : 'error' });
    } finally {
      setCreating(false);
    }
  };

  return (
    <form className="form inset" onSubmit={(e) => void submit(e)} noValidate aria-label={t('passkeys.add')}>
      <div className="field">
        <label htmlFor="passkey-name">{t('passkeys.name')}</label>
        <input
          id="passkey-name"
          value={name}
          maxLength={NAME_MAX}
          autoComplete="off"
          aria-describedby="passkey-name-hint"
          onChange={(e) => {
            setName(e.target.value);
            setSaid(null);
          }}
        />
        <p className="hint" id="passkey-name-hint">
          {t('passkeys.nameHint')}
        </p>
      </div>
      <SaidNote said={said} />
      <div className="button-row">
        <button
          type="submit"
          className="button button-primary"
          disabled={creating || starting.isLoading || saving.isLoading}
        >
          {t('passkeys.create')}
        </button>
        <button type="button" className="button button-ghost" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** One registered passkey, with renaming and removing in place. */
function Passkey({
  passkey,
  ways,
  onSaid,
}: {
  passkey: PasskeyInfo;
  ways: ProofWays;
  onSaid: (said: Said | null) => void;
}) {
  const { t } = useTranslation();
  const now = useNow();
  const [open, setOpen] = useState<'rename' | 'remove' | null>(null);
  const start = (what: 'rename' | 'remove') => {
    onSaid(null);
    setOpen(what);
  };

  return (
    <li className="passkey" data-testid="passkey">
      <div className="passkey-row">
        <div className="device-main">
          <p className="device-name">
            <strong>{passkey.name}</strong>
          </p>
          <p className="meta small">
            {t('passkeys.addedOn', { when: recentTime(passkey.created_at, { now }) })}
            {' · '}
            {passkey.last_used_at
              ? t('passkeys.lastUsed', { when: recentTime(passkey.last_used_at, { now }) })
              : t('passkeys.neverUsed')}
          </p>
        </div>
        {open === null && (
          <div className="passkey-actions">
            <button
              type="button"
              className="button button-ghost button-small"
              aria-label={t('passkeys.renameOne', { name: passkey.name })}
              onClick={() => start('rename')}
            >
              {t('passkeys.rename')}
            </button>
            <button
              type="button"
              className="button button-ghost button-small"
              aria-label={t('passkeys.removeOne', { name: passkey.name })}
              onClick={() => start('remove')}
            >
              {t('passkeys.remove')}
            </button>
          </div>
        )}
      </div>
      {open === 'rename' && (
        <RenamePasskey
          passkey={passkey}
          onDone={(name) => {
            setOpen(null);
            onSaid({ text: t('passkeys.renamed', { name }), tone: 'done' });
          }}
          onCancel={() => setOpen(null)}
        />
      )}
      {open === 'remove' && (
        <RemovePasskey
          passkey={passkey}
          ways={ways}
          onDone={() => onSaid({ text: t('passkeys.removed', { name: passkey.name }), tone: 'done' })}
          onCancel={() => setOpen(null)}
        />
      )}
    </li>
  );
}

function RenamePasskey({
  passkey,
  onDone,
  onCancel,
}: {
  passkey: PasskeyInfo;
  onDone: (name: string) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [rename, renaming] = useRenamePasskeyMutation();
  const [name, setName] = useState(passkey.name);
  const [error, setError] = useState<string | null>(null);
  const id = `passkey-name-${passkey.id}`;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const chosen = name.trim();
    if (!chosen) {
      setError(t('passkeys.nameMissing'));
      return;
    }
    try {
      onDone((await rename({ id: passkey.id, name: chosen }).unwrap()).name);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <form
      className="form inset"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-label={t('passkeys.renameOne', { name: passkey.name })}
    >
      <div className="field">
        <label htmlFor={id}>{t('passkeys.name')}</label>
        <input
          id={id}
          value={name}
          maxLength={NAME_MAX}
          autoComplete="off"
          onChange={(e) => {
            setName(e.target.value);
            setError(null);
          }}
        />
      </div>
      <ErrorNote>{error}</ErrorNote>
      <div className="button-row">
        <button type="submit" className="button button-primary" disabled={renaming.isLoading}>
          {t('passkeys.save')}
        </button>
        <button type="button" className="button button-ghost" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

function RemovePasskey({
  passkey,
  ways,
  onDone,
  onCancel,
}: {
  passkey: PasskeyInfo;
  ways: ProofWays;
  onDone: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [remove, removing] = useRemovePasskeyMutation();
  const proof = useProof(ways);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!proof.filled) {
      setError(t('proof.missing'));
      return;
    }
    setError(null);
    const confirmation = await proof.body();
    if (!confirmation) return;
    try {
      await remove({ id: passkey.id, confirmation }).unwrap();
      onDone();
    } catch (err) {
      // The server's sentence for this code is about unlinking a provider.
      setError(errorCode(err) === 'last_sign_in_method' ? t('passkeys.lastMethod') : errorMessage(err));
    }
  };

  return (
    <form
      className="form inset"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-label={t('passkeys.removeOne', { name: passkey.name })}
    >
      <p className="small">{t('passkeys.removeText', { name: passkey.name })}</p>
      <ProofField proof={proof} onEdit={() => setError(null)} />
      <ErrorNote>{error}</ErrorNote>
      <div className="button-row">
        <button type="submit" className="button button-danger" disabled={removing.isLoading || proof.busy}>
          {t('passkeys.removeConfirm')}
        </button>
        <button type="button" className="button button-ghost" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
