// The matcher's weight sets in the registry, on the operator's page: each with its status, what it
// learned from and how much better it fits those outcomes than the hand-set weights, and how the
// suggestions it ranked did with people.

import { useTranslation } from 'react-i18next';
import type { ModelVersion } from '../app/types';
import { formatCount, formatPercent, formatStatistic, recentTime } from './format';
import { STATUSES, badge } from './modelBadges';
import { versionName } from './modelKinds';
import { Panel, ScrollingTable } from './OpsPanel';
import { Empty } from './ui';

/**
 * A learned set's loss on the outcomes it was fitted to, first with the hand-set weights and then
 * with its own; null where none applies (the hand-set weights themselves).
 */
function offlineLoss(offline: Record<string, number>): { handSet: number; learned: number } | null {
  const { loss_hand_set: handSet, loss_learned: learned } = offline;
  return handSet === undefined || learned === undefined ? null : { handSet, learned };
}

/** Every weight set, newest first. */
export function WeightSets({ versions }: { versions: ModelVersion[] }) {
  const { t } = useTranslation();
  return (
    <Panel id="ops-weight-sets" title={t('operator.weightSets.title')} level={3} wide>
      {versions.length === 0 ? (
        <Empty>{t('operator.weightSets.empty')}</Empty>
      ) : (
        <>
          <ScrollingTable label={t('operator.weightSets.title')}>
            <thead>
              <tr>
                <th scope="col">{t('operator.weightsVersion')}</th>
                <th scope="col">{t('operator.status')}</th>
                <th scope="col">{t('operator.firstServed')}</th>
                <th scope="col" className="ops-long-heading">
                  {t('operator.weightSets.learnedFrom')}
                </th>
                <th scope="col" className="ops-long-heading">
                  {t('operator.weightSets.loss')}
                </th>
                <th scope="col">{t('operator.weightSets.shown')}</th>
                <th scope="col">{t('operator.weightSets.requests')}</th>
                <th scope="col">{t('operator.accepted')}</th>
                <th scope="col">{t('operator.acceptanceRate')}</th>
              </tr>
            </thead>
            <tbody>
              {versions.map((v) => (
                <WeightSetRow key={v.version} set={v} />
              ))}
            </tbody>
          </ScrollingTable>
          <p className="hint">{t('operator.weightSets.note')}</p>
        </>
      )}
    </Panel>
  );
}

/** One weight set's row; "none" where a number does not apply or nobody was suggested yet. */
function WeightSetRow({ set }: { set: ModelVersion }) {
  const { t } = useTranslation();
  const status = badge(STATUSES, set.status);
  const loss = offlineLoss(set.offline);
  const online = set.online_suggestions ?? null;
  const none = t('operator.noNumbers');
  return (
    <tr data-testid="weight-set">
      <th scope="row" title={set.version}>
        {versionName(set.kind, set.version)}
      </th>
      <td>
        <span className={`status ${status.tone}`}>{status.label}</span>
      </td>
      <td>
        <time dateTime={set.first_served}>{recentTime(set.first_served)}</time>
      </td>
      <td>{formatCount(set.interactions)}</td>
      <td>
        {loss
          ? t('operator.weightSets.lossChange', {
              handSet: formatStatistic(loss.handSet, 3),
              learned: formatStatistic(loss.learned, 3),
            })
          : none}
      </td>
      <td>{online ? formatCount(online.impressions) : none}</td>
      <td>{online ? formatCount(online.requests) : none}</td>
      <td>{online ? formatCount(online.accepted) : none}</td>
      {/* With no meeting asked the rate is not zero but unknown. */}
      <td>{online && online.requests > 0 ? formatPercent(online.acceptance_rate, 1) : none}</td>
    </tr>
  );
}
