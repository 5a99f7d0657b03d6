// The models on the operator's page (`GET /ops/models`): for the recommender and for the
// matcher's weight sets, the canary experiment running, with its newest look in plain words and a
// way to end it now; every version in the registry with its status and how it did with people;
// and how the last experiments ended.

import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../app/api';
import {
  type ForcedVerdict,
  MODEL_KINDS,
  type ModelKind,
  useForceDecisionMutation,
  useModelRegistryQuery,
} from '../app/ops';
import type { ExperimentDecision, ExperimentLook, ModelVersion, RunningExperiment } from '../app/types';
import { lookReasonText } from '../i18n/serverText';
import { type ArmName, evidence, exposureShares, perThousand, smallerArm } from './experiment';
import { eventTime, formatChange, formatCount, formatPercent, formatStatistic, recentTime } from './format';
import { DECIDED, STATUSES, VERDICTS, badge } from './modelBadges';
import { BASELINE, KIND_WORDS, controlVersion, kindName, versionName, wordsOf } from './modelKinds';
import { Panel, ScrollingTable } from './OpsPanel';
import { Bar, ConfirmInPlace, Empty, ErrorNote, Spinner } from './ui';
import { WeightSets } from './WeightSets';

/** How often the registry is read again while the page is open: the server looks every minute. */
const REFRESH_MS = 60_000;

/** Decisions listed at most; the server keeps more. */
const DECISIONS_SHOWN = 10;

/** The models section: what the registry holds, read with the operator token. */
export function ModelRollout({ token }: { token: string }) {
  const { t } = useTranslation();
  const registry = useModelRegistryQuery({ token }, { pollingInterval: REFRESH_MS, skipPollingIfUnfocused: true });
  const data = registry.data;
  return (
    <section className="ops-section" aria-labelledby="ops-models-heading" data-testid="ops-models">
      <h2 id="ops-models-heading" className="ops-section-title">
        {t('operator.models')}
      </h2>
      <p className="meta">{t('operator.modelsIntro')}</p>
      {registry.isLoading && <Spinner />}
      {registry.error && <ErrorNote>{errorMessage(registry.error)}</ErrorNote>}
      {data && (
        <div className="ops-grid">
          {MODEL_KINDS.map((kind) => (
            <CanaryExperiment
              key={kind}
              kind={kind}
              running={data.running.find((r) => r.kind === kind) ?? null}
              token={token}
            />
          ))}
          <ExperimentDecisions decisions={data.decisions} />
          <ModelVersions versions={data.versions.filter((v) => v.kind === 'recommender')} />
          <WeightSets versions={data.versions.filter((v) => v.kind === 'matcher')} />
        </div>
      )}
    </section>
  );
}

/**
 * The experiment of `kind` running, or a word on how one starts; "Promote now" and "Roll back now"
 * end it early, each asked again in place first.
 */
export function CanaryExperiment({
  kind,
  running,
  token,
}: {
  kind: ModelKind;
  running: RunningExperiment | null;
  token: string;
}) {
  const { t } = useTranslation();
  const words = KIND_WORDS[kind];
  const [asking, setAsking] = useState<ForcedVerdict | null>(null);
  const [force, forcing] = useForceDecisionMutation();
  const done = useRef<HTMLParagraphElement>(null);
  // The buttons that asked may be gone once the experiment has ended: the outcome takes focus.
  useEffect(() => {
    if (forcing.data) done.current?.focus();
  }, [forcing.data]);

  const decide = (verdict: ForcedVerdict) => {
    setAsking(null);
    // The outcome, or why the server refused, is said under the buttons (`forcing`).
    void force({ token, kind, verdict });
  };
  const canary = running ? versionName(kind, running.canary_version) : '';
  return (
    <Panel id={`ops-experiment-${kind}`} title={words.experiment()} level={3}>
      {running ? (
        <>
          <ExperimentSummary kind={kind} running={running} />
          {running.last_look ? (
            <LastLook kind={kind} look={running.last_look} running={running} />
          ) : (
            <Empty>{t('operator.notLookedYet')}</Empty>
          )}
          <div className="button-row">
            <button type="button" className="button button-secondary" onClick={() => setAsking('promote')}>
              {t('operator.promoteNow')}
            </button>
            <button type="button" className="button button-secondary" onClick={() => setAsking('rollback')}>
              {t('operator.rollbackNow')}
            </button>
          </div>
          {asking && (
            <ConfirmInPlace
              key={asking}
              question={(asking === 'promote' ? words.promoteQuestion : words.rollbackQuestion)({ version: canary })}
              confirmLabel={t(asking === 'promote' ? 'operator.promoteConfirm' : 'operator.rollbackConfirm')}
              tone={asking === 'promote' ? 'accent' : 'danger'}
              busy={forcing.isLoading}
              onConfirm={() => decide(asking)}
              onCancel={() => setAsking(null)}
            />
          )}
        </>
      ) : (
        <>
          <Empty>{t('operator.noExperiment')}</Empty>
          <p className="hint">{words.noExperimentNote()}</p>
        </>
      )}
      {forcing.isLoading && <Spinner />}
      {forcing.error && <ErrorNote>{errorMessage(forcing.error)}</ErrorNote>}
      {forcing.data && !forcing.isLoading && (
        <p className="ops-done" role="status" tabIndex={-1} ref={done}>
          {(forcing.data.verdict === 'promote' ? words.promoted : words.rolledBack)({
            version: versionName(kind, forcing.data.canary_version),
          })}
        </p>
      )}
    </Panel>
  );
}

