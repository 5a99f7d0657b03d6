// Names of the API's enumerations as the screens show them, in the active language.

import type { TFunction } from 'i18next';
import type { MingleEvent } from '../app/types';

type RsvpStatus = NonNullable<MingleEvent['my_rsvp']>;

/** "going", "interested", "on the waitlist". */
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
