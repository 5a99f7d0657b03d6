// The recommender's models on the operator's page (`GET /ops/models`): the canary experiment
// running, with its newest look in plain words and a way to end it now; every version in the
// registry with its status and how it did with people; and how the last experiments ended.

import { useEffect, useRef, useState } from 'react';
import i18n from 'i18next';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../app/api';
import { type ForcedVerdict, useForceDecisionMutation, useModelRegistryQuery } from '../app/ops';
import type { ExperimentDecision, ExperimentLook, ModelVersion, RunningExperiment } from '../app/types';
import { lookReasonText } from '../i18n/serverText';
import { shortVersion } from './charts';
import { type ArmName, evidence, exposureShares, perThousand, smallerArm } from './experiment';
import { eventTime, formatChange, formatCount, formatPercent, formatStatistic, recentTime } from './format';
import { Panel, ScrollingTable } from './OpsPanel';
import { Bar, ConfirmInPlace, Empty, ErrorNote, Spinner } from './ui';

/** How often the registry is read again while the page is open: the server looks every minute. */
const REFRESH_MS = 60_000;

/** Decisions listed at most; the server keeps more. */
const DECISIONS_SHOWN = 10;

/** A badge's words and colour (a `status-*` class), for the values the server is known to send. */
type Badge = { label: () => string; tone: string };

/** A word the server sends that this page does not know yet is shown as it came, in grey. */
function badge(known: Record<string, Badge>, value: string): { label: string; tone: string } {
  return Object.hasOwn(known, value)
    ? { label: known[value].label(), tone: known[value].tone }
    : { label: value, tone: 'status-declined' };
}

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
          <CanaryExperiment running={data.running ?? null} token={token} />
          <ExperimentDecisions decisions={data.decisions} />
          <ModelVersions versions={data.versions} />
        </div>
      )}
    </section>
  );
}

/**
 * The experiment running, or a word on how one starts; "Promote now" and "Roll back now" end it
 * early, each asked again in place first.
 */
export function CanaryExperiment({ running, token }: { running: RunningExperiment | null; token: string }) {
  const { t } = useTranslation();
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
    void force({ token, verdict });
  };
  const canary = running ? shortVersion(running.canary_version) : '';
  return (
    <Panel id="ops-experiment" title={t('operator.experiment')} level={3}>
      {running ? (
        <>
          <p>
            {t(running.control_version ? 'operator.experimentRunning' : 'operator.experimentAgainstContent', {
              canary,
              control: running.control_version ? shortVersion(running.control_version) : '',
              share: formatPercent(running.share, 1),
              since: eventTime(running.started_at),
            })}
          </p>
          {running.last_look ? (
            <LastLook look={running.last_look} running={running} />
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
              question={t(asking === 'promote' ? 'operator.promoteQuestion' : 'operator.rollbackQuestion', {
                version: canary,
              })}
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
          <p className="hint">{t('operator.noExperimentNote')}</p>
        </>
      )}
      {forcing.isLoading && <Spinner />}
      {forcing.error && <ErrorNote>{errorMessage(forcing.error)}</ErrorNote>}
      {forcing.data && !forcing.isLoading && (
        <p className="ops-done" role="status" tabIndex={-1} ref={done}>
          {t(forcing.data.verdict === 'promote' ? 'operator.promoted' : 'operator.rolledBack', {
            version: shortVersion(forcing.data.canary_version),
          })}
        </p>
      )}
    </Panel>
  );
}

/** The look's verdicts, as badges. */
const VERDICTS: Record<string, Badge> = {
  promote: { label: () => i18n.t('operator.verdict.promote'), tone: 'status-promote' },
  wait: { label: () => i18n.t('operator.verdict.wait'), tone: 'status-wait' },
  rollback: { label: () => i18n.t('operator.verdict.rollback'), tone: 'status-rollback' },
};

/** The newest look: both arms' numbers, the test's, and why the loop decided what it did. */
function LastLook({ look, running }: { look: ExperimentLook; running: RunningExperiment }) {
  const { t } = useTranslation();
  const verdict = badge(VERDICTS, look.verdict);
  const shares = exposureShares(look);
  const smaller = smallerArm(look);
  const arms: { arm: ArmName; name: string; version: string }[] = [
    // Without a control version, the control arm is ranked by content alone, which the
    // dashboards call "content".
    { arm: 'control', name: t('operator.armControl'), version: running.control_version ?? 'content' },
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
            <th scope="col">{t('operator.rsvps')}</th>
            <th scope="col" className="ops-long-heading">
              {t('operator.perThousand')}
            </th>
          </tr>
        </thead>
        <tbody>
          {arms.map(({ arm, name, version }) => {
            const rate = perThousand(look[arm]);
            return (
              <tr key={arm} data-testid={`arm-${arm}`}>
                <th scope="row">{name}</th>
                <td title={version}>{shortVersion(version)}</td>
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
        <strong>{t('operator.reason')}</strong> {lookReasonText(look.reason)}
      </p>
      <p className="hint">{t('operator.lookNote')}</p>
    </>
  );
}

/** A version's status in the registry, as a badge. */
const STATUSES: Record<string, Badge> = {
  canary: { label: () => i18n.t('operator.modelStatus.canary'), tone: 'status-canary' },
  current: { label: () => i18n.t('operator.modelStatus.current'), tone: 'status-current' },
  retired: { label: () => i18n.t('operator.modelStatus.retired'), tone: 'status-retired' },
  rolled_back: { label: () => i18n.t('operator.modelStatus.rolled_back'), tone: 'status-rolled-back' },
};

/** Every version in the registry, newest first, with what it learned from and how it did. */
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
                      {shortVersion(v.version)}
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

/** How an experiment ended, as a badge. */
const DECIDED: Record<string, Badge> = {
  promote: { label: () => i18n.t('operator.decided.promote'), tone: 'status-promote' },
  rollback: { label: () => i18n.t('operator.decided.rollback'), tone: 'status-rollback' },
};

/** The last experiments' ends: promoted or rolled back, by whom, when, and why. */
export function ExperimentDecisions({ decisions }: { decisions: ExperimentDecision[] }) {
  const { t } = useTranslation();
  const shown = decisions.slice(0, DECISIONS_SHOWN);
  return (
    <Panel id="ops-decisions" title={t('operator.decisions')} level={3}>
      {shown.length === 0 ? (
        <Empty>{t('operator.decisionsEmpty')}</Empty>
      ) : (
        <>
          <ol className="ops-decisions">
            {shown.map((d) => {
              const verdict = badge(DECIDED, d.verdict);
              const canary = shortVersion(d.canary_version);
              return (
                <li key={d.experiment} data-testid="decision">
                  <p className="ops-decision-head">
                    <span className={`status ${verdict.tone}`}>{verdict.label}</span>
                    <span className="meta">
                      {d.forced ? t('operator.forced') : t('operator.byNumbers')} ·{' '}
                      <time dateTime={d.decided_at}>{recentTime(d.decided_at)}</time>
                    </span>
                  </p>
                  <p>
                    {d.control_version
                      ? t('operator.decisionVersions', { canary, control: shortVersion(d.control_version) })
                      : t('operator.decisionAgainstContent', { canary })}
                  </p>
                  {d.numbers && <p className="hint">{lookReasonText(d.numbers.reason)}</p>}
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
