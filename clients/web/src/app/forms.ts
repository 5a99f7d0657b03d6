// What forms check before anything is sent.

import i18n from 'i18next';
import { currentLocale } from '../i18n/config';

/** What a person left empty, in words; `null` when everything needed is there. */
export function missingFields(
  mode: 'signin' | 'signup',
  { name, email, password }: { name: string; email: string; password: string },
): string | null {
  const missing = [
    mode === 'signup' && !name.trim() ? i18n.t('forms.missing.name') : null,
    !email.trim() ? i18n.t('forms.missing.email') : null,
    !password ? i18n.t('forms.missing.password') : null,
  ].filter((m): m is string => m !== null);
  if (missing.length === 0) return null;
  return i18n.t('forms.missing.sentence', { list: new Intl.ListFormat(currentLocale()).format(missing) });
}
