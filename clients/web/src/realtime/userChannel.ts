// What a message on the user's own channel (`user:{id}`) changes in the app: a meeting change
// refetches meetings and that event's suggestions, a pushed suggestion list replaces the cached
// one, and a direct-message notice counts as unread and refreshes the conversation list.

import { api } from '../app/api';
import type { AppDispatch } from '../app/store';
import type { MessageBody } from '../app/types';
import { dmNoticed } from './dmSlice';

export function applyUserMessage(dispatch: AppDispatch, body: MessageBody): void {
  switch (body.kind) {
    case 'meeting':
      dispatch(api.util.invalidateTags(['Meetings', 'Activity', { type: 'Suggestions', id: body.meeting.event_id }]));
      break;
    case 'suggestions':
      void dispatch(api.util.upsertQueryData('suggestions', body.event_id, { items: body.items }));
      break;
    case 'dm':
      dispatch(dmNoticed(body));
      dispatch(api.util.invalidateTags(['Conversations']));
      break;
    // Other kinds belong to other channels; unknown ones are ignored, as the protocol asks.
  }
}
