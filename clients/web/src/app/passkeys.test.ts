import { describe, expect, it } from 'vitest';
import {
  credentialToJSON,
  creationOptionsFromJSON,
  fromBase64url,
  passkeyFailure,
  passkeyRefusal,
  passkeysUsable,
  requestOptionsFromJSON,
  toBase64url,
} from './passkeys';

const bytes = (...values: number[]) => new Uint8Array(values).buffer;
const list = (buffer: BufferSource | undefined) =>
  buffer instanceof ArrayBuffer ? [...new Uint8Array(buffer)] : buffer ? [...new Uint8Array(buffer.buffer)] : [];

describe('passkeysUsable', () => {
  it('needs the server to offer passkeys and the browser to have WebAuthn', () => {
    expect(passkeysUsable(null, 'mingle.example', true)).toBe(false);
    expect(passkeysUsable('mingle.example', 'mingle.example', false)).toBe(false);
    expect(passkeysUsable('mingle.example', 'mingle.example', true)).toBe(true);
  });

  it('works on the domain and below it, never beside it', () => {
    expect(passkeysUsable('example.org', 'app.example.org', true)).toBe(true);
    expect(passkeysUsable('Example.org', 'APP.example.org', true)).toBe(true);
    expect(passkeysUsable('example.org', 'badexample.org', true)).toBe(false);
    expect(passkeysUsable('app.example.org', 'example.org', true)).toBe(false);
    expect(passkeysUsable('localhost', '127.0.0.1', true)).toBe(false);
    expect(passkeysUsable('localhost', 'localhost', true)).toBe(true);
  });
});

describe('base64url', () => {
  it('round-trips every byte value, without padding', () => {
    const all = new Uint8Array(256).map((_, i) => i);
    const text = toBase64url(all);
    expect(text).not.toMatch(/[+/=]/);
    expect([...new Uint8Array(fromBase64url(text))]).toEqual([...all]);
  });

  it('reads the URL-safe alphabet, padded or not', () => {
    expect(toBase64url(bytes(0xfb, 0xff))).toBe('-_8');
    expect(list(fromBase64url('-_8'))).toEqual([0xfb, 0xff]);
    expect(list(fromBase64url('-_8='))).toEqual([0xfb, 0xff]);
    expect(list(fromBase64url(''))).toEqual([]);
  });

  it('encodes a view of part of a buffer, not the whole buffer', () => {
    const whole = new Uint8Array([1, 2, 3, 4]);
    expect(toBase64url(whole.subarray(1, 3))).toBe(toBase64url(bytes(2, 3)));
  });
});

describe('creationOptionsFromJSON', () => {
  it('decodes the challenge, the user id and the credentials to exclude, and keeps the rest', () => {
    const options = creationOptionsFromJSON({
      challenge: 'AQID',
      rp: { id: 'localhost', name: 'Mingle' },
      user: { id: 'BAU', name: 'ada@example.com', displayName: 'Ada' },
      pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
      excludeCredentials: [{ type: 'public-key', id: 'Bgc', transports: ['internal'] }],
      authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
      attestation: 'none',
      timeout: 300000,
    });
    expect(list(options.challenge)).toEqual([1, 2, 3]);
    expect(list(options.user.id)).toEqual([4, 5]);
    expect(options.user.name).toBe('ada@example.com');
    expect(options.excludeCredentials?.map((c) => list(c.id))).toEqual([[6, 7]]);
    expect(options.excludeCredentials?.[0].transports).toEqual(['internal']);
    expect(options.rp).toEqual({ id: 'localhost', name: 'Mingle' });
    expect(options.pubKeyCredParams).toEqual([{ type: 'public-key', alg: -7 }]);
    expect(options.authenticatorSelection?.residentKey).toBe('required');
    expect(options.timeout).toBe(300000);
  });
});

describe('requestOptionsFromJSON', () => {
  it('decodes the challenge and the allowed credentials', () => {
    const options = requestOptionsFromJSON({
      challenge: '_w',
      rpId: 'localhost',
      allowCredentials: [{ type: 'public-key', id: 'CAk' }],
      userVerification: 'preferred',
    });
    expect(list(options.challenge)).toEqual([0xff]);
    expect(options.allowCredentials?.map((c) => list(c.id))).toEqual([[8, 9]]);
    expect(options.rpId).toBe('localhost');
    expect(options.userVerification).toBe('preferred');
  });

  it('leaves out an allow list the server did not send (a passkey alone picks the account)', () => {
    expect(requestOptionsFromJSON({ challenge: 'AA' }).allowCredentials).toBeUndefined();
  });
});

describe('credentialToJSON', () => {
  it('writes a registration the way toJSON() does', () => {
    const json = credentialToJSON({
      id: 'AQI',
      rawId: bytes(1, 2),
      type: 'public-key',
      authenticatorAttachment: 'platform',
      response: { clientDataJSON: bytes(123, 125), attestationObject: bytes(0xa0), getTransports: () => ['internal'] },
      getClientExtensionResults: () => ({ credProps: { rk: true } }),
    });
    expect(json).toEqual({
      id: 'AQI',
      rawId: 'AQI',
      type: 'public-key',
      authenticatorAttachment: 'platform',
      response: { clientDataJSON: 'e30', attestationObject: 'oA', transports: ['internal'] },
      clientExtensionResults: { credProps: { rk: true } },
    });
  });

  it('writes a sign-in the way toJSON() does', () => {
    const json = credentialToJSON({
      id: 'AQI',
      rawId: bytes(1, 2),
      type: 'public-key',
      response: {
        clientDataJSON: bytes(123, 125),
        authenticatorData: bytes(1),
        signature: bytes(2),
        userHandle: bytes(3),
      },
      getClientExtensionResults: () => ({}),
    });
    expect(json.response).toEqual({
      clientDataJSON: 'e30',
      authenticatorData: 'AQ',
      signature: 'Ag',
      userHandle: 'Aw',
    });
    expect(json.clientExtensionResults).toEqual({});
    expect(json.authenticatorAttachment).toBeNull();
  });

  it('leaves out a user handle the authenticator did not give', () => {
    const json = credentialToJSON({
      id: 'AQ',
      rawId: bytes(1),
      type: 'public-key',
      response: { clientDataJSON: bytes(1), authenticatorData: bytes(1), signature: bytes(1), userHandle: null },
      getClientExtensionResults: () => ({}),
    });
    expect(json.response).not.toHaveProperty('userHandle');
  });
});

describe('passkeyFailure', () => {
  it('says a closed dialog calmly', () => {
    const closed = new DOMException('The operation either timed out or was not allowed.', 'NotAllowedError');
    expect(passkeyRefusal(closed)).toBe('cancelled');
    const { text, calm } = passkeyFailure(closed);
    expect(text).toMatch(/^No passkey was used/);
    expect(calm).toBe(true);
  });

  it('knows a passkey this device already holds, and a page that cannot use passkeys', () => {
    expect(passkeyFailure(new DOMException('', 'InvalidStateError')).text).toMatch(/already/);
    expect(passkeyRefusal(new DOMException('', 'SecurityError'))).toBe('unsupported');
  });

  it("says the server's reasons by their code", () => {
    const failed = { status: 401, data: { error: { code: 'passkey_not_recognized', message: 'unknown passkey' } } };
    expect(passkeyRefusal(failed)).toBeNull();
    const { text, calm } = passkeyFailure(failed);
    expect(text).toMatch(/not registered/);
    expect(calm).toBe(false);
  });
});
