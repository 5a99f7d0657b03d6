import { configureStore } from '@reduxjs/toolkit';
import i18n from 'i18next';
import type { ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { Provider } from 'react-redux';
import { afterEach, describe, expect, it } from 'vitest';
import authReducer, { signedOut } from '../app/authSlice';
import { opsApi } from '../app/ops';
import type { ExperimentDecision, ModelRegistry, ModelVersion, RunningExperiment } from '../app/types';
import { CanaryExperiment, ExperimentDecisions, ModelRollout, ModelVersions } from './ModelRollout';
import { WeightSets } from './WeightSets';

/** A store of the app's API with the operator's endpoints (the same API, typed with their cache tags). */
function storeOf() {
  return configureStore({
    reducer: { [opsApi.reducerPath]: opsApi.reducer, auth: authReducer },
    preloadedState: { auth: signedOut },
    middleware: (getDefault) => getDefault().concat(opsApi.middleware),
  });
}

/** The text of `children` as the server renders them to HTML, in a store of their own unless given (spaces plain). */
function text(children: ReactNode, store = storeOf()): string {
  return renderToStaticMarkup(<Provider store={store}>{children}</Provider>)
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
}

const running: RunningExperiment = {
  kind: 'recommender',
  experiment: 'recommender-7',
  canary_version: '7',
  control_version: '6',
  share: 0.1,
  started_at: '2026-12-03T09:00:00Z',
  last_look: {
    verdict: 'wait',
    control: { exposures: 9_000, successes: 270 },
    canary: { exposures: 1_000, successes: 40 },
    lift: 1 / 3,
    z: 1.85,
    p_value: 0.032,
    z_needed: 2.81,
    guard_z: -0.4,
    reason: 'not significant yet: z = 1.85, needs ±2.81',
  },
};

const recommenderVersions: ModelVersion[] = [
  {
    kind: 'recommender',
    version: '7',
    trained_at: '2026-12-03T08:00:00Z',
    interactions: 12_345,
    first_served: '2026-12-03T09:00:00Z',
    status: 'rolled_back',
    offline: {},
    online: null,
    online_suggestions: null,
  },
  {
    kind: 'recommender',
    version: '6',
    trained_at: '2026-11-20T08:00:00Z',
    interactions: 9_876,
    first_served: '2026-11-20T09:00:00Z',
    status: 'current',
    offline: {},
    online: {
      model_version: '6',
      impressions: 40_000,
      ctr_at_5: 0.125,
      ctr_at_10: 0.1,
      rsvps: 1_200,
      rsvp_rate: 0.03,
    },
    online_suggestions: null,
  },
];

const LEARNED = 'w0.523-0.180-0.147-0.150';

/** A learned weight set on trial against the hand-set weights. */
const runningWeights: RunningExperiment = {
  kind: 'matcher',
  experiment: `matcher-${LEARNED}`,
  canary_version: LEARNED,
  control_version: 'default',
  share: 0.1,
  started_at: '2026-12-03T09:00:00Z',
  last_look: {
    ...running.last_look!,
    control: { exposures: 9_000, successes: 180 },
    canary: { exposures: 1_000, successes: 25 },
    lift: 0.25,
    reason: "guardrail: the canary's opens per impression are worse (z = -2.10)",
    verdict: 'rollback',
  },
};

const weightSets: ModelVersion[] = [
  {
    kind: 'matcher',
    version: LEARNED,
    trained_at: '2026-12-03T08:00:00Z',
    interactions: 1_234,
    first_served: '2026-12-03T09:00:00Z',
    status: 'canary',
    offline: { loss_hand_set: 0.6521, loss_learned: 0.5984, positives: 300, negatives: 934 },
    online: null,
    online_suggestions: {
      weights_version: LEARNED,
      impressions: 2_000,
      requests: 120,
      accepted: 30,
      acceptance_rate: 0.25,
    },
  },
  {
    kind: 'matcher',
    version: 'default',
    trained_at: '2026-11-01T08:00:00Z',
    interactions: 0,
    first_served: '2026-11-01T08:00:00Z',
    status: 'current',
    offline: {},
    online: null,
    online_suggestions: { weights_version: 'default', impressions: 500, requests: 0, accepted: 0, acceptance_rate: 0 },
  },
];

describe('the canary experiment on the operator’s page', () => {
  afterEach(() => i18n.changeLanguage('en'));

  it('says the look in plain words, with a way to end it now', async () => {
    const page = text(<CanaryExperiment kind="recommender" running={running} token="ops" />);
    expect(page).toContain('Version 7 is served to 10% of people; everyone else gets version 6.');
    expect(page).toContain('Last look: Wait');
    expect(page).toContain('RSVPs RSVPs per 1,000 shown');
    expect(page).toContain('Control 6 9,000 270 30.0');
    expect(page).toContain('Canary 7 1,000 40 40.0');
    expect(page).toContain('The smaller arm is the canary: shown 1,000 times so far.');
    expect(page).toContain('Lift +33.3%');
    expect(page).toContain('1.85 of ±2.81');
    expect(page).toContain('Guardrail z -0.40');
    expect(page).toContain('Reason: Not significant yet: z = 1.85, needs ±2.81.');
    expect(page).toContain('Promote now');
    expect(page).toContain('Roll back now');
    await i18n.changeLanguage('ru');
    const russian = text(<CanaryExperiment kind="recommender" running={running} token="ops" />);
    expect(russian).toContain('Версию 7 получают 10 % людей, остальные — версию 6.');
    expect(russian).toContain('Меньшая группа — канарейка: пока 1 000 показов.');
    expect(russian).toContain('Причина: Пока не значимо: z = 1,85, нужно ±2,81.');
  });

  it('says when none runs, and how one starts, with nothing to promote', () => {
    const page = text(<CanaryExperiment kind="recommender" running={null} token="ops" />);
    expect(page).toContain('No experiment is running.');
    expect(page).toContain('MINGLE_CANARY_SHARE');
    expect(page).not.toContain('Promote now');
    const weights = text(<CanaryExperiment kind="matcher" running={null} token="ops" />);
    expect(weights).toContain('Canary experiment: “People to meet” No experiment is running.');
    expect(weights).toContain('each newly learned weight set first ranks the suggestions of that share of people');
    expect(weights).not.toContain('Promote now');
  });

  it('says a weight set’s look in accepted meetings, against the hand-set weights', async () => {
    const page = text(<CanaryExperiment kind="matcher" running={runningWeights} token="ops" />);
    expect(page).toContain(
      `Weight set ${LEARNED} ranks the people suggested to 10% of people; everyone else gets the hand-set weights.`,
    );
    expect(page).toContain('Last look: Roll back');
    expect(page).toContain('Accepted meetings Accepted meetings per 1,000 shown');
    expect(page).toContain('Control hand-set 9,000 180 20.0');
    expect(page).toContain(`Canary ${LEARNED} 1,000 25 25.0`);
    expect(page).not.toContain('RSVP');
    expect(page).toContain(
      'Reason: Guardrail: the people the canary suggests are asked to meet or written to less often per impression (z = -2.10).',
    );
    expect(page).toContain("Lift: the canary's accepted meetings per suggestion shown over the control's.");
    expect(page).toContain('Promote now');
    await i18n.changeLanguage('ru');
    const russian = text(<CanaryExperiment kind="matcher" running={runningWeights} token="ops" />);
    expect(russian).toContain(`Набор весов ${LEARNED} подбирает знакомства для 10 % людей, остальным — ручные веса.`);
    expect(russian).toContain('Контроль ручные 9 000 180 20,0');
    expect(russian).toContain('Принятых встреч на 1000 показов');
  });

  it('names the weight set everyone else gets where it is a learned one', () => {
    const page = text(
      <CanaryExperiment
        kind="matcher"
        running={{ ...runningWeights, control_version: 'w0.500-0.200-0.150-0.150', last_look: null }}
        token="ops"
      />,
    );
    expect(page).toContain(
      `Weight set ${LEARNED} ranks the people suggested to 10% of people; everyone else gets weight set w0.500-0.200-0.150-0.150.`,
    );
    expect(page).toContain('Not looked at yet');
  });
});

describe('the registry and the decisions', () => {
  afterEach(() => i18n.changeLanguage('en'));

  it('list each version with its status and numbers, and each decision with its reason', () => {
    const versions = recommenderVersions;
    const table = text(<ModelVersions versions={versions} />);
    expect(table).toMatch(/7 Rolled back .+ 12,345 none none none/);
    expect(table).toMatch(/6 Current .+ 9,876 40,000 12\.5% 3%/);

    const decisions: ExperimentDecision[] = [
      {
        experiment: 'recommender-7',
        kind: 'recommender',
        canary_version: '7',
        control_version: '6',
        verdict: 'rollback',
        forced: true,
        numbers: {
          ...running.last_look!,
          verdict: 'rollback',
          reason: 'forced by an operator (not significant yet: z = 1.85, needs ±2.81)',
        },
        decided_at: '2026-12-04T10:00:00Z',
      },
    ];
    const list = text(<ExperimentDecisions decisions={decisions} />);
    expect(list).toContain('Recommended events Rolled back by an operator');
    expect(list).toContain('Version 7 against version 6');
    expect(list).toContain('Decided by an operator. Not significant yet: z = 1.85, needs ±2.81.');
    expect(text(<ExperimentDecisions decisions={[]} />)).toContain('No experiment has ended yet.');
  });
});

describe('the weight sets', () => {
  afterEach(() => i18n.changeLanguage('en'));

  it('list each set with its loss before and after learning and how its suggestions did', async () => {
    const table = text(<WeightSets versions={weightSets} />);
    expect(table).toMatch(new RegExp(`${LEARNED} Canary .+ 1,234 0\\.652 → 0\\.598 2,000 120 30 25%`));
    // The hand-set weights learned nothing, and with no meeting asked there is no rate yet.
    expect(table).toMatch(/hand-set Current .+ 0 none 500 0 0 none/);
    expect(table).toContain('0.693 is a coin toss');
    await i18n.changeLanguage('ru');
    const russian = text(<WeightSets versions={weightSets} />);
    expect(russian).toMatch(new RegExp(`${LEARNED} Канарейка .+ 1 234 0,652 → 0,598 2 000 120 30 25 %`));
    expect(russian).toMatch(/ручные Основная .+ 0 нет 500 0 0 нет/);
    expect(text(<WeightSets versions={[]} />)).toContain('В реестре ещё нет ни одного набора весов.');
  });

  it('say which kind each decision was about', () => {
    const decision: ExperimentDecision = {
      experiment: `matcher-${LEARNED}`,
      kind: 'matcher',
      canary_version: LEARNED,
      control_version: 'default',
      verdict: 'promote',
      forced: false,
      numbers: { ...runningWeights.last_look!, verdict: 'promote', reason: 'better: z = 3.10 ≥ 2.81, lift +25.0%' },
      decided_at: '2026-12-04T10:00:00Z',
    };
    const list = text(<ExperimentDecisions decisions={[decision]} />);
    expect(list).toContain('People to meet Promoted by the numbers');
    expect(list).toContain(`Weight set ${LEARNED} against the hand-set weights`);
    expect(list).toContain('Better: z = 3.10 ≥ 2.81, lift +25%.');
  });
});

describe('the models section', () => {
  it('gives each kind its own experiment, and each its own table of versions', async () => {
    const store = storeOf();
    const registry: ModelRegistry = {
      versions: [...recommenderVersions, ...weightSets],
      running: [runningWeights],
      decisions: [],
    };
    await store.dispatch(opsApi.util.upsertQueryData('modelRegistry', { token: 'ops' }, registry));
    const page = text(<ModelRollout token="ops" />, store);
    // The recommender runs none; the weight sets' panel has theirs.
    expect(page).toMatch(/Canary experiment: recommended events No experiment is running\./);
    expect(page).toContain(`Canary experiment: “People to meet” Weight set ${LEARNED} ranks the people suggested`);
    expect(page).toMatch(/Recommender models .* 7 Rolled back .* 6 Current /);
    expect(page).not.toMatch(/Recommender models .* hand-set .* “People to meet” weight sets/);
    expect(page).toMatch(new RegExp(`“People to meet” weight sets .* ${LEARNED} Canary .* hand-set Current`));
  });
});
