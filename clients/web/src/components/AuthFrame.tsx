// The frame of the screens before a session: signing in and up, the second factor, and a
// forgotten password. The app's promise on one side, the form in a card with the language switch
// on the other (stacked on a phone).

import { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from './LanguageSwitch';

export function AuthFrame({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
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
        {children}
      </section>
    </main>
  );
}
