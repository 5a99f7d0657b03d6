// Passkeys (WebAuthn) in the browser: whether this page can use the server's passkeys, and the
// two ceremonies, registering one (`navigator.credentials.create`) and answering a challenge
// with one (`navigator.credentials.get`). The server's challenge carries WebAuthn's options as
// JSON, binary fields as unpadded base64url; the browser wants those as bytes, and its answer
// goes back as JSON again. Browsers that have `PublicKeyCredential.parse...FromJSON` and
// `credential.toJSON()` do both conversions themselves; for the others, the converters here do
// the same.

import i18n from 'i18next';
import { errorMessage, useProvidersQuery } from './api';
import type { Schemas } from './types';

export type PasskeyChallenge = Schemas['PasskeyChallenge'];
export type PasskeyAnswer = Schemas['PasskeyAnswer'];

/**
 * Whether passkeys can be offered on this page: the server has them (`rpId`, the domain they
 * belong to), the browser speaks WebAuthn, and the page is on that domain or below it (a passkey
 * made for `example.org` works on `app.example.org`, never on another site or an IP address).
 */
export function passkeysUsable(rpId: string | null | undefined, hostname: string, webAuthn: boolean): boolean {
  if (!rpId || !webAuthn) return false;
  const host = hostname.toLowerCase();
  const domain = rpId.toLowerCase();
  return host === domain || host.endsWith(`.${domain}`);
}

/** Whether this browser has WebAuthn at all. */
export const browserHasWebAuthn = () =>
  typeof window !== 'undefined' && typeof window.PublicKeyCredential === 'function' && !!navigator.credentials;

/** Whether this page offers passkeys (see `passkeysUsable`); false until the server has said. */
export function usePasskeysUsable(): boolean {
  const { data } = useProvidersQuery();
  return passkeysUsable(data?.passkey_rp_id, window.location.hostname, browserHasWebAuthn());
}

