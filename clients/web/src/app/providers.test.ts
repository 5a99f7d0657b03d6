import { describe, expect, it } from 'vitest';
import { providerReturn } from './providers';

describe('the way back from an identity provider', () => {
  it('brings the second factor’s ticket in the fragment, or the code of what went wrong', () => {
    expect(providerReturn('', '#mfa_ticket=abc-DEF_123')).toEqual({ ticket: 'abc-DEF_123', error: null });
    expect(providerReturn('?provider_error=unverified_email', '')).toEqual({ ticket: null, error: 'unverified_email' });
    expect(providerReturn('', '')).toEqual({ ticket: null, error: null });
    expect(providerReturn('?provider_error=', '#mfa_ticket=')).toEqual({ ticket: null, error: null });
  });
});
