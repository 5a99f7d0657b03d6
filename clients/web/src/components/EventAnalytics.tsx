// An event's analytics on its manage screen, as the server's rollups count them (seconds behind):
// the funnel from a first look at the event's page to meeting someone there, that funnel over
// time, where the RSVPs came from, and how many of those who checked in had a meeting accepted.
// Each card downloads its numbers as CSV with the organizer's token.

import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { errorCode, errorMessage, useEventAnalyticsQuery, useLazyAnalyticsCsvQuery } from '../app/api';
import type { EventChart, FunnelPoint } from '../app/types';
import { sourceLabel, stageLabel } from '../i18n/labels';
import { AXIS_TICK, GRID_STROKE, LEGEND_STYLE, seriesOrder, TOOLTIP_ITEM } from './charts';
import { bucketTime, formatCount, formatPercent, recentTime } from './format';
import { CsvDownload } from './OrganizerInsights';
import { Bar, Empty, ErrorNote, Spinner } from './ui';

/** The analytics every card shows: one request for all four, refreshed while the screen is open. */
function useEventAnalytics(eventId: string) {
  return useEventAnalyticsQuery(eventId, { pollingInterval: 15_000 });
}

/** "Download CSV" for one chart, named after it for screen readers. */
function ChartDownload({ eventId, chart, title }: { eventId: string; chart: EventChart; title: string }) {
  const { t } = useTranslation();
  const [fetchCsv, csv] = useLazyAnalyticsCsvQuery();
  return (
    <CsvDownload
      label={t('analytics.downloadCsv')}
      name={t('analytics.downloadChart', { chart: title })}
      fallbackName={`${chart}-${eventId}.csv`}
      busy={csv.isFetching}
      fetchFile={() => fetchCsv({ id: eventId, chart }).unwrap()}
      failed={(err) =>
        errorCode(err) === 'not_organizer'
          ? t('analytics.exportNotOrganizer')
          : t('analytics.exportFailed', { reason: errorMessage(err) })
      }
    />
  );
}

/**
 * A card of the analytics: its title, and its download once there is something to download, over
 * what it shows, or why it shows nothing.
 */
function AnalyticsCard({
  eventId,
  chart,
  title,
  className = 'card',
  state,
  shows,
  children,
}: {
  eventId: string;
  chart: EventChart;
  title: string;
  className?: string;
  state: { isLoading: boolean; error?: unknown };
  /** Whether there is anything to show (and so to download). */
  shows: boolean;
  children: ReactNode;
}) {
  const heading = `analytics-${chart}-heading`;
  return (
    <section className={className} aria-labelledby={heading} data-testid={`analytics-${chart}`}>
      <div className="section-head">
        <h2 id={heading} className="section-title">
          {title}
        </h2>
        {shows && <ChartDownload eventId={eventId} chart={chart} title={title} />}
      </div>
      {state.isLoading && <Spinner />}
      {Boolean(state.error) && <ErrorNote>{errorMessage(state.error)}</ErrorNote>}
      {children}
    </section>
  );
}

/**
 * Each step as a line of words and numbers over a bar as long as its share of the widest step,
 * with the step's conversion from the one before. Steps are not nested (someone can RSVP without
 * having opened the page here, or ask for a meeting without writing in the chat), so a step
 * larger than the one before shows no conversion rather than one above 100%.
 */
export function Funnel({ eventId }: { eventId: string }) {
  const { t } = useTranslation();
  const analytics = useEventAnalytics(eventId);
  const data = analytics.data;
  const steps = data?.funnel ?? [];
  const widest = Math.max(0, ...steps.map((s) => s.people));
  return (
    <AnalyticsCard eventId={eventId} chart="funnel" title={t('analytics.funnel')} state={analytics} shows={widest > 0}>
      {data && widest === 0 && <Empty>{t('analytics.funnelEmpty')}</Empty>}
      {widest > 0 && (
        <>
          <ol className="funnel">
            {steps.map((step, i) => (
              <li key={step.stage} className="funnel-stage" data-testid={`stage-${step.stage}`}>
                <p className="funnel-head">
                  <span className="funnel-label">{stageLabel(t, step.stage)}</span>
                  <span className="funnel-count">
                    {formatCount(step.people)}
                    {i > 0 && steps[i - 1].people > 0 && step.of_previous <= 1 && (
                      <span className="funnel-share">
                        {' '}
                        · {t('analytics.ofPrevious', { share: formatPercent(step.of_previous) })}
                      </span>
                    )}
                  </span>
                </p>
                <Bar share={step.people / widest} tone={i === 0 ? 'accent' : 'green'} />
              </li>
            ))}
          </ol>
          <p className="hint">
            {t('analytics.funnelNote')}
            {data?.as_of && ` ${t('analytics.asOf', { time: recentTime(data.as_of) })}`}
          </p>
        </>
      )}
    </AnalyticsCard>
  );
}

type StageCount = Exclude<keyof FunnelPoint, 'at'>;