/** Which version a share of people gets, against what everyone else gets, since when. */
function ExperimentSummary({ kind, running }: { kind: ModelKind; running: RunningExperiment }) {
  const words = KIND_WORDS[kind];
  const control = controlVersion(kind, running.control_version);
  const vars = {
    canary: versionName(kind, running.canary_version),
    share: formatPercent(running.share, 1),
    since: eventTime(running.started_at),
  };
  return (
    <p>{control ? words.running({ ...vars, control: versionName(kind, control) }) : words.againstBaseline(vars)}</p>
  );
}

/**
 * The newest look: both arms' numbers, the test's, and why the loop decided what it did. The arms'
 * successes are the kind's primary metric: RSVPs, or accepted meetings.
 */
function LastLook({ kind, look, running }: { kind: ModelKind; look: ExperimentLook; running: RunningExperiment }) {
  const { t } = useTranslation();
  const words = KIND_WORDS[kind];
  const verdict = badge(VERDICTS, look.verdict);
  const shares = exposureShares(look);
  const smaller = smallerArm(look);
  const arms: { arm: ArmName; name: string; version: string }[] = [
    { arm: 'control', name: t('operator.armControl'), version: running.control_version ?? BASELINE[kind] },
    { arm: 'canary', name: t('operator.armCanary'), version: running.canary_version },
  ];
  return (
    <>
      <p>
        {t('operator.lastLook')} <span className={`status ${verdict.tone}`}>{verdict.label}</span>
      </p>
      <ScrollingTable label={t('operator.arms')}>
        <thead>
          <tr>
            <th scope="col">{t('operator.arm')}</th>
            <th scope="col">{t('operator.modelVersion')}</th>
            <th scope="col">{t('operator.impressions')}</th>
            <th scope="col">{words.successes()}</th>
            <th scope="col" className="ops-long-heading">
              {words.perThousand()}
            </th>
          </tr>
        </thead>
        <tbody>
          {arms.map(({ arm, name, version }) => {
            const rate = perThousand(look[arm]);
            return (
              <tr key={arm} data-testid={`arm-${arm}`}>
                <th scope="row">{name}</th>
                <td title={version}>{versionName(kind, version)}</td>
                <td>
                  <span className="rate">
                    {formatCount(look[arm].exposures)}
                    <Bar share={shares[arm]} tone={arm === 'canary' ? 'accent' : 'green'} />
                  </span>
                </td>
                <td>{formatCount(look[arm].successes)}</td>
                <td>{rate === null ? t('operator.notYet') : formatStatistic(rate, 1)}</td>
              </tr>
            );
          })}
        </tbody>
      </ScrollingTable>
      <p className="hint">
        {smaller === 'canary'
          ? t('operator.smallerCanary', { count: look.canary.exposures })
          : t('operator.smallerControl', { count: look.control.exposures })}
      </p>
      <dl className="stats ops-look-stats">
        <div>
          <dt>{t('operator.lift')}</dt>
          <dd>{formatChange(look.lift)}</dd>
        </div>
        <div>
          <dt>{t('operator.zAgainstNeeded')}</dt>
          <dd>{t('operator.zValue', { z: formatStatistic(look.z), needed: formatStatistic(look.z_needed) })}</dd>
        </div>
        <div>
          <dt>{t('operator.guardZ')}</dt>
          <dd>{formatStatistic(look.guard_z)}</dd>
        </div>
        <div>
          <dt>{t('operator.pValue')}</dt>
          <dd>{formatStatistic(look.p_value, 3)}</dd>
        </div>
      </dl>
      <div className="ops-evidence">
        <span>{t('operator.evidence', { share: formatPercent(evidence(look)) })}</span>
        <Bar share={evidence(look)} />
      </div>
      <p>
        <strong>{t('operator.reason')}</strong> {lookReasonText(look.reason, kind)}
      </p>
      <p className="hint">{words.lookNote()}</p>
    </>
  );
}

