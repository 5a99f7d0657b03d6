// Names of the API's enumerations as the screens show them, in the active language.

import type { TFunction } from 'i18next';
import type { MingleEvent, Source, Stage } from '../app/types';

type RsvpStatus = NonNullable<MingleEvent['my_rsvp']>;

/** The viewer's own answer: "going", "interested", "waitlisted" ("иду" in Russian). */
export function rsvpLabel(t: TFunction, status: RsvpStatus): string {
  switch (status) {
    case 'going':
      return t('rsvp.going');
    case 'interested':
      return t('rsvp.interested');
    case 'waitlisted':
      return t('rsvp.waitlisted');
  }
}

/** An attendee's answer as the organizers read it: "going", "interested", "waitlisted". */
export function attendeeStatusLabel(t: TFunction, status: RsvpStatus): string {
  switch (status) {
    case 'going':
      return t('rsvp.their.going');
    case 'interested':
      return t('rsvp.their.interested');
    case 'waitlisted':
      return t('rsvp.their.waitlisted');
  }
}

/** A step of an event's funnel, as its organizers read it: "Viewed the event's page", "RSVP'd", ... */
export function stageLabel(t: TFunction, stage: Stage): string {
  switch (stage) {
    case 'viewed':
      return t('analytics.stage.viewed');
    case 'rsvped':
      return t('analytics.stage.rsvped');
    case 'checked_in':
      return t('analytics.stage.checkedIn');
    case 'chatted':
      return t('analytics.stage.chatted');
    case 'meeting_requested':
      return t('analytics.stage.meetingRequested');
    case 'meeting_accepted':
      return t('analytics.stage.meetingAccepted');
    case 'met':
      return t('analytics.stage.met');
  }
}

/** Where an RSVP came from: "Picked for them", "Search", "Browsing", "Notifications", "A link". */
export function sourceLabel(t: TFunction, source: Source): string {
  switch (source) {
    case 'recommendations':
      return t('analytics.source.recommendations');
    case 'search':
      return t('analytics.source.search');
    case 'browse':
      return t('analytics.source.browse');
    case 'notifications':
      return t('analytics.source.notifications');
    case 'link':
      return t('analytics.source.link');
  }
}
