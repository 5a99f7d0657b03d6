// The translations are complete: English and Russian have the same keys (Russian with all four of
// its plural forms), every key the code asks for exists in both, and a missing one throws.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import i18n from 'i18next';
import { describe, expect, it } from 'vitest';
import en from './en.json';
import ru from './ru.json';
import { MissingTranslation } from './testSetup';

type Tree = { [key: string]: string | Tree };

/** Every leaf as a dotted key and its text. */
function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const PLURAL = /_(zero|one|two|few|many|other)$/;
const PLURAL_FORMS = { en: ['one', 'other'], ru: ['one', 'few', 'many', 'other'] };

/** Keys with plural forms folded into their base, and which forms each base has. */
function plurals(keys: Iterable<string>): { plain: Set<string>; forms: Map<string, string[]> } {
  const plain = new Set<string>();
  const forms = new Map<string, string[]>();
  for (const key of keys) {
    const match = PLURAL.exec(key);
    if (!match) {
      plain.add(key);
      continue;
    }
    const base = key.slice(0, match.index);
    forms.set(base, [...(forms.get(base) ?? []), match[1]].sort());
  }
  return { plain, forms };
}

const english = flatten(en);
const russian = flatten(ru);

/** Every file of the app's own source, tests and generated types aside. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sources(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** The literal keys passed to `t(...)` (also `i18n.t`) or `<Trans i18nKey>` anywhere in the app. */
function usedKeys(): Set<string> {
  const keys = new Set<string>();
  for (const file of sources(join(import.meta.dirname, '..'))) {
    for (const match of readFileSync(file, 'utf8').matchAll(/\b(?:t\(\s*|i18nKey=\{?)(['"`])([\w.-]+)\1/g))
      keys.add(match[2]);
  }
  return keys;
}

describe('translations', () => {
  it('have the same keys in English and Russian, with each language’s plural forms', () => {
    const e = plurals(english.keys());
    const r = plurals(russian.keys());
    expect([...r.plain].sort()).toEqual([...e.plain].sort());
    expect([...r.forms.keys()].sort()).toEqual([...e.forms.keys()].sort());
    for (const forms of e.forms.values()) expect(forms).toEqual([...PLURAL_FORMS.en].sort());
    for (const forms of r.forms.values()) expect(forms).toEqual([...PLURAL_FORMS.ru].sort());
  });

  it('leave no text empty and keep the same placeholders', () => {
    const placeholders = (text: string) =>
      [...new Set([...text.matchAll(/\{\{(\w+)(?:,[^}]*)?\}\}/g)].map((m) => m[1]))]
        .filter((p) => p !== 'count')
        .sort();
    const base = (key: string) => key.replace(PLURAL, '');
    const expected = new Map(
      [...english].filter(([key]) => !key.endsWith('_one')).map(([key, text]) => [base(key), placeholders(text)]),
    );
    for (const [key, text] of [...english, ...russian]) {
      expect(text.trim(), key).not.toBe('');
      // `count` may be written out as a word, and a "one" form may say "one person" instead of the
      // number, so a "one" form only must not bring placeholders of its own.
      if (key.endsWith('_one'))
        expect(expected.get(base(key)), key).toEqual(expect.arrayContaining(placeholders(text)));
      else expect(placeholders(text), key).toEqual(expected.get(base(key)));
    }
  });

  it('cover every key the code asks for', () => {
    const exists = (all: Map<string, string>, key: string) => all.has(key) || all.has(`${key}_other`);
    const used = [...usedKeys()];
    expect(used.length).toBeGreaterThan(50);
    expect(used.filter((key) => !exists(english, key))).toEqual([]);
    expect(used.filter((key) => !exists(russian, key))).toEqual([]);
  });

  it('throw on a key that is missing', () => {
    expect(() => i18n.t('no.such.key')).toThrow(MissingTranslation);
  });

  it('choose the Russian plural form by number', () => {
    const ru = i18n.getFixedT('ru');
    expect([1, 2, 5, 21, 22, 111].map((count) => ru('event.going', { count }))).toEqual([
      '1 идёт',
      '2 идут',
      '5 идут',
      '21 идёт',
      '22 идут',
      '111 идут',
    ]);
  });
});
