import { describe, expect, it } from 'vitest';
import { attachmentName } from './download';

describe('the file name a download suggests', () => {
  it('reads a quoted name, as the attendee export sends it', () => {
    expect(attachmentName('attachment; filename="attendees-0b8f7d2e.csv"')).toBe('attendees-0b8f7d2e.csv');
  });

  it('reads an unquoted name', () => {
    expect(attachmentName('attachment; filename=attendees.csv; size=120')).toBe('attendees.csv');
  });

  it('prefers the UTF-8 name when both are given', () => {
    expect(attachmentName(`attachment; filename="Caf_.csv"; filename*=UTF-8''Caf%C3%A9.csv`)).toBe('Café.csv');
  });

  it('keeps no folder from the name', () => {
    expect(attachmentName('attachment; filename="../../etc/passwd"')).toBe('passwd');
    expect(attachmentName('attachment; filename="C:\\\\Temp\\\\list.csv"')).toBe('list.csv');
  });

  it('is null without a name', () => {
    expect(attachmentName(null)).toBeNull();
    expect(attachmentName('attachment')).toBeNull();
    expect(attachmentName('attachment; filename=""')).toBeNull();
  });
});
