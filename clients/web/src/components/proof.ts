// The proof being typed for a change that needs one (see ProofField), and the API's
// `Confirmation` body it makes.

import { useState } from 'react';
import type { Confirmation } from '../app/types';

export type ProofMethod = 'password' | 'code' | 'recovery_code';

/** The proof being typed, and the `Confirmation` body it makes. */
export function useProof() {
  const [method, setMethod] = useState<ProofMethod>('password');
  const [value, setValue] = useState('');
  return {
    method,
    value,
    setValue,
    switchTo(next: ProofMethod) {
      setMethod(next);
      setValue('');
    },
    /** Empty when nothing is typed yet. */
    filled: value.trim() !== '',
    body(): Confirmation {
      if (method === 'code') return { code: value.replace(/\s/g, '') };
      if (method === 'recovery_code') return { recovery_code: value.trim() };
      return { password: value };
    },
    clear: () => setValue(''),
  };
}

export type Proof = ReturnType<typeof useProof>;
