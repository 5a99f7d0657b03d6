// Usage analytics end to end: Olga organizes an event that starts in two hours. Ann finds it by a
// keyword search and Bob by its tag; each opens it from Discover and RSVPs, and Ann checks in with
// the event's code. Cai, whose browser sends Global Privacy Control, opens the event's page too,
// and his browser sends no analytics at all. Olga's manage screen then counts two people who
// viewed the page (not three) and two RSVPs, one checked in, one RSVP from the search and one
// from browsing, and downloads the funnel as CSV. An operator opens /operator: a wrong token is
// refused and said so, the right one shows the platform's charts and, under them, the models: the
// recommender's and the "People to meet" weight sets', each with its own experiment panel (none
// runs on a server without MINGLE_CANARY_SHARE, so nothing can be promoted or rolled back), and
// forgetting the token asks again.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { api } from './server.mjs';
import { apiSignUp } from './signup.mjs';

const PASSWORD = 'correct horse battery';
const ANALYTICS = '/api/v1/analytics/events';

/** Someone signed up through the API (and their mail), with a profile: their id and token. */
async function person(server, name, email) {
  const { access_token: token } = await apiSignUp(server, { name, email, password: PASSWORD });
  const me = await api(server.base, token, 'PATCH', '/me', { headline: 'Likes data meetups', interests: ['data'] });
  return { id: me.id, token, email };
}

/**
 * A browser of `who`'s own, signed in through the sign-in screen; `private` sends Global Privacy
 * Control, as a browser set to ask sites not to track does. Answers the page and every analytics
 * batch it sends by fetch (as the server got them). A beacon's body does not show among a page's
 * requests, so the page keeps each beacon it sends (see `hide`).
 */
async function browserOf(browser, options, timeout, base, who, { private: gpc = false } = {}) {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(timeout);
  await context.addInitScript(() => {
    window.beaconsSent = [];
    const send = navigator.sendBeacon.bind(navigator);
    navigator.sendBeacon = (url, data) => {
      window.beaconsSent.push({ url: String(url), data });
      return send(url, data);
    };
  });
  if (gpc) {
    await context.addInitScript(() =>
      Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { configurable: true, get: () => true }),
    );
  }
  const page = await context.newPage();
  const batches = [];
  context.on('request', (request) => {
    const body = request.postData();
    if (request.method() === 'POST' && new URL(request.url()).pathname === ANALYTICS && body) {
      batches.push({ auth: request.headers().authorization ?? null, body: JSON.parse(body) });
    }
  });
  await page.goto(`${base}/signin`);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  return { context, page, batches };
}

/**
 * Tells the page it is hidden, as a switch to another tab would (headless Chromium never hides
 * one); answers the beacons the page has sent since it loaded, with their bodies.
 */
async function hide(page) {
  return page.evaluate(async () => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
    return Promise.all(
      window.beaconsSent.map(async ({ url, data }) => ({
        path: new URL(url, location.href).pathname,
        type: data.type,
        body: JSON.parse(await data.text()),
      })),
    );
  });
}

/** The event's card among Discover's results, after searching with `fill` (which fills the form). */
async function openFromDiscover(page, base, title, fill) {
  await page.goto(`${base}/`);
  await fill(page);
  await page.getByRole('button', { name: 'Search' }).click();
  const results = page.locator('section[aria-labelledby="results-heading"] .event-card');
  await results.getByRole('link', { name: title, exact: true }).click();
  await page.getByRole('heading', { name: title, exact: true, level: 1 }).waitFor();
}

/** The line of a step of the funnel on the manage screen: its label and numbers. */
const stage = (page, id) => page.getByTestId(`stage-${id}`).locator('.funnel-head');

/**
 * Reloads the manage screen until the funnel's `id` step reads `expected` (the server writes
 * analytics in batches about every second, and the app sends its own every 10 seconds).
 */
