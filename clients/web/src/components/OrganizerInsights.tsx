// What an event's organizers learn about their audience on the manage screen besides its
// analytics (EventAnalytics.tsx): the audience in groups of similar people (counts and interests
// only, never who), and the attendee list as a spreadsheet file.

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorCode, errorMessage, useLazyAttendeesCsvQuery, useSegmentsQuery } from '../app/api';
import { saveFile } from '../app/download';
import { formatCount, formatPercent } from './format';
import { Bar, Empty, ErrorNote, Spinner } from './ui';

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
          <p className="hint">{t('insights.audience', { count: data.audience, people: formatCount(data.audience) })}</p>
          <ol className="segments">
            {data.segments.map((s) => (
              <li key={s.label} className="segment" data-testid="segment">
                <p className="funnel-head">
                  <span className="funnel-label segment-label">{s.label}</span>
                  <span className="funnel-count">
                    {t('insights.people', { count: s.size, people: formatCount(s.size) })}
                    <span className="funnel-share"> · {formatPercent(s.share)}</span>
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
 * A button that downloads a CSV file: fetched with the organizer's token (a plain link would carry
 * none), then saved from memory. What went wrong is said under it, in the caller's words
 * (`failed`); the accessible name (`name`) says which file it is where several share a label.
 */
export function CsvDownload({
  label,
  name,
  fallbackName,
  busy,
  fetchFile,
  failed,
}: {
  label: string;
  name?: string;
  fallbackName: string;
  busy: boolean;
  fetchFile: () => Promise<{ text: string; fileName: string | null }>;
  failed: (error: unknown) => string;
}) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const download = async () => {
    setError(null);
    try {
      const file = await fetchFile();
      saveFile(new Blob([file.text], { type: 'text/csv;charset=utf-8' }), file.fileName ?? fallbackName);
    } catch (err) {
      setError(failed(err));
    }
  };
  return (
    <div className="csv-download">
      <button
        type="button"
        className="button button-secondary button-small"
        disabled={busy}
        aria-label={busy ? undefined : name}
        onClick={() => void download()}
      >
        {busy ? t('insights.preparing') : label}
      </button>
      <ErrorNote>{error}</ErrorNote>
    </div>
  );
}

/** "Export attendees (CSV)": the attendee list as a spreadsheet file. */
export function AttendeeExport({ eventId }: { eventId: string }) {
  const { t } = useTranslation();
  const [fetchCsv, csv] = useLazyAttendeesCsvQuery();
  return (
    <CsvDownload
      label={t('insights.export')}
      fallbackName="attendees.csv"
      busy={csv.isFetching}
      fetchFile={() => fetchCsv(eventId).unwrap()}
      failed={(err) =>
        errorCode(err) === 'not_organizer'
          ? t('insights.exportNotOrganizer')
          : t('insights.exportFailed', { reason: errorMessage(err) })
      }
    />
  );
}
