// Passkeys in the browser, with Chromium's virtual authenticator (the DevTools protocol's WebAuthn
// domain: a platform authenticator that holds discoverable credentials and verifies its user
// without asking). Browsers refuse WebAuthn on an IP address, so Pia's browser opens the app at
// `localhost`, which the server accepts passkeys from when it is given no public origin.
// Pia signs up with a password and, from Sign-in and security, adds a passkey: she closes the
// browser's dialog once and is told so calmly; then, named by her, the passkey turns two-step
// sign-in on and brings recovery codes, and the same authenticator cannot add it twice. She
// renames it; signs in with it alone; signs in with her password and finishes with it as the
// second step, the only one she has (in a browser without WebAuthn's JSON helpers, as older ones
// are, so the app's own conversions are used; a closed dialog again said calmly); adds an
// authenticator app, after which the code step offers the passkey; and deletes her account,
// confirming with the passkey, which then signs nobody in.

import assert from 'node:assert/strict';
import { authenticator as authenticatorApp } from './account.mjs';
import { confirmSignUp } from './signup.mjs';

const PASSWORD = 'correct horse battery';

/** The same server, at `localhost` (a name WebAuthn accepts) instead of 127.0.0.1. */
const onLocalhost = (base) => {
  const url = new URL(base);
  url.hostname = 'localhost';
  return url.origin;
};

/** A virtual authenticator in `page`'s browser, and the means to make it refuse or agree. */
async function virtualAuthenticator(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return {
    async credentials() {
      return (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
    },
    /** Whether the person agrees when the browser asks (no: the dialog ends as if closed). */
    async agrees(yes) {
      await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: yes });
    },
  };
}