/** Bytes as unpadded base64url. */
export function toBase64url(bytes: ArrayBuffer | ArrayBufferView): string {
  const view =
    bytes instanceof ArrayBuffer
      ? new Uint8Array(bytes)
      : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let binary = '';
  for (const byte of view) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Unpadded (or padded) base64url as bytes. */
export function fromBase64url(text: string): ArrayBuffer {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

/** A credential named in options (to exclude, or to allow), with its id as bytes. */
const descriptor = (d: PublicKeyCredentialDescriptorJSON): PublicKeyCredentialDescriptor => ({
  ...d,
  id: fromBase64url(d.id),
  type: d.type as PublicKeyCredentialType,
  transports: d.transports as AuthenticatorTransport[] | undefined,
});

/** Registration options from their JSON form, as `PublicKeyCredential.parseCreationOptionsFromJSON` makes them. */
export function creationOptionsFromJSON(
  json: PublicKeyCredentialCreationOptionsJSON,
): PublicKeyCredentialCreationOptions {
  return {
    ...json,
    challenge: fromBase64url(json.challenge),
    user: { ...json.user, id: fromBase64url(json.user.id) },
    excludeCredentials: json.excludeCredentials?.map(descriptor),
    attestation: json.attestation as AttestationConveyancePreference | undefined,
    extensions: json.extensions as AuthenticationExtensionsClientInputs | undefined,
  };
}

/** Sign-in options from their JSON form, as `PublicKeyCredential.parseRequestOptionsFromJSON` makes them. */
export function requestOptionsFromJSON(json: PublicKeyCredentialRequestOptionsJSON): PublicKeyCredentialRequestOptions {
  return {
    ...json,
    challenge: fromBase64url(json.challenge),
    allowCredentials: json.allowCredentials?.map(descriptor),
    userVerification: json.userVerification as UserVerificationRequirement | undefined,
    extensions: json.extensions as AuthenticationExtensionsClientInputs | undefined,
  };
}

/** The parts of a credential the JSON form is made of (a `PublicKeyCredential`, or one like it). */
export interface CredentialParts {
  id: string;
  rawId: ArrayBuffer;
  type: string;
  authenticatorAttachment?: string | null;
  response: {
    clientDataJSON: ArrayBuffer;
    attestationObject?: ArrayBuffer;
    authenticatorData?: ArrayBuffer;
    signature?: ArrayBuffer;
    userHandle?: ArrayBuffer | null;
    getTransports?: () => string[];
  };
  getClientExtensionResults(): AuthenticationExtensionsClientOutputs;
}

/**
 * A credential as JSON, as `PublicKeyCredential.toJSON()` makes it: a registration's response has
 * `attestationObject` (and the transports), a sign-in's `authenticatorData`, `signature` and
 * `userHandle`; bytes as unpadded base64url.
 */
export function credentialToJSON(credential: CredentialParts): Record<string, unknown> {
  const { response } = credential;
  const json: Record<string, unknown> = { clientDataJSON: toBase64url(response.clientDataJSON) };
  if (response.attestationObject) {
    json.attestationObject = toBase64url(response.attestationObject);
    const transports = response.getTransports?.();
    if (transports) json.transports = transports;
  }
  if (response.authenticatorData) json.authenticatorData = toBase64url(response.authenticatorData);
  if (response.signature) json.signature = toBase64url(response.signature);
  if (response.userHandle) json.userHandle = toBase64url(response.userHandle);
  return {
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment ?? null,
    response: json,
    // Nothing this app asks for comes back as bytes, so the results are JSON already.
    clientExtensionResults: credential.getClientExtensionResults(),
  };
}

/** The `publicKey` options inside a challenge, as the server sent them. */
function publicKeyOf<T>(challenge: PasskeyChallenge): T {
  // The document types `options` as an object of any shape; its `publicKey` is WebAuthn's.
  return (challenge.options as unknown as { publicKey: T }).publicKey;
}

/** The browser's own JSON form of a credential, when it has one; else the converter's. */
function answerOf(challenge: PasskeyChallenge, credential: Credential | null): PasskeyAnswer {
  if (!(credential instanceof PublicKeyCredential)) throw new DOMException('No passkey was chosen.', 'NotAllowedError');
  // Older browsers lack `toJSON()`, whatever the DOM's types say.
  const { toJSON } = credential as { toJSON?: () => unknown };
  // The document types `credential` as an object of any shape.
  const json = (toJSON ? toJSON.call(credential) : credentialToJSON(credential)) as PasskeyAnswer['credential'];
  return { challenge_id: challenge.challenge_id, credential: json };
}

/** Registers a new passkey for the server's registration challenge; its answer is what `POST /me/passkeys` takes. */
export async function createPasskey(challenge: PasskeyChallenge): Promise<PasskeyAnswer> {
  const json = publicKeyOf<PublicKeyCredentialCreationOptionsJSON>(challenge);
  const publicKey =
    typeof PublicKeyCredential.parseCreationOptionsFromJSON === 'function'
      ? PublicKeyCredential.parseCreationOptionsFromJSON(json)
      : creationOptionsFromJSON(json);
  return answerOf(challenge, await navigator.credentials.create({ publicKey }));
}

/**
 * Answers the server's sign-in (or confirmation) challenge with a passkey the person picks in
 * the browser's own dialog. The server's `mediation` is left out: it may suggest the e-mail
 * field's autofill, but this is asked for by a button, and the dialog must open.
 */
export async function getPasskey(challenge: PasskeyChallenge): Promise<PasskeyAnswer> {
  const json = publicKeyOf<PublicKeyCredentialRequestOptionsJSON>(challenge);
  const publicKey =
    typeof PublicKeyCredential.parseRequestOptionsFromJSON === 'function'
      ? PublicKeyCredential.parseRequestOptionsFromJSON(json)
      : requestOptionsFromJSON(json);
  return answerOf(challenge, await navigator.credentials.get({ publicKey }));
}

/**
 * What a failed passkey ceremony means for the person, when the browser (not the server) stopped
 * it: `cancelled` when they closed the dialog, or no passkey answered in time (browsers say both
 * the same way, on purpose); `exists` when this authenticator already holds one for the account;
 * `unsupported` when this page or browser cannot use passkeys. `null` for anything else (the
 * server's errors included).
 */
export function passkeyRefusal(error: unknown): 'cancelled' | 'exists' | 'unsupported' | null {
  if (!(error instanceof DOMException) && !(error instanceof Error)) return null;
  switch (error.name) {
    case 'NotAllowedError':
    case 'AbortError':
      return 'cancelled';
    case 'InvalidStateError':
      return 'exists';
    case 'SecurityError':
    case 'NotSupportedError':
      return 'unsupported';
    default:
      return null;
  }
}

/**
 * What stopped a passkey ceremony, in a sentence: `calm` when it was the person's own choice
 * (they closed the dialog), said as a note rather than an alarm; else the browser's or the
 * server's reason.
 */
export function passkeyFailure(error: unknown): { text: string; calm: boolean } {
  const refusal = passkeyRefusal(error);
  if (refusal === 'cancelled') return { text: i18n.t('passkeys.cancelled'), calm: true };
  if (refusal === 'exists') return { text: i18n.t('error.code.passkey_exists'), calm: false };
  if (refusal === 'unsupported') return { text: i18n.t('passkeys.unsupported'), calm: false };
  return { text: errorMessage(error), calm: false };
}
