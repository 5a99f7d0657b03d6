import { describe, expect, it } from 'vitest';
import type { MessageBody } from '../app/types';
import { isNoticeOpened, NOTICE_OPENED, noticeFor } from './notifications';

const ada = { id: 'ada', display_name: 'Ada Lovelace', headline: 'Founder' };
const ben = { id: 'ben', display_name: 'Ben Okafor', headline: 'Designer' };

const meeting = (status: 'pending' | 'accepted', from = ben, to = ada): MessageBody => ({
  kind: 'meeting',
  meeting: {
    id: 'm1',
    event_id: 'e1',
    from,
    to,
    status,
    place: 'By the coffee bar',
    message: '',
    starts_at: '2030-01-01T19:00:00Z',
    ends_at: '2030-01-01T19:15:00Z',
    created_at: '2030-01-01T18:00:00Z',
    updated_at: '2030-01-01T18:00:00Z',
  },
});

const dm = (from = ben): MessageBody => ({
  kind: 'dm',
  channel: 'dm:c1',
  conversation_id: 'c1',
  from: { id: from.id, display_name: from.display_name },
  offset: 3,
  preview: 'Shall we grab a coffee?',
  sent_at: '2030-01-01T18:00:00Z',
});

describe('what a notification tells', () => {
  it('tells of a meeting request waiting for my answer, and opens Meetings', () => {
    expect(noticeFor(meeting('pending'), 'ada')).toEqual({
      title: 'Ben Okafor wants to meet',
      body: 'By the coffee bar',
      tag: 'meeting:m1',
      url: '/meetings',
    });
  });

  it('is silent about my own requests and about answers', () => {
    expect(noticeFor(meeting('pending', ada, ben), 'ada')).toBeNull();
    expect(noticeFor(meeting('accepted'), 'ada')).toBeNull();
  });

  it('tells of a direct message from someone else, and opens its conversation', () => {
    expect(noticeFor(dm(), 'ada')).toEqual({
      title: 'Message from Ben Okafor',
      body: 'Shall we grab a coffee?',
      tag: 'dm:c1',
      url: '/messages?open=c1',
    });
    expect(noticeFor(dm(ada), 'ada')).toBeNull();
  });

  it('is silent about other kinds', () => {
    expect(noticeFor({ kind: 'suggestions', event_id: 'e1', items: [] }, 'ada')).toBeNull();
  });

  it('recognises the service worker telling of a click', () => {
    expect(isNoticeOpened({ type: NOTICE_OPENED, url: '/meetings' })).toBe(true);
    expect(isNoticeOpened({ type: 'SKIP_WAITING' })).toBe(false);
    expect(isNoticeOpened(null)).toBe(false);
  });
});
