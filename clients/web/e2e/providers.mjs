// Signing in through an identity provider, against the real OpenID Provider the server is given
// ("Test ID", tests/oidc/provider.mjs, its fixed test users; each width has a server of its own).
// Two people at once, each in a browser of their own:
// - Nia, new here, continues with Test ID, signs in on the provider's page and is back in the app
//   signed in (the refresh cookie the server set on the way restores the session); her security
//   page lists the provider, offers to set a password (two-step sign-in would follow the
//   provider's sign-in, not a password), and will not unlink her only way in; with nothing else
//   to confirm with, her recent sign-in confirms deleting her account;
// - Eve, whose address the provider does not vouch for, is told so on the sign-in screen; she
//   signs up with a password instead (through the link mailed to her), links Test ID from her
//   security page and unlinks it.

import assert from 'node:assert/strict';
import { confirmSignUp } from './signup.mjs';

/** Signs in on the provider's own login page as `login` (any password does); consent is automatic. */
async function atProvider(page, login) {
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.locator('button[type="submit"]').click();
}

/** The person the page's stored session is for. */
const signedInAs = (page) =>
  page.evaluate(() => JSON.parse(localStorage.getItem('mingle.session') ?? 'null')?.user?.email ?? null);

/** A browser of `who`'s own; the app's offline copy (its service worker) is not what is tested here. */
async function browserOf(who, browser, options, { log, timeout }) {
  const context = await browser.newContext({ ...options, serviceWorkers: 'block' });
  context.setDefaultTimeout(timeout);
  const page = await context.newPage();
  page.on('pageerror', (error) => log(`${who} page error:`, error.message));
  return { context, page };
}

async function newcomer(browser, options, { base, provider }, width, { shot, log, timeout }) {
  const { context, page } = await browserOf('Nia', browser, options, { log, timeout });
  log(width, `Nia, new here, continues with ${provider} and comes back signed in`);
  await page.goto(`${base}/signin`);
  await page.getByRole('button', { name: `Continue with ${provider}` }).click();
  await atProvider(page, 'nia');
  const mainNav = page.getByRole('navigation', { name: 'Main' });
  await mainNav.waitFor();
  assert.equal(new URL(page.url()).pathname, '/');
  assert.equal(await signedInAs(page), 'nia@example.org', 'signed in as the person the provider vouched for');
  assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'the mark of the sign-in is gone');

  log(width, 'her security page lists the provider, offers a password, and keeps her only way in');
  await mainNav.getByRole('link', { name: 'Profile' }).click();
  await page.getByRole('link', { name: 'Open sign-in and security' }).click();
  const linked = page.getByRole('region', { name: 'Other ways to sign in' });
  const row = linked.getByTestId('identity').filter({ hasText: provider });
  await row.filter({ hasText: 'nia@example.org' }).getByText('Linked', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Set a password' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Change password' }).count(), 0, 'no password to change');
  // Two-step sign-in would follow her provider's sign-in, not a password she does not have.
  await page.getByTestId('two-step-text').filter({ hasText: 'After you sign in through a provider' }).waitFor();
  await linked.getByRole('button', { name: `Unlink ${provider}` }).click();
  await linked.getByRole('alert').filter({ hasText: 'This is your only way to sign in' }).waitFor();
  await shot(page, 'security-providers', width, { at: linked });

  log(width, 'with no password or second factor, her recent sign-in confirms deleting her account');
  const danger = page.getByRole('region', { name: 'Delete account' });
  await danger.getByRole('button', { name: 'Delete my account…' }).click();
  await danger.getByText('having signed in within the last 10 minutes confirms this').waitFor();
  await danger.getByRole('button', { name: 'Delete my account for good' }).click();
  await page.getByTestId('account-deleted').waitFor();
  await context.close();
}

async function unvouched(browser, options, { base, mail, provider }, width, { log, timeout }) {
  const { context, page } = await browserOf('Eve', browser, options, { log, timeout });
  log(width, 'Eve, whose address the provider does not vouch for, is told so, and links it to her account');
  await page.goto(`${base}/signup`);
  await page.getByRole('button', { name: `Continue with ${provider}` }).click();
  await atProvider(page, 'eve');
  await page.getByRole('alert').filter({ hasText: 'did not vouch for your e-mail address' }).waitFor();
  assert.equal(new URL(page.url()).search, '', 'the error leaves the address');
  assert.equal(await signedInAs(page), null);
  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.getByLabel('Your name').fill('Eve Example');
  await page.getByLabel('Email').fill('eve@example.org');
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await confirmSignUp(page, base, mail, 'eve@example.org');
  await page.getByRole('link', { name: 'Open sign-in and security' }).click();
  const linked = page.getByRole('region', { name: 'Other ways to sign in' });
  const row = linked.getByTestId('identity').filter({ hasText: provider });
  await row.getByText('Not linked', { exact: true }).waitFor();
  // The provider still knows her from a moment ago: it sends her straight back.
  await linked.getByRole('button', { name: `Link ${provider}` }).click();
  await linked
    .getByRole('status')
    .filter({ hasText: `${provider} is linked` })
    .waitFor();
  assert.equal(new URL(page.url()).search, '', 'the note leaves the address');
  await row.filter({ hasText: 'eve@example.org' }).getByText('Linked', { exact: true }).waitFor();
  await linked.getByRole('button', { name: `Unlink ${provider}` }).click();
  await linked
    .getByRole('status')
    .filter({ hasText: `${provider} is unlinked.` })
    .waitFor();
  await row.getByText('Not linked', { exact: true }).waitFor();
  await context.close();
}

export async function providerSignIn(browser, options, server, width, tools) {
  await Promise.all([
    newcomer(browser, options, server, width, tools),
    unvouched(browser, options, server, width, tools),
  ]);
}
