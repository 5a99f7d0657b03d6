// "Add to calendar" and "Share" for an event: a calendar file to download, and the event's link
// through the device's share sheet, or copied when there is none.

import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { calendarFileName, eventCalendar } from '../app/ics';
import type { MingleEvent } from '../app/types';

/** How long "Link copied" stays before the note clears itself. */
const NOTE_MS = 5000;

function eventUrl(id: string): string {
  return new URL(`/events/${id}`, window.location.origin).href;
}

function downloadCalendar(event: MingleEvent) {
  const file = new Blob([eventCalendar(event, eventUrl(event.id))], { type: 'text/calendar;charset=utf-8' });
  const href = URL.createObjectURL(file);
  const link = document.createElement('a');
  link.href = href;
  link.download = calendarFileName(event.title);
  document.body.append(link);
  link.click();
  link.remove();
  // Some browsers read the file after the click returns; the URL is freed once they are done.
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

export function EventSharing({ event }: { event: MingleEvent }) {
  const { t } = useTranslation();
  const [note, setNote] = useState<string | null>(null);
  useEffect(() => {
    if (!note) return;
    const timer = setTimeout(() => setNote(null), NOTE_MS);
    return () => clearTimeout(timer);
  }, [note]);

  const share = async () => {
    const url = eventUrl(event.id);
    setNote(null);
    if (typeof navigator.share === 'function') {
      try {
        await navigator.share({ title: event.title, url });
        return;
      } catch (err) {
        // Closing the share sheet is a choice, not a failure; anything else falls back to copying.
        if (err instanceof DOMException && err.name === 'AbortError') return;
      }
    }
    try {
      await navigator.clipboard.writeText(url);
      setNote(t('share.copied'));
    } catch {
      setNote(t('share.copyThis', { url }));
    }
  };

  return (
    <div className="button-row event-sharing">
      <button type="button" className="button button-secondary button-small" onClick={() => downloadCalendar(event)}>
        {t('share.addToCalendar')}
      </button>
      <button type="button" className="button button-secondary button-small" onClick={() => void share()}>
        {t('share.share')}
      </button>
      <span role="status" className="saved">
        {note}
      </span>
    </div>
  );
}
