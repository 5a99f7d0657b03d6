// The app's languages and the one i18next setup both the browser and the unit tests start from:
// English and Russian resources with one key set, English where a key is missing, and no escaping
// of interpolated values, since React escapes everything it renders.

import i18n, { type InitOptions } from 'i18next';
import en from './en.json';
import ru from './ru.json';

/** The languages the app is written in, English first: the fallback and the e2e tests' default. */
export const LANGUAGES = ['en', 'ru'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Where a language chosen in the app is remembered; without one, the browser's languages decide. */
export const LANGUAGE_KEY = 'mingle.language';

export const resources = { en: { translation: en }, ru: { translation: ru } } as const;

export const baseOptions: InitOptions = {
  resources,
  supportedLngs: [...LANGUAGES],
  load: 'languageOnly',
  fallbackLng: 'en',
  initAsync: false,
  interpolation: { escapeValue: false },
};

/** The language the app shows now. */
export function currentLanguage(): Language {
  const lng = i18n.resolvedLanguage ?? i18n.language;
  return LANGUAGES.find((l) => l === lng) ?? 'en';
}

/**
 * The locale dates and numbers are written in: the browser's own regional variant of the app's
 * language when it has one ("en-GB" keeps day-first dates), otherwise the language itself.
 */
export function currentLocale(): string {
  const language = currentLanguage();
  const preferred = typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]);
  return preferred.find((tag) => tag?.toLowerCase().split('-')[0] === language) ?? language;
}
