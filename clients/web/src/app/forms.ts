// What forms check before anything is sent.

/** What a person left empty, in words; `null` when everything needed is there. */
export function missingFields(
  mode: 'signin' | 'signup',
  { name, email, password }: { name: string; email: string; password: string },
): string | null {
  const missing = [
    mode === 'signup' && !name.trim() ? 'your name' : null,
    !email.trim() ? 'your e-mail address' : null,
    !password ? 'your password' : null,
  ].filter((m): m is string => m !== null);
  if (missing.length === 0) return null;
  const last = missing.pop() as string;
  return `Enter ${missing.length ? `${missing.join(', ')} and ${last}` : last}.`;
}
