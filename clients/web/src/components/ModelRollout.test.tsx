import { configureStore } from '@reduxjs/toolkit';
import i18n from 'i18next';
import type { ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { Provider } from 'react-redux';
import { afterEach, describe, expect, it } from 'vitest';
import { api } from '../app/api';
import authReducer, { signedOut } from '../app/authSlice';
import type { ExperimentDecision, ModelVersion, RunningExperiment } from '../app/types';
import { CanaryExperiment, ExperimentDecisions, ModelVersions } from './ModelRollout';

/** The text of `children` as the server renders them to HTML, in a store of their own (spaces plain). */
function text(children: ReactNode): string {
  const store = configureStore({
    reducer: { [api.reducerPath]: api.reducer, auth: authReducer },
    preloadedState: { auth: signedOut },
    middleware: (getDefault) => getDefault().concat(api.middleware),
  });
  return renderToStaticMarkup(<Provider store={store}>{children}</Provider>)
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

const running: RunningExperiment = {
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

describe('the canary experiment on the operator’s page', () => {
  afterEach(() => i18n.changeLanguage('en'));

  it('says the look in plain words, with a way to end it now', async () => {
    const page = text(<CanaryExperiment running={running} token="ops" />);
    expect(page).toContain('Version 7 is served to 10% of people; everyone else gets version 6.');
    expect(page).toContain('Last look: Wait');
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
    const russian = text(<CanaryExperiment running={running} token="ops" />);
    expect(russian).toContain('Версию 7 получают 10 % людей, остальные — версию 6.');
    expect(russian).toContain('Меньшая группа — канарейка: пока 1 000 показов.');
    expect(russian).toContain('Причина: Пока не значимо: z = 1,85, нужно ±2,81.');
  });

  it('says when none runs, and how one starts, with nothing to promote', () => {
    const page = text(<CanaryExperiment running={null} token="ops" />);
    expect(page).toContain('No experiment is running.');
    expect(page).toContain('MINGLE_CANARY_SHARE');
    expect(page).not.toContain('Promote now');
  });
});

describe('the registry and the decisions', () => {
  afterEach(() => i18n.changeLanguage('en'));

  it('list each version with its status and numbers, and each decision with its reason', () => {
    const versions: ModelVersion[] = [
      {
        kind: 'recommender',
        version: '7',
        trained_at: '2026-12-03T08:00:00Z',
        interactions: 12_345,
        first_served: '2026-12-03T09:00:00Z',
        status: 'rolled_back',
        online: null,
      },
      {
        kind: 'recommender',
        version: '6',
        trained_at: '2026-11-20T08:00:00Z',
        interactions: 9_876,
        first_served: '2026-11-20T09:00:00Z',
        status: 'current',
        online: {
          model_version: '6',
          impressions: 40_000,
          ctr_at_5: 0.125,
          ctr_at_10: 0.1,
          rsvps: 1_200,
          rsvp_rate: 0.03,
        },
      },
    ];
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
    expect(list).toContain('Rolled back by an operator');
    expect(list).toContain('Version 7 against version 6');
    expect(list).toContain('Decided by an operator. Not significant yet: z = 1.85, needs ±2.81.');
    expect(text(<ExperimentDecisions decisions={[]} />)).toContain('No experiment has ended yet.');
  });
});
