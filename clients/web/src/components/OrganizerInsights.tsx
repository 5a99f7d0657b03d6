// What an event's organizers learn about their audience on the manage screen: turnout from going
// to checked in to meeting requests, the audience in groups of similar people (counts and
// interests only, never who), and the attendee list as a spreadsheet file.

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorCode, errorMessage, useActivityQuery, useLazyAttendeesCsvQuery, useSegmentsQuery } from '../app/api';
import { saveFile } from '../app/download';
import type { MingleEvent } from '../app/types';
import { currentLocale } from '../i18n/config';
import { Empty, ErrorNote, Spinner } from './ui';

const count = (n: number) => n.toLocaleString(currentLocale());
const percent = (share: number) =>
  share.toLocaleString(currentLocale(), { style: 'percent', maximumFractionDigits: 0 });

/** A bar as wide as `share` of its track; the numbers beside it say the same in words. */
function Bar({ share, tone = 'accent' }: { share: number; tone?: 'accent' | 'green' }) {
  const width = `${Math.round(Math.min(1, Math.max(0, share)) * 1000) / 10}%`;
  return (
    <span className="bar" aria-hidden="true">
      <span className={`bar-fill bar-${tone}`} style={{ width }} />
    </span>
  );
}

/**
 * Turnout as a funnel: people going, how many of them checked in, how many asked someone for a
 * meeting, and the meetings accepted: the networking outcome of the event.
 */
export function Turnout({ event }: { event: MingleEvent }) {
  const { t } = useTranslation();
  const activity = useActivityQuery(event.id, { pollingInterval: 30_000 });
  const going = event.going_count;
  const checkedIn = event.checked_in_count;
  const latest = activity.data?.points.at(-1);
  const asked = activity.data ? (latest?.requesters ?? 0) : null;
  const accepted = activity.data ? (latest?.accepted ?? 0) : null;
  const share = (part: number, whole: number) => (whole > 0 ? Math.min(1, part / whole) : 0);
  return (
    <section className="card" aria-labelledby="turnout-heading" data-testid="turnout">
      <h2 id="turnout-heading" className="section-title">
        {t('insights.turnout')}
      </h2>
      <ol className="funnel">
        <li className="funnel-stage" data-testid="funnel-going">
          <p className="funnel-head">
            <span className="funnel-label">{t('insights.going')}</span>
            <span className="funnel-count">{count(going)}</span>
          </p>
          <Bar share={going > 0 ? 1 : 0} />
        </li>
        <li className="funnel-stage" data-testid="funnel-checked-in">
          <p className="funnel-head">
            <span className="funnel-label">{t('insights.checkedIn')}</span>
            <span className="funnel-count">
              {count(checkedIn)}
              {going > 0 && (
                <span className="funnel-share">
                  {' '}
                  · {t('insights.ofGoing', { share: percent(share(checkedIn, going)) })}
                </span>
              )}
            </span>
          </p>
          <Bar share={share(checkedIn, going)} tone="green" />
        </li>
        <li className="funnel-stage" data-testid="funnel-asked">
          <p className="funnel-head">
            <span className="funnel-label">{t('insights.asked')}</span>
            <span className="funnel-count">
              {asked === null ? '…' : count(asked)}
              {asked !== null && checkedIn > 0 && (
                <span className="funnel-share">
                  {' '}
                  · {t('insights.ofCheckedIn', { share: percent(share(asked, checkedIn)) })}
                </span>
              )}
            </span>
          </p>
          <Bar share={asked === null ? 0 : share(asked, checkedIn)} />
        </li>
        <li className="funnel-stage funnel-stage-last" data-testid="funnel-accepted">
          <p className="funnel-head">
            <span className="funnel-label">{t('insights.accepted')}</span>
            <span className="funnel-count">{accepted === null ? '…' : count(accepted)}</span>
          </p>
        </li>
      </ol>
      {activity.error ? (
        <ErrorNote>{errorMessage(activity.error)}</ErrorNote>
      ) : (
        <p className="hint">{t('insights.funnelNote')}</p>
      )}
    </section>
  );
}

/** The audience in groups of people with similar profiles, largest first, each with its interests. */
export function AudienceGroups({ eventId }: { eventId: string }) {
  const { t } = useTranslation();
  const segments = useSegmentsQuery(eventId);
  const unavailable =
    segments.error && typeof segments.error === 'object' && 'status' in segments.error && segments.error.status === 503;
  const data = segments.data;
  return (
    <section className="card" aria-labelledby="audience-heading" data-testid="audience-groups">
      <h2 id="audience-heading" className="section-title">
        {t('insights.groups')}
      </h2>
      {segments.isLoading && <Spinner />}
      {unavailable ? (
        <p className="hint" data-testid="audience-unavailable">
          {t('insights.groupsUnavailable')}
        </p>
      ) : (
        segments.error && <ErrorNote>{errorMessage(segments.error)}</ErrorNote>
      )}
      {data && data.segments.length === 0 && <Empty>{t('insights.noGroups')}</Empty>}
      {data && data.segments.length > 0 && (
        <>
          <p className="hint">{t('insights.audience', { count: data.audience, people: count(data.audience) })}</p>
          <ol className="segments">
            {data.segments.map((s) => (
              <li key={s.label} className="segment" data-testid="segment">
                <p className="funnel-head">
                  <span className="funnel-label segment-label">{s.label}</span>
                  <span className="funnel-count">
                    {t('insights.people', { count: s.size, people: count(s.size) })}
                    <span className="funnel-share"> · {percent(s.share)}</span>
                  </span>
                </p>
                <Bar share={s.share} />
                {s.top_interests.length > 0 && (
                  <p className="small muted">{t('insights.interests', { interests: s.top_interests.join(', ') })}</p>
                )}
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}

/**
 * "Export attendees (CSV)": the file is fetched with the organizer's token (a plain link would
 * carry none), then saved from memory.
 */
export function AttendeeExport({ eventId }: { eventId: string }) {
  const { t } = useTranslation();
  const [fetchCsv, csv] = useLazyAttendeesCsvQuery();
  const [error, setError] = useState<string | null>(null);
  const download = async () => {
    setError(null);
    try {
      const file = await fetchCsv(eventId).unwrap();
      saveFile(new Blob([file.text], { type: 'text/csv;charset=utf-8' }), file.fileName ?? 'attendees.csv');
    } catch (err) {
      setError(
        errorCode(err) === 'not_organizer'
          ? t('insights.exportNotOrganizer')
          : t('insights.exportFailed', { reason: errorMessage(err) }),
      );
    }
  };
  return (
    <div className="attendee-export">
      <button
        type="button"
        className="button button-secondary button-small"
        disabled={csv.isFetching}
        onClick={() => void download()}
      >
        {csv.isFetching ? t('insights.preparing') : t('insights.export')}
      </button>
      <ErrorNote>{error}</ErrorNote>
    </div>
  );
}