async function waitForStage(page, id, expected, timeoutMs = 45_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = stage(page, id);
    const text = (await line.count()) ? await line.textContent() : '(no funnel yet)';
    if (expected.test(text)) return;
    if (Date.now() > deadline) throw new Error(`the funnel's ${id} step reads "${text}", not ${expected}`);
    await page.waitForTimeout(1000);
    await page.reload();
    await page.getByTestId('analytics-funnel').waitFor();
    await page
      .getByTestId('analytics-funnel')
      .locator('.funnel, .empty')
      .first()
      .waitFor()
      .catch(() => undefined);
  }
}

export async function analytics(browser, options, server, width, { shot, log, timeout }) {
  const { base } = server;
  const run = `${width}-${Date.now().toString(36)}`;
  const olga = await person(server, 'Olga Petrova', `olga-${run}@example.com`);
  const ann = await person(server, 'Ann Lee', `ann-${run}@example.com`);
  const bob = await person(server, 'Bob Stone', `bob-${run}@example.com`);
  const cai = await person(server, 'Cai Wu', `cai-${run}@example.com`);
  const title = `Data Night ${run}`;
  const tag = `datanight${run.replace(/\W/g, '')}`;
  const event = await api(base, olga.token, 'POST', '/events', {
    title,
    description: 'Analysts and engineers compare notes on dashboards.',
    tags: [tag],
    venue: { name: 'The Foundry', address: '12 Clerkenwell Rd, London', lat: 51.5224, lon: -0.103 },
    starts_at: new Date(Date.now() + 2 * 3600_000).toISOString(),
    ends_at: new Date(Date.now() + 5 * 3600_000).toISOString(),
    timezone: 'Europe/London',
  });

  log(width, 'Ann finds the event by a keyword search, Bob by its tag; both RSVP, Ann checks in');
  const annBrowser = await browserOf(browser, options, timeout, base, ann);
  await openFromDiscover(annBrowser.page, base, title, (page) => page.getByLabel('Keywords').fill(title));
  await annBrowser.page.getByRole('button', { name: 'Going', exact: true }).click();
  await annBrowser.page.locator('.rsvp-state').getByText('Going', { exact: true }).waitFor();
  await annBrowser.page.getByLabel('Event check-in code').fill(event.checkin_code);
  await annBrowser.page.getByRole('button', { name: 'Check in' }).click();
  await annBrowser.page.getByText(/Checked in at/).waitFor();

  const bobBrowser = await browserOf(browser, options, timeout, base, bob);
  await openFromDiscover(bobBrowser.page, base, title, (page) => page.getByLabel('Tag', { exact: true }).fill(tag));
  await bobBrowser.page.getByRole('button', { name: 'Going', exact: true }).click();
  await bobBrowser.page.locator('.rsvp-state').getByText('Going', { exact: true }).waitFor();
  // Bob moves on to his meetings, and his tab goes to the background: what waits (that page view)
  // goes at once, by beacon, with his token in its body. The app also sends every 10 seconds;
  // should that send take the page view first, nothing waits, so he moves on once more.
  let beacons = [];
  let left = null;
  for (const [title, page] of [
    ['Meetings', 'meetings'],
    ['Messages', 'messages'],
  ]) {
    await bobBrowser.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: new RegExp(`^${title}`) })
      .click();
    await bobBrowser.page.waitForURL(`${base}/${page}`);
    await bobBrowser.page.getByRole('heading', { level: 1, name: title }).waitFor();
    // The screen's page view is queued once it has rendered.
    await bobBrowser.page.waitForTimeout(100);
    if (bobBrowser.batches.some((b) => b.body.events.some((e) => e.kind === 'page_view' && e.page === page))) continue;
    beacons = await hide(bobBrowser.page);
    left = page;
    break;
  }

  log(width, 'Cai, whose browser sends Global Privacy Control, opens the event; nothing is sent for him');
  const caiBrowser = await browserOf(browser, options, timeout, base, cai, { private: true });
  assert.equal(await caiBrowser.page.evaluate(() => navigator.globalPrivacyControl), true);
  await caiBrowser.page.goto(`${base}/events/${event.id}`);
  await caiBrowser.page.getByRole('heading', { name: title, exact: true, level: 1 }).waitFor();
  await caiBrowser.page.goto(`${base}/`);
  await caiBrowser.page.getByRole('heading', { name: 'Discover', level: 1 }).waitFor();

  log(width, 'each open went at once with the token; hiding the page sent the rest by beacon');
  const openFrom = (who, list) =>
    who.batches.flatMap((b) => b.body.events).find((e) => e.kind === 'open' && e.list === list);
  for (const [who, list] of [
    [annBrowser, 'search'],
    [bobBrowser, 'browse'],
  ]) {
    const open = openFrom(who, list);
    assert.ok(open, `an open is sent from ${list}`);
    assert.equal(open.item, event.id);
    assert.equal(open.position, 0);
    assert.match(open.request_id ?? '', /^[0-9a-f-]{36}$/, 'the open names the list answer it came from');
  }
  assert.ok(
    [...annBrowser.batches, ...bobBrowser.batches].every(
      (b) => /^Bearer \S+$/.test(b.auth ?? '') && b.body.access_token === undefined,
    ),
    'a batch sent while the page is open carries the token in its header',
  );
  const beacon = beacons.find((b) => b.body.events.some((e) => e.kind === 'page_view' && e.page === left));
  assert.ok(beacon, `hiding the page sends what waits by beacon: ${JSON.stringify(beacons)}`);
  assert.equal(beacon.path, ANALYTICS);
  assert.equal(beacon.type, 'application/json');
  assert.match(beacon.body.access_token ?? '', /^ey/, 'the beacon carries the access token in its body');
  const bobSent = [...bobBrowser.batches, ...beacons].flatMap((b) => b.body.events);
  assert.ok(
    bobSent.some((e) => e.kind === 'page_view' && e.page === 'event' && e.event_id === event.id),
    'the event page is a page view carrying the event',
  );
  assert.deepEqual(await hide(caiBrowser.page), [], 'a browser that asks not to be tracked sends no beacon');
  assert.deepEqual(caiBrowser.batches, [], 'nor any batch');

  log(width, 'Olga reads the funnel: two viewed (not three), two RSVPs, one checked in');
  const olgaBrowser = await browserOf(browser, options, timeout, base, olga);
  const page = olgaBrowser.page;
  await page.goto(`${base}/events/${event.id}/manage`);
  await page.getByTestId('analytics-funnel').waitFor();
  await waitForStage(page, 'viewed', /^Viewed the event's page\s*2$/);
  await waitForStage(page, 'rsvped', /^RSVP'd\s*2 · 100% of the step before$/);
  await waitForStage(page, 'checked_in', /^Checked in\s*1 · 50% of the step before$/);
  const sources = page.getByTestId('analytics-sources');
  await sources
    .getByTestId('source-search')
    .filter({ hasText: /Search\s*One RSVP · 50%/ })
    .waitFor();
  await sources
    .getByTestId('source-browse')
    .filter({ hasText: /Browsing events\s*One RSVP · 50%/ })
    .waitFor();
  await page
    .getByTestId('networking-outcome')
    .filter({ hasText: /^0%\s*0 of the one checked-in attendee had a meeting accepted\.$/ })
    .waitFor();
  await page.getByTestId('analytics-over_time').locator('.chart svg').first().waitFor();

  log(width, 'the funnel downloads as CSV');
  const funnel = page.getByTestId('analytics-funnel');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    funnel.getByRole('button', { name: 'Download CSV: From first look to meeting' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /\.csv$/);
  const rows = readFileSync(await download.path(), 'utf8')
    .trim()
    .split(/\r?\n/);
  assert.ok(rows.length >= 3, `a header and the steps: ${rows.join(' | ')}`);
  assert.ok(
    rows.some((row) => /viewed/i.test(row) && /\b2\b/.test(row)),
    `the viewed step with 2: ${rows.join(' | ')}`,
  );
  // Nothing hovered: a chart's tooltip would cover what the screenshot shows.
  await page.mouse.move(0, 0);
  await shot(page, 'analytics', width, { at: funnel });
  await shot(page, 'analytics-sources', width, { at: sources, docs: false });

  log(width, 'the operator page refuses a wrong token, and shows the platform with the right one');
  const ops = await browser.newContext(options);
  ops.setDefaultTimeout(timeout);
  const opsPage = await ops.newPage();
  await opsPage.goto(`${base}/operator`);
  await opsPage.getByRole('heading', { name: 'Platform analytics', level: 1 }).waitFor();
  await opsPage.getByLabel('Operator token').fill('not-the-token');
  await opsPage.getByRole('button', { name: 'Show analytics' }).click();
  await opsPage.getByRole('alert').filter({ hasText: 'The server did not accept this operator token.' }).waitFor();
  assert.equal(
    await opsPage.evaluate(() => sessionStorage.getItem('mingle.opsToken')),
    null,
    'a refused token is not kept',
  );
  await shot(opsPage, 'operator-refused', width, { docs: false });
  await opsPage.getByLabel('Operator token').fill(server.opsToken);
  await opsPage.getByRole('button', { name: 'Show analytics' }).click();
  for (const panel of ['ops-active', 'ops-volume'])
    await opsPage.getByTestId(panel).locator('.chart svg').first().waitFor();
  await opsPage.getByTestId('ops-cohorts').getByTestId('cohort').first().waitFor();
  await opsPage.getByTestId('ops-pipeline').locator('dd').first().waitFor();
  assert.equal(await opsPage.evaluate(() => sessionStorage.getItem('mingle.opsToken')), server.opsToken);
  // The token stays for the tab: a reload goes straight to the charts.
  await opsPage.reload();
  await opsPage.getByTestId('ops-active').locator('.chart svg').first().waitFor();
  await opsPage.getByLabel('Period', { exact: true }).selectOption('7');
  await opsPage.getByText('The last 7 days, counted in UTC days.').waitFor();
  await opsPage.mouse.move(0, 0);
  await shot(opsPage, 'operator', width);

  log(width, 'under the charts, the models: no experiment of either kind runs, so there is nothing to end');
  const models = opsPage.getByTestId('ops-models');
  await models.getByRole('heading', { name: 'Models', level: 2 }).waitFor();
  for (const [kind, note] of [
    ['recommender', /newly trained model is first served to that share of people/],
    ['matcher', /newly learned weight set first ranks the suggestions of that share of people/],
  ]) {
    const experiment = models.getByTestId(`ops-experiment-${kind}`);
    await experiment.getByText('No experiment is running.', { exact: true }).waitFor();
    await experiment.getByText(note).waitFor();
    assert.match(await experiment.textContent(), /MINGLE_CANARY_SHARE/);
  }
  for (const name of ['Promote now', 'Roll back now']) {
    assert.equal(await opsPage.getByRole('button', { name }).count(), 0, `no "${name}" without an experiment`);
  }
  await models.getByTestId('ops-versions').locator('.empty, [data-testid="model-version"]').first().waitFor();
  await models.getByTestId('ops-weight-sets').locator('.empty, [data-testid="weight-set"]').first().waitFor();
  await models.getByTestId('ops-decisions').getByText('No experiment has ended yet.', { exact: true }).waitFor();
  await shot(opsPage, 'operator-models', width, { at: models });
  await opsPage.getByRole('button', { name: 'Forget token' }).click();
  await opsPage.getByLabel('Operator token').waitFor();
  assert.equal(await opsPage.evaluate(() => sessionStorage.getItem('mingle.opsToken')), null, 'forgotten');

  for (const context of [ops, olgaBrowser.context, caiBrowser.context, bobBrowser.context, annBrowser.context]) {
    await context.close();
  }
}
