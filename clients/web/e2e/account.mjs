// The account's whole life in the browser, against the real server and its real SMTP mailbox:
// Grace signs up and is told to check her mail; signing in before she opens the link says so and
// sends the link again, and only the newest link works; opening it signs her in at her new
// profile, her address confirmed. Her refresh token stays out of the page's storage (an HttpOnly
// cookie that a reload signs in with). From Sign-in and
// security she sees her devices, signs out one made over plain HTTP (its token stops working) and
// then every other, and a second browser of hers lands on the sign-in screen saying so. She turns
// on two-step sign-in with a code computed here from the secret on the page (RFC 6238), saves her
// recovery codes, signs in with a code and with a recovery code, changes her password and her
// address (through the link mailed to the new one), downloads her data, resets a forgotten
// password through the mailed link, and deletes her account: she is signed out, cannot sign in
// again, and the event she organized alone is cancelled.

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

const PASSWORD = 'correct horse battery';

/** The base32 (RFC 4648) secret of an authenticator app as bytes. */
function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of text.replace(/=+$/, '').toUpperCase()) {
    const value = alphabet.indexOf(char);
    assert.ok(value >= 0, `"${char}" is not base32`);
    bits += value.toString(2).padStart(5, '0');
  }
  const bytes = bits.match(/.{8}/g) ?? [];
  return Buffer.from(bytes.map((b) => Number.parseInt(b, 2)));
}