/** Every recommender version in the registry, newest first, with what it learned from and how it did. */
export function ModelVersions({ versions }: { versions: ModelVersion[] }) {
  const { t } = useTranslation();
  const percent = (share: number) => formatPercent(share, 1);
  return (
    <Panel id="ops-versions" title={t('operator.versions')} level={3} wide>
      {versions.length === 0 ? (
        <Empty>{t('operator.versionsEmpty')}</Empty>
      ) : (
        <>
          <ScrollingTable label={t('operator.versions')}>
            <thead>
              <tr>
                <th scope="col">{t('operator.modelVersion')}</th>
                <th scope="col">{t('operator.status')}</th>
                <th scope="col">{t('operator.trained')}</th>
                <th scope="col" className="ops-long-heading">
                  {t('operator.learnedFrom')}
                </th>
                <th scope="col">{t('operator.impressions')}</th>
                <th scope="col">{t('operator.ctr5')}</th>
                <th scope="col">{t('operator.rsvpRate')}</th>
              </tr>
            </thead>
            <tbody>
              {versions.map((v) => {
                const status = badge(STATUSES, v.status);
                const none = t('operator.noNumbers');
                return (
                  <tr key={`${v.kind}-${v.version}`} data-testid="model-version">
                    <th scope="row" title={v.version}>
                      {versionName(v.kind, v.version)}
                    </th>
                    <td>
                      <span className={`status ${status.tone}`}>{status.label}</span>
                    </td>
                    <td>
                      <time dateTime={v.trained_at}>{recentTime(v.trained_at)}</time>
                    </td>
                    <td>{formatCount(v.interactions)}</td>
                    <td>{v.online ? formatCount(v.online.impressions) : none}</td>
                    <td>{v.online ? percent(v.online.ctr_at_5) : none}</td>
                    <td>{v.online ? percent(v.online.rsvp_rate) : none}</td>
                  </tr>
                );
              })}
            </tbody>
          </ScrollingTable>
          <p className="hint">{t('operator.versionsNote')}</p>
        </>
      )}
    </Panel>
  );
}

/** The last experiments' ends, of either kind: promoted or rolled back, by whom, when, and why. */
export function ExperimentDecisions({ decisions }: { decisions: ExperimentDecision[] }) {
  const { t } = useTranslation();
  const shown = decisions.slice(0, DECISIONS_SHOWN);
  return (
    <Panel id="ops-decisions" title={t('operator.decisions')} level={3} wide>
      {shown.length === 0 ? (
        <Empty>{t('operator.decisionsEmpty')}</Empty>
      ) : (
        <>
          <ol className="ops-decisions">
            {shown.map((d) => {
              const verdict = badge(DECIDED, d.verdict);
              const words = wordsOf(d.kind);
              const canary = versionName(d.kind, d.canary_version);
              const control = controlVersion(d.kind, d.control_version);
              return (
                <li key={d.experiment} data-testid="decision">
                  <p className="ops-decision-head">
                    <strong>{kindName(d.kind)}</strong>
                    <span className={`status ${verdict.tone}`}>{verdict.label}</span>
                    <span className="meta">
                      {d.forced ? t('operator.forced') : t('operator.byNumbers')} ·{' '}
                      <time dateTime={d.decided_at}>{recentTime(d.decided_at)}</time>
                    </span>
                  </p>
                  <p>
                    {control
                      ? words.decisionVersions({ canary, control: versionName(d.kind, control) })
                      : words.decisionAgainstBaseline({ canary })}
                  </p>
                  {d.numbers && <p className="hint">{lookReasonText(d.numbers.reason, d.kind)}</p>}
                </li>
              );
            })}
          </ol>
          {decisions.length > shown.length && (
            <p className="hint">{t('operator.decisionsNewest', { shown: shown.length, total: decisions.length })}</p>
          )}
        </>
      )}
    </Panel>
  );
}
