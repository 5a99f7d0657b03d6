// "Continue with ..." under the password form of the sign-in and sign-up screens, one button per
// identity provider the server offers (none, and nothing shows). See app/providers.ts for the
// way there and back.

import { useTranslation } from 'react-i18next';
import { useProvidersQuery } from '../app/api';
import { startProviderSignIn } from '../app/providers';

/**
 * `returnTo`: the page to come back to once signed in (the one that asked for it); `divider`: the
 * "or" above the buttons, left out when another way to sign in (a passkey) already has one.
 */
export function ProviderButtons({ returnTo, divider = true }: { returnTo?: string | null; divider?: boolean }) {
  const { t } = useTranslation();
  const { data } = useProvidersQuery();
  const providers = data?.items ?? [];
  if (providers.length === 0) return null;
  return (
    <div className="providers" data-testid="providers">
      {divider && (
        <p className="or-divider">
          <span>{t('auth.or')}</span>
        </p>
      )}
      {providers.map((provider) => (
        <button
          key={provider.id}
          type="button"
          className="button button-ghost button-wide provider-button"
          onClick={() => startProviderSignIn(provider.id, returnTo)}
        >
          {t('auth.continueWith', { name: provider.name })}
        </button>
      ))}
    </div>
  );
}
