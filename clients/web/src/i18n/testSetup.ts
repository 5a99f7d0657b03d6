// Unit tests run with the app's resources in English, and a key either language lacks throws
// instead of showing itself, so a test that renders or formats it fails.

import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { baseOptions } from './config';

export class MissingTranslation extends Error {}

void i18n.use(initReactI18next).init({
  ...baseOptions,
  lng: 'en',
  saveMissing: true,
  missingKeyHandler: (languages, _namespace, key) => {
    throw new MissingTranslation(`No translation of "${key}" in ${languages.join(', ')}`);
  },
});
