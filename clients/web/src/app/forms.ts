// What forms check before anything is sent, and the problems the server found, shown next to
// the fields they are about.

import { useState } from 'react';
import i18n from 'i18next';
import { currentLocale } from '../i18n/config';
import { errorMessage, fieldErrors } from './api';

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

/** The id of the sentence saying what is wrong with `field`, for `aria-describedby`. */
export const problemId = (field: string) => `problem-${field.replace(/\W/g, '-')}`;

/**
 * A form's problems: `fail` takes a failed request, keeps its field problems for the fields to show
 * (`field`) and answers the sentence for the form as a whole; editing a field (`edited`) clears its
 * problem, so nothing old stays on screen.
 */
export function useFieldProblems() {
  const [problems, setProblems] = useState<Record<string, string>>({});
  return {
    problems,
    /**
     * The sentence for the form: a pointer to the fields `shown` next to them, the problems of any
     * other field, or the error itself.
     */
    fail(error: unknown, shown: string[]): string {
      const found = fieldErrors(error);
      if (Object.keys(found).length === 0) {
        setProblems({});
        return errorMessage(error);
      }
      const here = Object.entries(found).filter(([field]) => shown.includes(field));
      const elsewhere = Object.entries(found).filter(([field]) => !shown.includes(field));
      setProblems(Object.fromEntries(here));
      return [here.length > 0 ? i18n.t('forms.fixFields') : null, ...elsewhere.map(([, sentence]) => sentence)]
        .filter(Boolean)
        .join(' ');
    },
    reset: () => setProblems({}),
    edited(...fields: string[]) {
      if (fields.some((f) => f in problems)) {
        setProblems((current) => Object.fromEntries(Object.entries(current).filter(([f]) => !fields.includes(f))));
      }
    },
    /** Accessibility attributes of the input for `field` (with its own hint id, if any). */
    field(field: string, hint?: string) {
      const problem = problems[field];
      const describedBy = [hint, problem ? problemId(field) : undefined].filter(Boolean).join(' ');
      return { 'aria-invalid': problem ? true : undefined, 'aria-describedby': describedBy || undefined };
    },
  };
}

/** What `useFieldProblems` answers, for components that show a field. */
export type FieldProblems = ReturnType<typeof useFieldProblems>;
