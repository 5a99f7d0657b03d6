// What the operator's page says differently about the two kinds of model rolled out by canary
// experiment. The recommender's versions are numbered models that pick events for someone, tried
// on RSVPs per recommendation shown; the matcher's are weight sets that rank "People to meet",
// tried on accepted meetings per suggestion shown, and named by their four weights ("default"
// being the hand-set one).

import i18n from 'i18next';
import { MODEL_KINDS, type ModelKind } from '../app/ops';
import { shortVersion } from './charts';

/** Words to fill into a sentence: versions, a share, a time. */
type Vars = Record<string, string>;

/** The sentences and headings of one kind's experiment, where the kinds differ. */
type KindWords = {
  /** The kind, where one list holds both (the decisions). */
  name: () => string;
  experiment: () => string;
  /** The canary against the version everyone else gets (`canary`, `control`, `share`, `since`). */
  running: (vars: Vars) => string;
  /** The canary against the kind's baseline, which is no version (`canary`, `share`, `since`). */
  againstBaseline: (vars: Vars) => string;
  noExperimentNote: () => string;
  /** What an arm's successes are, and their rate. */
  successes: () => string;
  perThousand: () => string;
  lookNote: () => string;
  promoteQuestion: (vars: Vars) => string;
  rollbackQuestion: (vars: Vars) => string;
  promoted: (vars: Vars) => string;
  rolledBack: (vars: Vars) => string;
  decisionVersions: (vars: Vars) => string;
  decisionAgainstBaseline: (vars: Vars) => string;
};

export const KIND_WORDS: Record<ModelKind, KindWords> = {
  recommender: {
    name: () => i18n.t('operator.kind.recommender'),
    experiment: () => i18n.t('operator.experiment'),
    running: (vars) => i18n.t('operator.experimentRunning', vars),
    againstBaseline: (vars) => i18n.t('operator.experimentAgainstContent', vars),
    noExperimentNote: () => i18n.t('operator.noExperimentNote'),
    successes: () => i18n.t('operator.rsvps'),
    perThousand: () => i18n.t('operator.perThousand'),
    lookNote: () => i18n.t('operator.lookNote'),
    promoteQuestion: (vars) => i18n.t('operator.promoteQuestion', vars),
    rollbackQuestion: (vars) => i18n.t('operator.rollbackQuestion', vars),
    promoted: (vars) => i18n.t('operator.promoted', vars),
    rolledBack: (vars) => i18n.t('operator.rolledBack', vars),
    decisionVersions: (vars) => i18n.t('operator.decisionVersions', vars),
    decisionAgainstBaseline: (vars) => i18n.t('operator.decisionAgainstContent', vars),
  },
  matcher: {
    name: () => i18n.t('operator.kind.matcher'),
    experiment: () => i18n.t('operator.weightSets.experiment'),
    running: (vars) => i18n.t('operator.weightSets.running', vars),
    againstBaseline: (vars) => i18n.t('operator.weightSets.againstHandSet', vars),
    noExperimentNote: () => i18n.t('operator.weightSets.noExperimentNote'),
    successes: () => i18n.t('operator.weightSets.successes'),
    perThousand: () => i18n.t('operator.weightSets.perThousand'),
    lookNote: () => i18n.t('operator.weightSets.lookNote'),
    promoteQuestion: (vars) => i18n.t('operator.weightSets.promoteQuestion', vars),
    rollbackQuestion: (vars) => i18n.t('operator.weightSets.rollbackQuestion', vars),
    promoted: (vars) => i18n.t('operator.weightSets.promoted', vars),
    rolledBack: (vars) => i18n.t('operator.weightSets.rolledBack', vars),
    decisionVersions: (vars) => i18n.t('operator.weightSets.decisionVersions', vars),
    decisionAgainstBaseline: (vars) => i18n.t('operator.weightSets.decisionAgainstHandSet', vars),
  },
};

export function isModelKind(kind: string): kind is ModelKind {
  return (MODEL_KINDS as readonly string[]).includes(kind);
}

/**
 * A kind's words; a kind this page does not know yet (in a decision from a newer server) is said
 * as the recommender's are, which name only versions.
 */
export function wordsOf(kind: string): KindWords {
  return KIND_WORDS[isModelKind(kind) ? kind : 'recommender'];
}

/** A kind's name; one this page does not know yet is shown as it came. */
export function kindName(kind: string): string {
  return isModelKind(kind) ? KIND_WORDS[kind].name() : kind;
}

/**
 * What a kind's control arm serves where the experiment names no control version: the recommender
 * ranks by content alone (which the dashboards call "content"), the matcher by its hand-set weights.
 */
export const BASELINE: Record<ModelKind, string> = { recommender: 'content', matcher: 'default' };

/**
 * The version a canary was tried against, or null where that was the kind's baseline (no version,
 * or the hand-set weights, which the sentences name in words of their own).
 */
export function controlVersion(kind: string, control: string | null | undefined): string | null {
  return !control || (kind === 'matcher' && control === BASELINE.matcher) ? null : control;
}

/**
 * A version as the page names it. A recommender's fingerprint is cut short; a weight set's name is
 * its four weights and is kept whole, since sets learned one after another start alike; the
 * hand-set weights are called that.
 */
export function versionName(kind: string, version: string): string {
  if (kind !== 'matcher') return shortVersion(version);
  return version === BASELINE.matcher ? i18n.t('operator.weightSets.handSet') : version;
}
