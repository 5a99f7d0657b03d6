// The operator's picture of the whole platform (`GET /ops/analytics`): people active each day,
// week and month; how each sign-up week's people keep coming back; how each recommender version
// and matcher weight set does; events created and attended per day; and whether the analytics
// pipeline keeps up. Drawn where a shape says more than numbers, tabled where the numbers matter.

import { useTranslation } from 'react-i18next';
import {
  Bar as Bars,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { ActivePoint, Cohort, DayVolume, MatcherOutcome, PipelineState, RecommenderOutcome } from '../app/types';
import { AXIS_TICK, GRID_STROKE, LEGEND_STYLE, seriesOrder, shortVersion, TOOLTIP_ITEM } from './charts';
import { calendarDay, formatCount, formatPercent, shortDuration } from './format';
import { Panel, ScrollingTable } from './OpsPanel';
import { Bar, Empty } from './ui';

/** The order of each chart's series, in its legend and tooltip. */
const ACTIVE_ORDER = seriesOrder(['daily', 'weekly', 'monthly']);
const RECOMMENDER_ORDER = seriesOrder(['ctr_at_5', 'rsvp_rate']);
const VOLUME_ORDER = seriesOrder(['events_created', 'attended']);

/** Distinct people active on each day, and in the 7 and 30 days ending with it. */
export function ActivePeople({ active }: { active: ActivePoint[] }) {
  const { t } = useTranslation();
  const points = active.map((p) => ({ ...p, label: calendarDay(p.day) }));
  const last = active.at(-1);
  return (
    <Panel id="ops-active" title={t('operator.active')} wide>
      {!last ? (
        <Empty>{t('operator.activeEmpty')}</Empty>
      ) : (
        <div
          className="chart"
          role="img"
          aria-label={t('operator.activeNow', {
            day: calendarDay(last.day),
            daily: last.daily,
            weekly: last.weekly,
            monthly: last.monthly,
          })}
        >
          <ResponsiveContainer width="100%" height={260}>
            <LineChart data={points} margin={{ top: 8, right: 12, bottom: 0, left: -12 }}>
              <CartesianGrid stroke={GRID_STROKE} vertical={false} />
              <XAxis
                dataKey="label"
                tick={AXIS_TICK}
                minTickGap={24}
                tickLine={false}
                axisLine={{ stroke: GRID_STROKE }}
              />
              <YAxis allowDecimals={false} tick={AXIS_TICK} tickLine={false} axisLine={false} />
              <Tooltip itemStyle={TOOLTIP_ITEM} itemSorter={ACTIVE_ORDER} />
              <Legend
                verticalAlign="top"
                align="right"
                iconType="circle"
                wrapperStyle={LEGEND_STYLE}
                itemSorter={ACTIVE_ORDER}
              />
              <Line
                type="monotone"
                dataKey="monthly"
                name={t('operator.monthly')}
                stroke="#d97706"
                strokeWidth={2.5}
                dot={false}
                isAnimationActive={false}
              />
              <Line
                type="monotone"
                dataKey="weekly"
                name={t('operator.weekly')}
                stroke="#059669"
                strokeWidth={2.5}
                dot={false}
                isAnimationActive={false}
              />
              <Line
                type="monotone"
                dataKey="daily"
                name={t('operator.daily')}
                stroke="#4f46e5"
                strokeWidth={2.5}
                dot={points.length < 3}
                isAnimationActive={false}
              />
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
    </Panel>
  );
}

/** The relative luminance of an sRGB colour (WCAG 2). */
function luminance([r, g, b]: number[]): number {
  const linear = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

const contrast = (a: number, b: number) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);

/**
 * A retention cell's colours: white deepening to indigo as the share grows, with whichever text
 * colour reads best on it (the page's ink while it does, else white or black).
 */
function cellColours(share: number): { background: string; color: string } {
  const deep = [67, 56, 202];
  const amount = Math.min(1, Math.max(0, share));
  const mixed = deep.map((c) => Math.round(255 + (c - 255) * amount));
  const ground = luminance(mixed);
  const inks: [string, number][] = [
    ['#111827', luminance([17, 24, 39])],
    ['#ffffff', 1],
    ['#000000', 0],
  ];
  const readable = inks.find(([, l]) => contrast(l, ground) >= 4.5);
  const best = readable ?? inks.reduce((a, b) => (contrast(b[1], ground) > contrast(a[1], ground) ? b : a));
  return { background: `rgb(${mixed.join(' ')})`, color: best[0] };
}

/** Sign-up weeks down, weeks since across: the share of each week's people active again. */
export function CohortRetention({ cohorts }: { cohorts: Cohort[] }) {
  const { t } = useTranslation();
  const weeks = Math.max(0, ...cohorts.map((c) => c.retained.length));
  return (
    <Panel id="ops-cohorts" title={t('operator.cohorts')} wide>
      {cohorts.length === 0 ? (
        <Empty>{t('operator.cohortsEmpty')}</Empty>
      ) : (
        <>
          <ScrollingTable label={t('operator.cohorts')}>
            <thead>
              <tr>
                <th scope="col">{t('operator.cohortWeek')}</th>
                <th scope="col">{t('operator.cohortSize')}</th>
                {Array.from({ length: weeks }, (_, week) => (
                  <th key={week} scope="col">
                    {t('operator.weekNumber', { week })}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {cohorts.map((cohort) => (
                <tr key={cohort.week} data-testid="cohort">
                  <th scope="row">{calendarDay(cohort.week, { year: true })}</th>
                  <td>{formatCount(cohort.size)}</td>
                  {Array.from({ length: weeks }, (_, week) =>
                    week < cohort.retained.length ? (
                      <td key={week} className="cohort-cell" style={cellColours(cohort.retained[week])}>
                        {formatPercent(cohort.retained[week])}
                      </td>
                    ) : (
                      <td key={week} className="cohort-cell cohort-cell-future" />
                    ),
                  )}
                </tr>
              ))}
            </tbody>
          </ScrollingTable>
          <p className="hint">{t('operator.cohortsNote')}</p>
        </>
      )}
    </Panel>
  );
}

/** Each recommender version's click-through in its top places and the RSVPs its lists brought. */
export function RecommenderVersions({ recommenders }: { recommenders: RecommenderOutcome[] }) {
  const { t } = useTranslation();
  const percent = (value: unknown) => formatPercent(Number(value), 1);
  return (
    <Panel id="ops-recommenders" title={t('operator.recommenders')}>
      {recommenders.length === 0 ? (
        <Empty>{t('operator.recommendersEmpty')}</Empty>
      ) : (
        <>
          <div className="chart" role="img" aria-label={t('operator.recommendersChart')}>
            <ResponsiveContainer width="100%" height={220}>
              <BarChart data={recommenders} margin={{ top: 8, right: 12, bottom: 0, left: -8 }}>
                <CartesianGrid stroke={GRID_STROKE} vertical={false} />
                <XAxis
                  dataKey="model_version"
                  tickFormatter={shortVersion}
                  tick={AXIS_TICK}
                  tickLine={false}
                  axisLine={{ stroke: GRID_STROKE }}
                />
                <YAxis
                  tickFormatter={(v: number) => formatPercent(v)}
                  tick={AXIS_TICK}
                  tickLine={false}
                  axisLine={false}
                />
                <Tooltip itemStyle={TOOLTIP_ITEM} itemSorter={RECOMMENDER_ORDER} formatter={percent} />
                <Legend
                  verticalAlign="top"
                  align="right"
                  iconType="circle"
                  wrapperStyle={LEGEND_STYLE}
                  itemSorter={RECOMMENDER_ORDER}
                />
                <Bars dataKey="ctr_at_5" name={t('operator.ctr5')} fill="#4f46e5" isAnimationActive={false} />
                <Bars dataKey="rsvp_rate" name={t('operator.rsvpRate')} fill="#059669" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>
          <ScrollingTable label={t('operator.recommenders')}>
            <thead>
              <tr>
                <th scope="col">{t('operator.modelVersion')}</th>
                <th scope="col">{t('operator.impressions')}</th>
                <th scope="col">{t('operator.ctr5')}</th>
                <th scope="col">{t('operator.ctr10')}</th>
                <th scope="col">{t('operator.rsvps')}</th>
                <th scope="col">{t('operator.rsvpRate')}</th>
              </tr>
            </thead>
            <tbody>
              {recommenders.map((r) => (
                <tr key={r.model_version} data-testid="recommender">
                  <th scope="row" title={r.model_version}>
                    {shortVersion(r.model_version)}
                  </th>
                  <td>{formatCount(r.impressions)}</td>
                  <td>{percent(r.ctr_at_5)}</td>
                  <td>{percent(r.ctr_at_10)}</td>
                  <td>{formatCount(r.rsvps)}</td>
                  <td>{percent(r.rsvp_rate)}</td>
                </tr>
              ))}
            </tbody>
          </ScrollingTable>
          <p className="hint">{t('operator.recommendersNote')}</p>
        </>
      )}
    </Panel>
  );
}

/** Each matcher weight set: suggestions shown, meetings asked of those suggested, and accepted. */
export function MatcherWeights({ matchers }: { matchers: MatcherOutcome[] }) {
  const { t } = useTranslation();
  return (
    <Panel id="ops-matchers" title={t('operator.matchers')}>
      {matchers.length === 0 ? (
        <Empty>{t('operator.matchersEmpty')}</Empty>
      ) : (
        <>
          <ScrollingTable label={t('operator.matchers')}>
            <thead>
              <tr>
                <th scope="col">{t('operator.weightsVersion')}</th>
                <th scope="col">{t('operator.impressions')}</th>
                <th scope="col">{t('operator.requests')}</th>
                <th scope="col">{t('operator.accepted')}</th>
                <th scope="col">{t('operator.acceptanceRate')}</th>
              </tr>
            </thead>
            <tbody>
              {matchers.map((m) => (
                <tr key={m.weights_version} data-testid="matcher">
                  <th scope="row" title={m.weights_version}>
                    {shortVersion(m.weights_version)}
                  </th>
                  <td>{formatCount(m.impressions)}</td>
                  <td>{formatCount(m.requests)}</td>
                  <td>{formatCount(m.accepted)}</td>
                  <td>
                    <span className="rate">
                      {formatPercent(m.acceptance_rate, 1)}
                      <Bar share={m.acceptance_rate} tone="green" />
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </ScrollingTable>
          <p className="hint">{t('operator.matchersNote')}</p>
        </>
      )}
    </Panel>
  );
}

/** Events created and check-ins, day by day. */
export function DailyVolume({ volume }: { volume: DayVolume[] }) {
  const { t } = useTranslation();
  const points = volume.map((v) => ({ ...v, label: calendarDay(v.day) }));
  const created = volume.reduce((sum, v) => sum + v.events_created, 0);
  const attended = volume.reduce((sum, v) => sum + v.attended, 0);
  return (
    <Panel id="ops-volume" title={t('operator.volume')}>
      {volume.length === 0 ? (
        <Empty>{t('operator.volumeEmpty')}</Empty>
      ) : (
        <div className="chart" role="img" aria-label={t('operator.volumeTotals', { created, attended })}>
          <ResponsiveContainer width="100%" height={240}>
            <BarChart data={points} margin={{ top: 8, right: 12, bottom: 0, left: -18 }}>
              <CartesianGrid stroke={GRID_STROKE} vertical={false} />
              <XAxis
                dataKey="label"
                tick={AXIS_TICK}
                minTickGap={16}
                tickLine={false}
                axisLine={{ stroke: GRID_STROKE }}
              />
              <YAxis allowDecimals={false} tick={AXIS_TICK} tickLine={false} axisLine={false} />
              <Tooltip itemStyle={TOOLTIP_ITEM} itemSorter={VOLUME_ORDER} />
              <Legend
                verticalAlign="top"
                align="right"
                iconType="circle"
                wrapperStyle={LEGEND_STYLE}
                itemSorter={VOLUME_ORDER}
              />
              <Bars dataKey="events_created" name={t('operator.created')} fill="#4f46e5" isAnimationActive={false} />
              <Bars dataKey="attended" name={t('operator.attended')} fill="#059669" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
    </Panel>
  );
}

/** How many events wait to be written, and how far behind the writer and the rollups are. */
export function PipelineStatus({ pipeline }: { pipeline: PipelineState }) {
  const { t } = useTranslation();
  return (
    <Panel id="ops-pipeline" title={t('operator.pipeline')}>
      <dl className="stats">
        <div>
          <dt>{t('operator.queued')}</dt>
          <dd>{formatCount(pipeline.queued)}</dd>
        </div>
        <div>
          <dt>{t('operator.writeLag')}</dt>
          <dd>{shortDuration(pipeline.write_lag_secs)}</dd>
        </div>
        <div>
          <dt>{t('operator.rollupLag')}</dt>
          <dd>{shortDuration(pipeline.rollup_lag_secs)}</dd>
        </div>
      </dl>
      <p className="hint">{t('operator.pipelineNote')}</p>
    </Panel>
  );
}
