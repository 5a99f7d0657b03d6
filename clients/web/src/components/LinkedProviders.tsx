// Other ways to sign in, on the security page: each identity provider the server offers, linked to
// the account (with the address it gave and when it last signed in here) or not. Linking leaves
// for the provider and comes back here with `?linked={id}` or `?link_error={code}`; unlinking the
// only way to sign in is refused by the server, and the page says what to do instead.

import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router-dom';
import { errorMessage, useLinkProviderMutation, useProvidersQuery, useUnlinkProviderMutation } from '../app/api';
import type { Schemas } from '../app/types';
import { providerErrorSentence } from '../i18n/serverText';
import { recentTime } from './format';
import { ErrorNote } from './ui';
import { useNow } from './useNow';

type Identity = Schemas['LinkedIdentity'];

/** What the way back from a provider said, from the address. */
function linkReturn(search: string) {
  const query = new URLSearchParams(search);
  return { linked: query.get('linked'), error: query.get('link_error') };
}

export function LinkedProviders({ identities }: { identities: Identity[] }) {
  const { t } = useTranslation();
  const location = useLocation();
  const navigate = useNavigate();
  const providers = useProvidersQuery();
  const [link, linking] = useLinkProviderMutation();
  const [unlink, unlinking] = useUnlinkProviderMutation();
  const [returned] = useState(() => linkReturn(location.search));
  const [said, setSaid] = useState<{ done: 'linked' | 'unlinked'; provider: string } | null>(
    returned.linked ? { done: 'linked', provider: returned.linked } : null,
  );
  const [error, setError] = useState<string | null>(
    returned.error ? providerErrorSentence(returned.error, 'link') : null,
  );
  // What the provider's way back said leaves the address: a reload does not say it again.
  useEffect(() => {
    const { linked, error: failed } = linkReturn(location.search);
    if (linked || failed) void navigate(location.pathname, { replace: true, state: location.state as unknown });
  }, [location, navigate]);

  if (providers.isLoading) return null;
  const offered = providers.data?.items ?? [];
  const byProvider = new Map(identities.map((identity) => [identity.provider, identity]));
  // The providers on offer, then any linked one the server no longer offers (it can be unlinked).
  const rows = [
    ...offered.map((p) => ({ id: p.id, name: p.name, identity: byProvider.get(p.id) ?? null })),
    ...identities
      .filter((identity) => !offered.some((p) => p.id === identity.provider))
      .map((identity) => ({ id: identity.provider, name: identity.provider_name, identity })),
  ];
  if (rows.length === 0) return null;
  const nameOf = (id: string) => rows.find((row) => row.id === id)?.name ?? id;

  const startLink = async (provider: string) => {
    setError(null);
    setSaid(null);
    try {
      const { url } = await link(provider).unwrap();
      window.location.assign(url);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const remove = async (provider: string) => {
    setError(null);
    setSaid(null);
    try {
      await unlink(provider).unwrap();
      setSaid({ done: 'unlinked', provider });
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <section className="card" aria-labelledby="providers-heading" data-testid="linked-providers">
      <h2 id="providers-heading" className="section-title">
        {t('providers.title')}
      </h2>
      <p className="hint">{t('providers.hint')}</p>
      <ul className="devices">
        {rows.map(({ id, name, identity }) => (
          <li key={id} className="device identity" data-testid="identity">
            <div className="device-main">
              <p className="device-name">
                <strong>{name}</strong>
                <span className={`status ${identity ? 'status-going' : 'status-declined'}`}>
                  {identity ? t('providers.statusLinked') : t('providers.notLinked')}
                </span>
              </p>
              {identity && <IdentityMeta identity={identity} />}
            </div>
            {identity ? (
              <button
                type="button"
                className="button button-ghost button-small"
                disabled={unlinking.isLoading}
                aria-label={t('providers.unlinkOne', { name })}
                onClick={() => void remove(id)}
              >
                {t('providers.unlink')}
              </button>
            ) : (
              <button
                type="button"
                className="button button-secondary button-small"
                disabled={linking.isLoading}
                aria-label={t('providers.linkOne', { name })}
                onClick={() => void startLink(id)}
              >
                {t('providers.link')}
              </button>
            )}
          </li>
        ))}
      </ul>
      <ErrorNote>{error}</ErrorNote>
      <p role="status" className="saved">
        {said?.done === 'linked' && t('providers.linked', { name: nameOf(said.provider) })}
        {said?.done === 'unlinked' && t('providers.unlinked', { name: nameOf(said.provider) })}
      </p>
    </section>
  );
}

/** The address the provider gave, and when it last signed in here. */
function IdentityMeta({ identity }: { identity: Identity }) {
  const { t } = useTranslation();
  const now = useNow();
  return (
    <p className="meta small">
      {identity.email && (
        <>
          <span className="setting-email">{identity.email}</span>
          {' · '}
        </>
      )}
      {t('providers.lastUsed', { when: recentTime(identity.last_used_at, { now }) })}
    </p>
  );
}
