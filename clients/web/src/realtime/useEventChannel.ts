// Follows an event's own channel (`event:{id}`) and applies what it carries to the cache:
// announcements, detail changes and live counters.

import { api } from '../app/api';
import { useAppDispatch } from '../app/hooks';
import { useChannel } from './hooks';

export function useEventChannel(eventId: string | undefined) {
  const dispatch = useAppDispatch();
  useChannel(eventId ? `event:${eventId}` : null, {
    onEvent: (e) => {
      if (!eventId || e.kind !== 'message') return;
      const body = e.message.body;
      switch (body.kind) {
        case 'announcement':
          dispatch(api.util.invalidateTags([{ type: 'Announcements', id: eventId }]));
          break;
        case 'event_updated':
          // Refetched rather than replaced: the pushed event cannot carry the caller's own fields
          // (their RSVP, whether they organize it, the check-in code).
          dispatch(api.util.invalidateTags([{ type: 'Event', id: eventId }]));
          break;
        case 'counters':
          dispatch(
            api.util.updateQueryData('event', eventId, (event) => {
              event.going_count = body.going;
              event.waitlist_count = body.waitlisted;
              event.interested_count = body.interested;
              event.checked_in_count = body.checked_in;
              event.seats_left = body.seats_left ?? null;
            }),
          );
          dispatch(api.util.invalidateTags(['Activity']));
          break;
        // Other kinds belong to other channels; unknown ones are ignored, as the protocol asks.
      }
    },
  });
}
