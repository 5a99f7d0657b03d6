import { describe, expect, it } from 'vitest';
import { isTyped, proofMethods } from './proof';

const none = { password: false, code: false, recovery_code: false, passkey: false };

describe('the ways to confirm a change', () => {
  it('start with the password, then the app, a passkey and a recovery code', () => {
    expect(proofMethods({ password: true, code: true, recovery_code: true, passkey: true })).toEqual([
      'password',
      'code',
      'passkey',
      'recovery_code',
    ]);
  });

  it('lead with a passkey for an account with no password and no app', () => {
    expect(proofMethods({ ...none, recovery_code: true, passkey: true })).toEqual(['passkey', 'recovery_code']);
  });

  it('fall back on the recent sign-in when the account has nothing to confirm with', () => {
    expect(proofMethods(none)).toEqual(['recent']);
    expect(isTyped('recent')).toBe(false);
    expect(isTyped('passkey')).toBe(false);
    expect(isTyped('recovery_code')).toBe(true);
  });
});
