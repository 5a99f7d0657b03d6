// The registry's words on the operator's page as coloured badges: a look's verdict, a version's
// status and how an experiment ended. A word the server sends that the page does not know yet is
// shown as it came, in grey, rather than hidden.

import i18n from 'i18next';

/** A badge's words and colour (a `status-*` class), for the values the server is known to send. */
type Badge = { label: () => string; tone: string };

/** The badge for `value`: its words in the active language, or the value itself in grey. */
export function badge(known: Record<string, Badge>, value: string): { label: string; tone: string } {
  return Object.hasOwn(known, value)
    ? { label: known[value].label(), tone: known[value].tone }
    : { label: value, tone: 'status-declined' };
}

/** The look's verdicts, as badges. */
export const VERDICTS: Record<string, Badge> = {
  promote: { label: () => i18n.t('operator.verdict.promote'), tone: 'status-promote' },
  wait: { label: () => i18n.t('operator.verdict.wait'), tone: 'status-wait' },
  rollback: { label: () => i18n.t('operator.verdict.rollback'), tone: 'status-rollback' },
};

/** A version's status in the registry, as a badge. */
export const STATUSES: Record<string, Badge> = {
  canary: { label: () => i18n.t('operator.modelStatus.canary'), tone: 'status-canary' },
  current: { label: () => i18n.t('operator.modelStatus.current'), tone: 'status-current' },
  retired: { label: () => i18n.t('operator.modelStatus.retired'), tone: 'status-retired' },
  rolled_back: { label: () => i18n.t('operator.modelStatus.rolled_back'), tone: 'status-rolled-back' },
};

/** How an experiment ended, as a badge. */
export const DECIDED: Record<string, Badge> = {
  promote: { label: () => i18n.t('operator.decided.promote'), tone: 'status-promote' },
  rollback: { label: () => i18n.t('operator.decided.rollback'), tone: 'status-rollback' },
};
