// The app's language, chosen by the person: applied at once and remembered in this browser. Each
// language is named in itself, so someone who cannot read the current one still finds their own.

import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { currentLanguage, LANGUAGES, type Language } from '../i18n/config';
import { chooseLanguage } from '../i18n';

export function LanguageSwitch({ compact = false }: { compact?: boolean }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const names: Record<Language, string> = { en: t('language.name.en'), ru: t('language.name.ru') };
  return (
    <div className={compact ? 'language-switch language-switch-compact' : 'field language-switch'}>
      <label htmlFor={id} className={compact ? 'visually-hidden' : undefined}>
        {t('language.label')}
      </label>
      <select
        id={id}
        value={i18n.resolvedLanguage ?? currentLanguage()}
        onChange={(e) => chooseLanguage(e.target.value as Language)}
        data-testid="language"
      >
        {LANGUAGES.map((lng) => (
          <option key={lng} value={lng} lang={lng}>
            {names[lng]}
          </option>
        ))}
      </select>
    </div>
  );
}