export async function passkeys(browser, options, server, width, { shot, log, timeout }) {
  const base = onLocalhost(server.base);
  const context = await browser.newContext({ ...options, serviceWorkers: 'block' });
  context.setDefaultTimeout(timeout);
  const page = await context.newPage();
  page.on('pageerror', (error) => log('Pia page error:', error.message));
  const email = `pia-${width}-${Date.now().toString(36)}@example.com`;
  const mainNav = page.getByRole('navigation', { name: 'Main' });
  const signOut = async () => {
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.locator('header').getByRole('link', { name: 'Sign in', exact: true }).waitFor();
  };

  log(width, 'Pia signs up at localhost and adds a passkey, which turns two-step sign-in on');
  await page.goto(`${base}/signup`);
  const authenticator = await virtualAuthenticator(context, page);
  await page.getByLabel('Your name').fill('Pia Passkey');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign up' }).click();
  // The link from her mail, opened here at localhost, where her passkeys belong.
  await confirmSignUp(page, base, server.mail, email);
  await page.getByRole('heading', { name: /Welcome! Tell people about you/ }).waitFor();
  await page.goto(`${base}/account/security`);
  const card = page.getByRole('region', { name: 'Passkeys' });
  await card.getByText('No passkeys yet.').waitFor();
  const twoStep = page.getByTestId('two-step');
  await twoStep.getByText('Off', { exact: true }).waitFor();
  await card.getByRole('button', { name: 'Add a passkey' }).click();
  const name = card.getByLabel('Name', { exact: true });
  assert.match(await name.inputValue(), /^Passkey on \S/, 'a name is offered');
  await name.fill('Work laptop');
  // She closes the browser's dialog first: the page says so calmly, and nothing is added.
  await authenticator.agrees(false);
  await card.getByRole('button', { name: 'Create the passkey' }).click();
  await card.getByRole('status').filter({ hasText: 'No passkey was used' }).waitFor();
  assert.equal(await card.getByRole('alert').count(), 0, 'a closed dialog is no error');
  assert.equal((await authenticator.credentials()).length, 0);
  await shot(page, 'passkey-add', width, { docs: false, at: card });
  await authenticator.agrees(true);
  await card.getByRole('button', { name: 'Create the passkey' }).click();
  const saved = card.getByTestId('recovery-codes');
  await saved.waitFor();
  assert.equal(await saved.locator('li code').count(), 10, 'ten recovery codes come with the first second factor');
  await twoStep.getByText('On', { exact: true }).waitFor();
  await twoStep
    .getByTestId('two-step-text')
    .filter({ hasText: 'Signing in with your password also asks for one of your passkeys.' })
    .waitFor();
  await saved.getByRole('button', { name: 'I have saved them' }).click();
  const row = card.getByTestId('passkey');
  await row.filter({ hasText: 'Work laptop' }).waitFor();
  assert.equal(await row.count(), 1);
  assert.match(await row.textContent(), /Added .+ · not used yet/);
  assert.equal((await authenticator.credentials()).length, 1, 'the authenticator holds the passkey');
  // The same authenticator cannot hold a second one for her.
  await card.getByRole('button', { name: 'Add a passkey' }).click();
  await card.getByRole('button', { name: 'Create the passkey' }).click();
  await card.getByRole('alert').filter({ hasText: 'This passkey is already registered to your account.' }).waitFor();
  await card.getByRole('button', { name: 'Cancel' }).click();

  log(width, 'she renames it');
  await card.getByRole('button', { name: 'Rename Work laptop' }).click();
  await card.getByRole('form', { name: 'Rename Work laptop' }).getByLabel('Name').fill('Pia’s laptop');
  await card.getByRole('button', { name: 'Save' }).click();
  await card.getByRole('status').filter({ hasText: 'Renamed to “Pia’s laptop”.' }).waitFor();
  await row.filter({ hasText: 'Pia’s laptop' }).waitFor();
  await shot(page, 'passkeys', width, { at: card });

  log(width, 'she signs in with the passkey alone');
  await signOut();
  await page.goto(`${base}/signin`);
  const passkeyButton = page.getByRole('button', { name: 'Sign in with a passkey' });
  await passkeyButton.waitFor();
  await shot(page, 'sign-in-passkey', width);
  await passkeyButton.click();
  await mainNav.waitFor();
  assert.equal(new URL(page.url()).pathname, '/');

  log(width, 'with her password, the second step asks for the passkey; a closed dialog is said calmly');
  await signOut();
  // A browser without WebAuthn's JSON helpers: the app converts the options and the answer itself.
  await page.evaluate(() => {
    delete PublicKeyCredential.parseRequestOptionsFromJSON;
    delete PublicKeyCredential.parseCreationOptionsFromJSON;
    delete PublicKeyCredential.prototype.toJSON;
  });
  await page.getByRole('link', { name: 'Sign in', exact: true }).first().click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'Two-step sign-in' }).waitFor();
  assert.equal(await page.getByLabel('Code from the app').count(), 0, 'no authenticator app, so no code field');
  const usePasskey = page.getByRole('button', { name: 'Use a passkey' });
  await authenticator.agrees(false);
  await usePasskey.click();
  await page.getByRole('status').filter({ hasText: 'No passkey was used' }).waitFor();
  assert.equal(await page.getByRole('alert').count(), 0, 'a closed dialog is no error');
  await shot(page, 'sign-in-passkey-step', width);
  assert.equal(
    await page.evaluate(() => typeof PublicKeyCredential.prototype.toJSON),
    'undefined',
    'the helpers stay gone',
  );
  await authenticator.agrees(true);
  await usePasskey.click();
  await mainNav.waitFor();

  log(width, 'with an authenticator app as well, the code step offers the passkey');
  await page.goto(`${base}/account/security`);
  await twoStep.getByRole('button', { name: 'Set up an authenticator app' }).click();
  const setup = twoStep.getByTestId('totp-setup');
  const app = authenticatorApp((await setup.getByTestId('totp-secret').textContent()).replace(/\s/g, ''));
  await setup.getByLabel('Enter the 6-digit code the app now shows').fill(await app.code());
  await setup.getByRole('button', { name: 'Turn on' }).click();
  await twoStep.getByRole('button', { name: 'I have saved them' }).click();
  await twoStep
    .getByTestId('two-step-text')
    .filter({ hasText: 'also asks for a code from your authenticator app or one of your passkeys.' })
    .waitFor();
  await signOut();
  await page.getByRole('link', { name: 'Sign in', exact: true }).first().click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByLabel('Code from the app').waitFor();
  await page.getByRole('button', { name: 'Use a passkey' }).click();
  await page.getByRole('button', { name: 'Use a passkey' }).click();
  await mainNav.waitFor();

  log(width, 'she deletes her account, confirming with the passkey');
  await page.goto(`${base}/account/security`);
  await row.filter({ hasText: 'Pia’s laptop' }).filter({ hasText: 'last used' }).waitFor();
  const danger = page.getByRole('region', { name: 'Delete account' });
  await danger.getByRole('button', { name: 'Delete my account…' }).click();
  await danger.getByRole('button', { name: 'Confirm with a passkey' }).click();
  await danger.getByText('Your browser will ask for one of your passkeys').waitFor();
  await shot(page, 'passkey-confirm', width, { docs: false, at: danger });
  await danger.getByRole('button', { name: 'Delete my account for good' }).click();
  await page.getByTestId('account-deleted').waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('mingle.session')), null);
  await page.goto(`${base}/signin`);
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await page.getByRole('alert').filter({ hasText: 'This passkey is not registered with Mingle' }).waitFor();
  await context.close();
}
