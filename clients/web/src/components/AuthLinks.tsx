// What a signed-out visitor is offered where a signed-in person sees their own things: sign up or
// sign in, then come back to the very page they were on (the auth screen follows `from`).

import { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router-dom';

/** A link to the sign-up or sign-in screen that returns to the current page afterwards. */
export function AuthLink({
  mode,
  className,
  children,
}: {
  mode: 'signup' | 'signin';
  className?: string;
  children: ReactNode;
}) {
  const location = useLocation();
  return (
    <Link
      to={mode === 'signup' ? '/signup' : '/signin'}
      state={{ from: `${location.pathname}${location.search}` }}
      className={className}
    >
      {children}
    </Link>
  );
}

/** Why an account helps here, with the two ways in. */
export function SignUpInvitation({ children, signUp }: { children: ReactNode; signUp?: string }) {
  const { t } = useTranslation();
  return (
    <div className="invitation">
      <p>{children}</p>
      <div className="button-row">
        <AuthLink mode="signup" className="button button-primary">
          {signUp ?? t('nav.signUp')}
        </AuthLink>
        <AuthLink mode="signin" className="button button-secondary">
          {t('nav.signIn')}
        </AuthLink>
      </div>
    </div>
  );
}
