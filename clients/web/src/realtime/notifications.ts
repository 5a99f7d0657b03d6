// Browser notifications of what arrives on the user's own channel while Mingle is in the
// background: a new meeting request and a new direct message. They are shown only after the
// person turned them on with a control that asks the browser's permission at that moment (never
// on page load), and only while the tab is hidden: on screen, the badges already tell.

import i18n from 'i18next';
import type { MessageBody } from '../app/types';

/** What one notification says, and which screen a click on it opens. */
export interface Notice {
  title: string;
  body: string;
  /** One notification per meeting or conversation: a newer one replaces the older. */
  tag: string;
  url: string;
}

/** The message the service worker posts to the page when a notification is clicked. */
export const NOTICE_OPENED = 'mingle:notice-opened';

export interface NoticeOpened {
  type: typeof NOTICE_OPENED;
  url: string;
}

export function isNoticeOpened(data: unknown): data is NoticeOpened {
  return (
    typeof data === 'object' &&
    data !== null &&
    (data as NoticeOpened).type === NOTICE_OPENED &&
    typeof (data as NoticeOpened).url === 'string'
  );
}

/** What to tell `me` about a message on their own channel; null when it is not worth a notification. */
export function noticeFor(body: MessageBody, me: string): Notice | null {
  switch (body.kind) {
    case 'meeting': {
      const meeting = body.meeting;
      // Only a request waiting for this person's answer; their own requests and later changes are not news.
      if (meeting.status !== 'pending' || meeting.to.id !== me) return null;
      return {
        title: i18n.t('notifications.wantsToMeet', { name: meeting.from.display_name }),
        body: [meeting.place, meeting.message].filter((part) => part.trim()).join(' · '),
        tag: `meeting:${meeting.id}`,
        url: '/meetings',
      };
    }
    case 'dm':
      if (body.from.id === me) return null;
      return {
        title: i18n.t('notifications.messageFrom', { name: body.from.display_name }),
        body: body.preview,
        tag: `dm:${body.conversation_id}`,
        url: `/messages?open=${encodeURIComponent(body.conversation_id)}`,
      };
    default:
      return null;
  }
}

/** Where the person's choice is kept; the browser keeps its own permission. */
const CHOICE_KEY = 'mingle.notifications';

export type NotificationSetting = 'unsupported' | 'denied' | 'off' | 'on';

function supported(): boolean {
  return typeof window !== 'undefined' && 'Notification' in window;
}

function storedChoice(): string | null {
  try {
    return localStorage.getItem(CHOICE_KEY);
  } catch {
    return null;
  }
}

function storeChoice(choice: 'on' | 'off'): void {
  try {
    localStorage.setItem(CHOICE_KEY, choice);
  } catch {
    // Private mode or a full quota: the choice lasts until the tab closes.
  }
}

/** Whether notifications are on in this browser, off, blocked in its settings, or impossible. */
export function notificationSetting(): NotificationSetting {
  if (!supported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  return Notification.permission === 'granted' && storedChoice() === 'on' ? 'on' : 'off';
}

/** Whether the person has answered the live room's one-time question (either way). */
export function notificationsAsked(): boolean {
  return storedChoice() !== null;
}

/** Turns notifications on, asking the browser's permission first: call it from a click only. */
export async function turnOnNotifications(): Promise<NotificationSetting> {
  if (!supported()) return 'unsupported';
  const permission = await Notification.requestPermission();
  storeChoice(permission === 'granted' ? 'on' : 'off');
  return notificationSetting();
}

export function turnOffNotifications(): NotificationSetting {
  storeChoice('off');
  return notificationSetting();
}

const openListeners = new Set<(url: string) => void>();

/** Follows clicks on notifications shown without a service worker; answers the unsubscribe function. */
export function onNoticeOpened(listener: (url: string) => void): () => void {
  openListeners.add(listener);
  return () => openListeners.delete(listener);
}

/**
 * Shows what `body` tells `me`, when there is something to tell, notifications are on and the
 * tab is hidden. The service worker shows it where there is one (phones allow no other way);
 * otherwise the page does.
 */
export async function notifyInBackground(body: MessageBody, me: string): Promise<void> {
  if (typeof document === 'undefined' || document.visibilityState !== 'hidden') return;
  if (notificationSetting() !== 'on') return;
  const notice = noticeFor(body, me);
  if (!notice) return;
  const options: NotificationOptions = {
    body: notice.body,
    tag: notice.tag,
    icon: '/icons/icon-192.png',
    data: { url: notice.url },
  };
  const registration = await navigator.serviceWorker?.getRegistration().catch(() => undefined);
  if (registration?.active) {
    await registration.showNotification(notice.title, options);
    return;
  }
  const shown = new Notification(notice.title, options);
  shown.onclick = () => {
    window.focus();
    shown.close();
    for (const listener of [...openListeners]) listener(notice.url);
  };
}