/** The six-digit TOTP code (RFC 6238: HMAC-SHA1, 30-second steps) of `secret` for time step `step`. */
function totp(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/**
 * An authenticator app: each code it hands out is for a later step than the last one, as the
 * server accepts a step once; it may be one step ahead (the drift the server allows), and waits
 * for the clock when even that one is spent.
 */
export function authenticator(secret) {
  let last = -1;
  return {
    async code() {
      for (;;) {
        const now = Math.floor(Date.now() / 30_000);
        const step = Math.max(now, last + 1);
        if (step <= now + 1) {
          last = step;
          return totp(secret, step);
        }
        await new Promise((r) => setTimeout(r, (now + 1) * 30_000 - Date.now() + 200));
      }
    },
  };
}

/** The link to `path` in a mail's text. */
function linkIn(text, base, path) {
  const escaped = `${base}${path}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const link = new RegExp(`${escaped}\\?token=[\\w-]+`).exec(text)?.[0];
  assert.ok(link, `a ${path} link in the mail:\n${text}`);
  return link;
}

/** The refresh cookie the browser holds for the app. */
async function refreshCookie(context) {
  return (await context.cookies()).find((c) => c.name === 'mingle_refresh');
}

/** The refresh token is nowhere in the page's storage, under any key or in any value. */
async function refreshTokenNotStored(page, context) {
  const cookie = await refreshCookie(context);
  assert.ok(cookie?.value, 'the browser holds the refresh cookie');
  assert.equal(cookie.httpOnly, true, 'the page cannot read the refresh cookie');
  assert.equal(cookie.sameSite, 'Strict');
  assert.equal(cookie.path, '/api/v1/auth');
  const stored = await page.evaluate(() => [...Object.entries(localStorage), ...Object.entries(sessionStorage)]);
  assert.ok(stored.length > 0, 'the session hint is stored');
  for (const [key, value] of stored) {
    assert.ok(!key.includes(cookie.value) && !value.includes(cookie.value), `the refresh token is in storage (${key})`);
    assert.doesNotMatch(`${key} ${value}`, /refresh/i, `storage names a refresh token (${key})`);
  }
  return cookie.value;
}

async function signIn(page, base, email, password) {
  await page.goto(`${base}/signin`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Signs in over plain HTTP, as another device would; answers the session. */
async function apiSignIn(base, email, password) {
  const response = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  return { status: response.status, body: await response.json() };
}

export async function accountLifecycle(browser, options, server, width, { shot, log, timeout }) {
  const { base, mail } = server;
  const context = await browser.newContext({ ...options, acceptDownloads: true });
  context.setDefaultTimeout(timeout);
  const page = await context.newPage();
  page.on('pageerror', (error) => log('Grace page error:', error.message));
  let email = `grace-${width}-${Date.now().toString(36)}@example.com`;
  let password = PASSWORD;
  const mainNav = page.getByRole('navigation', { name: 'Main' });

  log(width, 'Grace signs up, and is told to check her mail');
  await page.goto(`${base}/signup`);
  await page.getByLabel('Your name').fill('Grace Hopper');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByRole('heading', { name: 'Check your mail' }).waitFor();
  await page
    .getByTestId('check-mail')
    .filter({ hasText: `We sent a mail to ${email}.` })
    .waitFor();
  assert.equal(await page.title(), 'Check your mail · Mingle');
  assert.equal(await page.evaluate(() => localStorage.getItem('mingle.session')), null, 'not signed in yet');
  assert.ok(!(await refreshCookie(context))?.value, 'no refresh cookie yet');
  await shot(page, 'check-mail', width);
  const first = linkIn(
    (await mail.waitFor(email, { subject: /^Confirm your e-mail address/ })).text,
    base,
    '/verify-email',
  );

  log(width, 'signing in before the link is opened says so, and sends the link again');
  await page.getByRole('link', { name: 'Back to sign in' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'Confirm your address first' }).waitFor();
  await page.getByRole('button', { name: 'Send the link again' }).click();
  await page.getByTestId('link-resent').filter({ hasText: `a new link is on its way` }).waitFor();
  const newest = linkIn(
    (await mail.waitFor(email, { subject: /^Confirm your e-mail address/ })).text,
    base,
    '/verify-email',
  );
  await page.goto(first);
  await page.getByRole('heading', { name: 'This link did not work' }).waitFor();

  log(width, 'the newest link signs her in at her new profile; a reload signs her in with the cookie');
  await page.goto(newest);
  await page.getByRole('heading', { name: /Welcome! Tell people about you/ }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/profile');
  assert.equal(await page.getByTestId('email-reminder').count(), 0, 'the address is confirmed');
  const firstCookie = await refreshTokenNotStored(page, context);
  // The event she alone organizes, which her account's end cancels.
  const token = await page.evaluate(() => JSON.parse(localStorage.getItem('mingle.session')).accessToken);
  const created = await fetch(`${base}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      title: 'Compiler Tea',
      description: 'Tea and a talk on compilers.',
      tags: ['compilers'],
      venue: { name: 'The Library', address: 'London', lat: 51.5, lon: -0.1 },
      starts_at: new Date(Date.now() + 5 * 24 * 3600_000).toISOString(),
      ends_at: new Date(Date.now() + 5 * 24 * 3600_000 + 2 * 3600_000).toISOString(),
      timezone: 'Europe/London',
    }),
  });
  assert.equal(created.status, 201, 'she creates an event');
  const eventId = (await created.json()).id;
  // The access token kept for the reload has run out: the reload signs in through the cookie.
  await page.evaluate(() => {
    const stored = JSON.parse(localStorage.getItem('mingle.session'));
    localStorage.setItem('mingle.session', JSON.stringify({ ...stored, expiresAt: 0 }));
  });
  const refreshed = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/refresh'));
  await page.reload();
  assert.equal((await refreshed).status(), 200, 'the reload refreshes the session with the cookie');
  await mainNav.waitFor();
  assert.equal(new URL(page.url()).pathname, '/profile', 'still signed in after the reload');
  const rotated = await refreshTokenNotStored(page, context);
  assert.notEqual(rotated, firstCookie, 'the refresh rotated the cookie');

  log(width, 'the link she opened does not work twice');
  await page.goto(newest);
  await page.getByRole('alert').filter({ hasText: 'This link was already used' }).waitFor();
  await page.getByText(`Your address ${email} is confirmed: nothing more to do.`).waitFor();

  log(width, 'her devices: one signed in over HTTP is signed out, then a second browser of hers');
  const other = await browser.newContext(options);
  other.setDefaultTimeout(timeout);
  const otherPage = await other.newPage();
  await signIn(otherPage, base, email, password);
  await otherPage.locator('[data-testid="connection"][data-status="open"]').waitFor();
  const script = await apiSignIn(base, email, password);
  assert.equal(script.status, 200);
  await page.goto(`${base}/profile`);
  await page.getByRole('link', { name: 'Open sign-in and security' }).click();
  await page.getByRole('heading', { name: 'Sign-in and security', level: 1 }).waitFor();
  assert.equal(await page.title(), 'Sign-in and security · Mingle');
  const devices = page.getByTestId('devices').getByTestId('device');
  await devices.nth(2).waitFor();
  assert.equal(await devices.count(), 3, 'three devices are signed in');
  const current = devices.filter({ hasText: 'This device' });
  assert.match(await current.textContent(), /^Chrome on LinuxThis deviceActive now/, 'this device comes first');
  await page.getByRole('button', { name: 'Sign out of node' }).click();
  await page.getByRole('status').filter({ hasText: 'node is signed out.' }).waitFor();
  await devices.nth(2).waitFor({ state: 'detached' });
  assert.equal(await devices.count(), 2);
  const revoked = await fetch(`${base}/api/v1/me`, {
    headers: { authorization: `Bearer ${script.body.access_token}` },
  });
  assert.equal(revoked.status, 401, 'a signed-out device’s token stops working');
  assert.equal((await revoked.json()).error.code, 'session_revoked');
  await page.getByRole('button', { name: 'Sign out of all other devices' }).click();
  await page.getByRole('status').filter({ hasText: 'Every other device is signed out.' }).waitFor();
  await devices.nth(1).waitFor({ state: 'detached' });
  assert.equal(await devices.count(), 1);
  // The other browser's live connection is closed; it ends up on the sign-in screen, saying why.
  await otherPage
    .getByTestId('auth-notice')
    .filter({ hasText: 'You were signed out on this device' })
    .waitFor({ timeout: 15_000 });
  await otherPage.getByRole('heading', { name: 'Welcome back' }).waitFor();
  assert.equal(await otherPage.evaluate(() => localStorage.getItem('mingle.session')), null);
  await other.close();
  await shot(page, 'security', width);

  log(width, 'she turns on two-step sign-in and saves her recovery codes');
  const twoStep = page.getByTestId('two-step');
  await twoStep.getByRole('button', { name: 'Set up an authenticator app' }).click();
  const setup = twoStep.getByTestId('totp-setup');
  await setup.getByRole('img', { name: 'QR code that adds Mingle to an authenticator app' }).waitFor();
  const secret = (await setup.getByTestId('totp-secret').textContent()).replace(/\s/g, '');
  assert.match(secret, /^[A-Z2-7]{16,}$/, 'the key to type in is shown');
  await shot(page, 'totp-setup', width, { at: twoStep });
  const app = authenticator(secret);
  await setup.getByLabel('Enter the 6-digit code the app now shows').fill(await app.code());
  await setup.getByRole('button', { name: 'Turn on' }).click();
  const saved = twoStep.getByTestId('recovery-codes');
  await saved.waitFor();
  const codes = await saved.locator('li code').allTextContents();
  assert.equal(codes.length, 10, 'ten recovery codes');
  await twoStep.getByText('On', { exact: true }).waitFor();
  await shot(page, 'recovery-codes', width, { at: twoStep });
  const [codesFile] = await Promise.all([
    page.waitForEvent('download'),
    saved.getByRole('button', { name: 'Download' }).click(),
  ]);
  assert.equal(codesFile.suggestedFilename(), 'mingle-recovery-codes.txt');
  const codesText = readFileSync(await codesFile.path(), 'utf8');
  assert.ok(
    codes.every((code) => codesText.includes(code)),
    'the file has every code',
  );
  await saved.getByRole('button', { name: 'I have saved them' }).click();
  await twoStep.getByTestId('codes-left').filter({ hasText: '10 recovery codes left.' }).waitFor();

  log(width, 'she signs in with a code from the app, then with a recovery code');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.locator('header').getByRole('link', { name: 'Sign in', exact: true }).waitFor();
  await signIn(page, base, email, password);
  await page.getByRole('heading', { name: 'Two-step sign-in' }).waitFor();
  const code = page.getByLabel('Code from the app');
  assert.equal(await code.getAttribute('inputmode'), 'numeric');
  assert.equal(await code.getAttribute('autocomplete'), 'one-time-code');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'mfa-code', 'the code field has the focus');
  await code.fill('000000');
  await page.getByRole('button', { name: 'Verify and sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'That code is wrong or was already used.' }).waitFor();
  await shot(page, 'sign-in-code', width);
  await code.fill(await app.code());
  await page.getByRole('button', { name: 'Verify and sign in' }).click();
  await mainNav.waitFor();
  assert.equal(new URL(page.url()).pathname, '/');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.locator('header').getByRole('link', { name: 'Sign in', exact: true }).waitFor();
  await signIn(page, base, email, password);
  await page.getByRole('button', { name: 'No access to your phone? Use a recovery code' }).click();
  await page.getByLabel('Recovery code').fill(codes[0]);
  await page.getByRole('button', { name: 'Verify and sign in' }).click();
  await mainNav.waitFor();

  log(width, 'she changes her password, and her address through the link mailed to the new one');
  await page.goto(`${base}/account/security`);
  await page.getByTestId('codes-left').filter({ hasText: '9 recovery codes left.' }).waitFor();
  await page.getByRole('button', { name: 'Change password' }).click();
  const passwordForm = page.getByRole('form', { name: 'Change password' });
  await passwordForm.getByLabel('Current password').fill('not my password');
  await passwordForm.getByLabel('New password').fill('a brand new passphrase');
  await passwordForm.getByRole('button', { name: 'Change password' }).click();
  await passwordForm.getByRole('alert').filter({ hasText: 'That is not your current password.' }).waitFor();
  await passwordForm.getByLabel('Current password').fill(password);
  await passwordForm.getByRole('button', { name: 'Change password' }).click();
  await page.getByTestId('sign-in-said').filter({ hasText: 'Your password is changed.' }).waitFor();
  password = 'a brand new passphrase';
  await mail.waitFor(email, { subject: /^Your Mingle password was changed/ });
  const newEmail = email.replace('grace-', 'grace.hopper-');
  await page.getByRole('button', { name: 'Change e-mail address' }).click();
  const emailForm = page.getByRole('form', { name: 'Change e-mail address' });
  await emailForm.getByLabel('New e-mail address').fill(newEmail);
  await emailForm.getByLabel('Password').fill(password);
  await emailForm.getByRole('button', { name: 'Send the link' }).click();
  await page
    .getByTestId('sign-in-said')
    .filter({ hasText: `open the link we sent to ${newEmail}` })
    .waitFor();
  const change = await mail.waitFor(newEmail, { subject: /^Confirm your new e-mail address/ });
  await page.goto(linkIn(change.text, base, '/verify-email'));
  await page.getByTestId('email-verified').filter({ hasText: newEmail }).waitFor();
  email = newEmail;
  await page.goto(`${base}/account/security`);
  await page.getByTestId('account-email').filter({ hasText: email }).waitFor();

  log(width, 'she downloads her data');
  const [export_] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download my data' }).click(),
  ]);
  assert.match(export_.suggestedFilename(), /\.json$/);
  const exported = JSON.parse(readFileSync(await export_.path(), 'utf8'));
  assert.equal(exported.account.email, email, 'the export is hers');

  log(width, 'she forgets her password and sets a new one through the mailed link');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.locator('header').getByRole('link', { name: 'Sign in', exact: true }).waitFor();
  await page.goto(`${base}/signin`);
  await page.getByLabel('Email').fill(email);
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
  assert.equal(await page.getByLabel('Email').inputValue(), email, 'the address typed is kept');
  await page.getByRole('button', { name: 'Send the link' }).click();
  await page
    .getByTestId('reset-sent')
    .filter({ hasText: `If an account uses ${email}` })
    .waitFor();
  const reset = await mail.waitFor(email, { subject: /^Reset your Mingle password/ });
  await page.goto(linkIn(reset.text, base, '/reset-password'));
  await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
  await page.getByLabel('New password').fill('short');
  await page.getByRole('button', { name: 'Save the new password' }).click();
  await page.getByText('New password must be 8 to 128 characters.').waitFor();
  password = 'reset at the library';
  await page.getByLabel('New password').fill(password);
  await page.getByRole('button', { name: 'Save the new password' }).click();
  await page.getByTestId('auth-notice').filter({ hasText: 'Sign in with your new password.' }).waitFor();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'No access to your phone? Use a recovery code' }).click();
  await page.getByLabel('Recovery code').fill(codes[1]);
  await page.getByRole('button', { name: 'Verify and sign in' }).click();
  await mainNav.waitFor();

  log(width, 'she deletes her account: signed out, she cannot sign in, her event is cancelled');
  await page.goto(`${base}/account/security`);
  const danger = page.getByRole('region', { name: 'Delete account' });
  await danger.getByRole('button', { name: 'Delete my account…' }).click();
  await danger.getByLabel('Password').fill(password);
  await danger.getByRole('button', { name: 'Delete my account for good' }).click();
  await page.getByTestId('account-deleted').waitFor();
  assert.equal(new URL(page.url()).pathname, '/');
  await page.locator('header').getByRole('link', { name: 'Sign in', exact: true }).waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('mingle.session')), null);
  assert.ok(!(await refreshCookie(context))?.value, 'the refresh cookie is gone');
  const again = await apiSignIn(base, email, password);
  assert.equal(again.status, 401, 'a deleted account cannot sign in');
  await page.goto(`${base}/events/${eventId}`);
  await page.getByTestId('cancelled').filter({ hasText: 'Event cancelled' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Going', exact: true }).count(), 0, 'no RSVP');
  await context.close();
}
