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
      if (body.kind === 'announcement') {
        dispatch(api.util.invalidateTags([{ type: 'Announcements', id: eventId }]));
      } else if (body.kind === 'event_updated') {
        dispatch(api.util.invalidateTags([{ type: 'Event', id: eventId }]));
      } else if (body.kind === 'counters') {
        dispatch(
          api.util.updateQueryData('event', eventId, (event) => {
            for (const [field, key] of [
              ['going_count', 'going'],
              ['waitlist_count', 'waitlisted'],
              ['interested_count', 'interested'],
              ['checked_in_count', 'checked_in'],
            ] as const) {
              if (typeof body[key] === 'number') event[field] = body[key];
            }
            if (typeof body.seats_left === 'number' || body.seats_left === null) event.seats_left = body.seats_left;
          }),
        );
        dispatch(api.util.invalidateTags(['Activity']));
      }
    },
  });
}
