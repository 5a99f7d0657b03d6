// Starts i18next in the browser: the language remembered from the switch in the profile or on the
// sign-in screen, otherwise the first of the browser's languages the app is written in, otherwise
// English. `<html lang>` follows every change.

import i18n from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';
import { baseOptions, LANGUAGE_KEY, type Language } from './config';

function followDocument() {
  document.documentElement.lang = i18n.resolvedLanguage ?? 'en';
}

i18n.on('languageChanged', followDocument);

void i18n
  .use(LanguageDetector)
  .use(initReactI18next)
  .init({
    ...baseOptions,
    // Only an explicit choice is stored (see `chooseLanguage`), so a visitor who never chose keeps
    // following the browser.
    detection: { order: ['localStorage', 'navigator'], lookupLocalStorage: LANGUAGE_KEY, caches: [] },
  });

followDocument();

/** Switches the app to `lng` at once and remembers the choice in this browser. */
export function chooseLanguage(lng: Language): void {
  try {
    localStorage.setItem(LANGUAGE_KEY, lng);
  } catch {
    // Private mode or a full quota: the choice lasts until the tab closes.
  }
  void i18n.changeLanguage(lng);
}
