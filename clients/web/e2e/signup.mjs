// Signing up as the test server has it: with mail, so sign-up confirms the address first. The
// sign-up form ends on "Check your mail", and the account works once the link mailed to the
// address is opened; through the API, registering answers 202 and the link answers the session.

import assert from 'node:assert/strict';

/** The path and query (`/verify-email?token=...`) of the link that finishes the sign-up of `email`. */
async function signupLink(mail, email) {
  const confirmation = await mail.waitFor(email, { subject: /^Confirm your e-mail address/ });
  const link = /\/verify-email\?token=[\w-]+/.exec(confirmation.text)?.[0];
  assert.ok(link, `a link in the mail to ${email}:\n${confirmation.text}`);
  return link;
}

/**
 * After the sign-up form was sent for `email`: "Check your mail" names the address, and the link
 * from the mail, opened in the same page (on its own origin: `base`), signs in and moves on.
 */
export async function confirmSignUp(page, base, mail, email) {
  await page.getByTestId('check-mail').filter({ hasText: email }).waitFor();
  await page.goto(`${base}${await signupLink(mail, email)}`);
}

/** Signs someone up through the API and opens their link; answers the session it starts. */
export async function apiSignUp({ base, mail }, { name, email, password }) {
  const registered = await fetch(`${base}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ display_name: name, email, password }),
  });
  assert.equal(registered.status, 202, `register ${email}: ${registered.status}`);
  const token = new URLSearchParams((await signupLink(mail, email)).split('?')[1]).get('token');
  const verified = await fetch(`${base}/api/v1/auth/email/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  const body = await verified.json();
  assert.ok(verified.ok && body.session, `the link of ${email}: ${verified.status} ${JSON.stringify(body)}`);
  return body.session;
}
