// Names of the API's enumerations as the screens show them, in the active language.

import type { TFunction } from 'i18next';
import type { MingleEvent } from '../app/types';

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
