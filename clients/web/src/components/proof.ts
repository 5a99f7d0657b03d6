// The proof for a change that needs one (see ProofField): which ways the account has to give it,
// the one in use, what is typed for it, and the API's `Confirmation` body it makes. A passkey is
// asked for when the form is sent (the browser's own dialog); an account with no way at all
// (made through a provider, nothing set up) confirms by having signed in a moment ago.

import { useState } from 'react';
import { usePasskeyConfirmationChallengeMutation } from '../app/api';
import { getPasskey, passkeyFailure } from '../app/passkeys';
import type { Confirmation } from '../app/types';

/** A way of confirming: typed (the first three), a passkey, or the recent sign-in alone. */
export type ProofMethod = 'password' | 'code' | 'recovery_code' | 'passkey' | 'recent';

/** The ways the account has to confirm a change. */
export interface ProofWays {
  password: boolean;
  /** An authenticator app is set up. */
  code: boolean;
  /** Two-step sign-in is on, so recovery codes exist. */
  recovery_code: boolean;
  /** A passkey is registered, and this page can use it. */
  passkey: boolean;
}

/** The order the ways are offered in: the first the account has comes first. */
const ORDER = ['password', 'code', 'passkey', 'recovery_code'] as const;

/** The ways `ways` has, in order; the recent sign-in alone when it has none. */
export function proofMethods(ways: ProofWays): ProofMethod[] {
  const offered = ORDER.filter((method) => ways[method]);
  return offered.length > 0 ? offered : ['recent'];
}

/** Whether `method` is confirmed by typing something. */
export const isTyped = (method: ProofMethod) =>
  method === 'password' || method === 'code' || method === 'recovery_code';

/** The proof being given, and the `Confirmation` body it makes. */
export function useProof(ways: ProofWays) {
  const methods = proofMethods(ways);
  const [chosen, setChosen] = useState<ProofMethod | null>(null);
  const method = chosen && methods.includes(chosen) ? chosen : methods[0];
  const [value, setValue] = useState('');
  /** What stopped the passkey: the person closing the dialog (`calm`), or a failure. */
  const [passkeyNote, setPasskeyNote] = useState<{ text: string; calm: boolean } | null>(null);
  const [challenge, challenging] = usePasskeyConfirmationChallengeMutation();
  const [asking, setAsking] = useState(false);
  return {
    methods,
    method,
    value,
    setValue,
    switchTo(next: ProofMethod) {
      setChosen(next);
      setValue('');
      setPasskeyNote(null);
    },
    /** False while a typed proof is still empty. */
    filled: !isTyped(method) || value.trim() !== '',
    /** The browser's passkey dialog is open. */
    busy: asking || challenging.isLoading,
    passkeyNote,
    /**
     * The body to send: what was typed, a passkey's answer (the dialog opens now), or nothing
     * but the session. Null when the passkey was not given; `passkeyNote` says why.
     */
    async body(): Promise<Confirmation | null> {
      if (method === 'code') return { code: value.replace(/\s/g, '') };
      if (method === 'recovery_code') return { recovery_code: value.trim() };
      if (method === 'password') return { password: value };
      if (method === 'recent') return {};
      setPasskeyNote(null);
      setAsking(true);
      try {
        return { passkey: await getPasskey(await challenge().unwrap()) };
      } catch (err) {
        setPasskeyNote(passkeyFailure(err));
        return null;
      } finally {
        setAsking(false);
      }
    },
    clear: () => {
      setValue('');
      setPasskeyNote(null);
    },
  };
}

export type Proof = ReturnType<typeof useProof>;