/** Running totals of people reaching each step, bucket by bucket. */
export function FunnelOverTime({ eventId }: { eventId: string }) {
  const { t } = useTranslation();
  const analytics = useEventAnalytics(eventId);
  const data = analytics.data;
  // The steps an organizer follows during an event; the CSV has every step.
  const lines: { key: StageCount; name: string; color: string; dashed?: boolean }[] = [
    { key: 'viewed', name: t('analytics.series.viewed'), color: '#4f46e5' },
    { key: 'rsvped', name: t('analytics.series.rsvped'), color: '#059669' },
    { key: 'checked_in', name: t('analytics.series.checkedIn'), color: '#d97706', dashed: true },
    { key: 'meeting_accepted', name: t('analytics.series.meetingAccepted'), color: '#db2777' },
  ];
  const order = seriesOrder(lines.map((line) => line.key));
  const running: Record<StageCount, number> = {
    viewed: 0,
    rsvped: 0,
    checked_in: 0,
    chatted: 0,
    meeting_requested: 0,
    meeting_accepted: 0,
    met: 0,
  };
  const points = (data?.over_time ?? []).map((point) => {
    for (const key of Object.keys(running) as StageCount[]) running[key] += point[key];
    return { ...running, label: bucketTime(point.at, data?.bucket_minutes ?? 60) };
  });
  return (
    <AnalyticsCard
      eventId={eventId}
      chart="over_time"
      title={t('analytics.overTime')}
      className="card chart-card"
      state={analytics}
      shows={points.length > 0}
    >
      {data && points.length === 0 && <Empty>{t('analytics.overTimeEmpty')}</Empty>}
      {points.length > 0 && (
        <>
          <div
            className="chart"
            role="img"
            aria-label={t('analytics.overTimeTotals', {
              viewed: running.viewed,
              rsvped: running.rsvped,
              checkedIn: running.checked_in,
              accepted: running.meeting_accepted,
            })}
          >
            <ResponsiveContainer width="100%" height={240}>
              <LineChart data={points} margin={{ top: 8, right: 12, bottom: 0, left: -18 }}>
                <CartesianGrid stroke={GRID_STROKE} vertical={false} />
                <XAxis
                  dataKey="label"
                  tick={AXIS_TICK}
                  minTickGap={24}
                  tickLine={false}
                  axisLine={{ stroke: GRID_STROKE }}
                />
                <YAxis allowDecimals={false} tick={AXIS_TICK} tickLine={false} axisLine={false} />
                <Tooltip itemStyle={TOOLTIP_ITEM} itemSorter={order} />
                <Legend
                  verticalAlign="top"
                  align="right"
                  iconType="circle"
                  wrapperStyle={LEGEND_STYLE}
                  itemSorter={order}
                />
                {lines.map((line) => (
                  <Line
                    key={line.key}
                    type="monotone"
                    dataKey={line.key}
                    name={line.name}
                    stroke={line.color}
                    strokeWidth={2.5}
                    strokeDasharray={line.dashed ? '6 4' : undefined}
                    dot={points.length < 3}
                    isAnimationActive={false}
                  />
                ))}
              </LineChart>
            </ResponsiveContainer>
          </div>
          <p className="hint">{t('analytics.overTimeNote', { minutes: data?.bucket_minutes })}</p>
        </>
      )}
    </AnalyticsCard>
  );
}

/** The attributed RSVPs as one bar split by where they came from, and the same in words below. */
export function RsvpSources({ eventId }: { eventId: string }) {
  const { t } = useTranslation();
  const analytics = useEventAnalytics(eventId);
  const data = analytics.data;
  const sources = [...(data?.sources ?? [])].filter((s) => s.rsvps > 0).sort((a, b) => b.rsvps - a.rsvps);
  return (
    <AnalyticsCard
      eventId={eventId}
      chart="sources"
      title={t('analytics.sources')}
      state={analytics}
      shows={sources.length > 0}
    >
      {data && sources.length === 0 && <Empty>{t('analytics.sourcesEmpty')}</Empty>}
      {sources.length > 0 && (
        <>
          <span className="share-bar" aria-hidden="true">
            {sources.map((s) => (
              <span
                key={s.source}
                className={`share-part source-${s.source}`}
                style={{ width: `${Math.round(s.share * 1000) / 10}%` }}
              />
            ))}
          </span>
          <ul className="share-legend">
            {sources.map((s) => (
              <li key={s.source} className="funnel-head" data-testid={`source-${s.source}`}>
                <span className="funnel-label">
                  <span className={`swatch source-${s.source}`} aria-hidden="true" />
                  {sourceLabel(t, s.source)}
                </span>
                <span className="funnel-count">
                  {t('analytics.rsvps', { count: s.rsvps, rsvps: formatCount(s.rsvps) })}
                  <span className="funnel-share"> · {formatPercent(s.share)}</span>
                </span>
              </li>
            ))}
          </ul>
          <p className="hint">{t('analytics.sourcesNote')}</p>
        </>
      )}
    </AnalyticsCard>
  );
}

/** The event's networking outcome: the share of checked-in attendees with an accepted meeting. */
export function NetworkingOutcome({ eventId }: { eventId: string }) {
  const { t } = useTranslation();
  const analytics = useEventAnalytics(eventId);
  const outcome = analytics.data?.networking;
  return (
    <AnalyticsCard
      eventId={eventId}
      chart="networking"
      title={t('analytics.networking')}
      state={analytics}
      shows={Boolean(outcome && outcome.checked_in > 0)}
    >
      {outcome && outcome.checked_in === 0 && <Empty>{t('analytics.networkingEmpty')}</Empty>}
      {outcome && outcome.checked_in > 0 && (
        <>
          <p className="outcome" data-testid="networking-outcome">
            <span className="outcome-figure">{formatPercent(outcome.share)}</span>
            <span className="outcome-text">
              {t('analytics.networkingSummary', {
                count: outcome.checked_in,
                checkedIn: formatCount(outcome.checked_in),
                withMeeting: formatCount(outcome.with_accepted_meeting),
              })}
            </span>
          </p>
          <Bar share={outcome.share} tone="green" />
        </>
      )}
    </AnalyticsCard>
  );
}
