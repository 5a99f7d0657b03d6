// End-to-end tests of the web app in Debian's Chromium (never a downloaded browser), against a
// real server started here. Two people, each in their own browser context, at a desktop and at a
// phone width:
//   1. both sign up (Ben by keyboard alone) and fill in their profiles with matchmaking on;
//   2. Ada creates an event (already started) and checks herself in from the attendee list;
//   3. Ben RSVPs and checks in with the event's code;
//   4. in the live room each sees the other among "people to meet", with a reason, and two online;
//   5. a chat message from Ada appears live for Ben, and his answer for her;
//   6. Ben requests a meeting, Ada accepts it live, Ben sees it arranged live, and they exchange
//      direct messages (Ada sees Ben's first one marked unread before she opens it);
//   7. Ben's network is cut; Ada posts while he is away; when it is back, Ben has every message
//      exactly once, in order (resumed with `since` on a new WebSocket), and his own next message
//      reaches Ada once;
//   8. an announcement from Ada reaches Ben's live room;
//   9. Ada writes from her Messages list; Ben, without the conversation open, sees an unread badge
//      live, finds the conversation on top of his list and reads it.
// Every main screen is checked for sideways scrolling and with axe-core (no serious
// accessibility problem), and its screenshot goes to docs/screenshots/ (E2E_SCREENSHOTS=0 skips
// the files). E2E_WIDTHS=360 runs other widths.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { repoRoot, startServer } from './server.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(repoRoot, 'docs', 'screenshots');
const takeShots = process.env.E2E_SCREENSHOTS !== '0';
const WIDTHS = (process.env.E2E_WIDTHS ?? '1280,390').split(',').map(Number);
const TIMEOUT = 20_000;

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const log = (...args) => console.log(`[e2e ${new Date().toISOString().slice(11, 19)}]`, ...args);

function localInput(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/**
 * Checks a main screen: it fits the width (no sideways scrolling) and axe-core finds no serious
 * accessibility problem (labels, names, contrast, ARIA); then saves a screenshot of it.
 */
async function shot(page, name, width) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${name} at ${width} px is ${overflow} px too wide`);
  // Evaluated through the DevTools protocol: the page's Content-Security-Policy (rightly) refuses
  // an inline script tag.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.id}: ${v.help} (${v.nodes
            .map((n) => n.target.join(' '))
            .slice(0, 3)
            .join(', ')})`,
      );
  });
  assert.deepEqual(violations, [], `${name} at ${width} px has accessibility problems`);
  if (!takeShots) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.evaluate(() => {
    window.scrollTo(0, 0);
    document.activeElement instanceof HTMLElement && document.activeElement.blur();
  });
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(SHOTS, `${name}-${width >= 1000 ? 'desktop' : 'mobile'}.png`), fullPage: false });
}

async function signUp(page, base, { name, email, headline, interests, seeking, offering, keyboard = false }) {
  await page.goto(`${base}/signup`);
  if (keyboard) {
    // By keyboard alone: the heading has focus, then Tab walks the form in order, Enter submits.
    await page.getByRole('heading', { name: 'Create your account' }).waitFor();
    for (const value of [name, email, 'correct horse battery']) {
      await page.keyboard.press('Tab');
      await page.keyboard.type(value);
    }
    assert.equal(
      await page.getByLabel('Password').inputValue(),
      'correct horse battery',
      'Tab reaches the fields in order',
    );
    await page.keyboard.press('Enter');
  } else {
    await page.getByLabel('Your name').fill(name);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign up' }).click();
  }
  await page.getByRole('heading', { name: /Welcome! Tell people about you/ }).waitFor();
  await page.getByLabel('Headline').fill(headline);
  for (const [label, values] of [
    ['Interests', interests],
    ['Looking for', seeking],
    ['Can offer', offering],
  ]) {
    const input = page.getByLabel(label, { exact: true });
    for (const value of values) {
      await input.fill(value);
      await input.press('Enter');
    }
  }
  await page.getByLabel(/Matchmaking/).check();
  await page.getByRole('button', { name: 'Save profile' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
}

/** The texts of the chat log's messages, in order. */
async function chatTexts(page, channel) {
  return page.locator(`[data-testid="log-${channel}"] .bubble-text`).allTextContents();
}

async function waitForConnection(page, status) {
  await page.locator(`[data-testid="connection"][data-status="${status}"]`).waitFor({ timeout: TIMEOUT });
}

/** On a phone the live room shows one section at a time. */
async function showPanel(page, width, tab) {
  if (width < 760) await page.getByRole('tab', { name: tab }).click();
}

async function api(base, token, method, path, body) {
  const response = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text);
}

async function scenario(browser, base, width) {
  const height = width >= 1000 ? 860 : 844;
  const options = {
    viewport: { width, height },
    deviceScaleFactor: width >= 1000 ? 1 : 2,
    isMobile: width < 1000,
    hasTouch: width < 1000,
    locale: 'en-GB',
    timezoneId: 'Europe/London',
  };
  const ctxA = await browser.newContext(options);
  const ctxB = await browser.newContext(options);
  ctxA.setDefaultTimeout(TIMEOUT);
  ctxB.setDefaultTimeout(TIMEOUT);
  const a = await ctxA.newPage();
  const b = await ctxB.newPage();
  // Ben's WebSockets and the frames he sends, to check that a reconnect resumes from an offset.
  let benSockets = 0;
  const benFrames = [];
  b.on('websocket', (ws) => {
    benSockets++;
    ws.on('framesent', (frame) => {
      try {
        benFrames.push(JSON.parse(frame.payload));
      } catch {
        // Not JSON.
      }
    });
  });
  for (const [who, page] of [
    ['Ada', a],
    ['Ben', b],
  ]) {
    page.on('pageerror', (error) => log(`${who} page error:`, error.message));
  }
  const run = `${width}-${Date.now().toString(36)}`;

  log(width, 'sign-in screen');
  await a.goto(`${base}/`);
  await a.getByRole('heading', { name: 'Welcome back' }).waitFor();
  await shot(a, 'sign-in', width);
  // Nothing filled in: the form says what is missing, and asks the server nothing.
  let signInRequests = 0;
  const countSignIns = (request) => {
    if (request.url().endsWith('/api/v1/auth/login')) signInRequests++;
  };
  a.on('request', countSignIns);
  await a.getByRole('button', { name: 'Sign in' }).click();
  await a.getByRole('alert').filter({ hasText: 'Enter your e-mail address and your password.' }).waitFor();
  a.off('request', countSignIns);
  assert.equal(signInRequests, 0, 'an empty form is not sent');

  log(width, 'both sign up and fill their profiles');
  await signUp(a, base, {
    name: 'Ada Lovelace',
    email: `ada-${run}@example.com`,
    headline: 'Founder building developer tools in Rust',
    interests: ['rust', 'developer tools', 'startups'],
    seeking: ['a designer for a developer tools startup'],
    offering: ['Rust mentoring', 'advice on fundraising for startups'],
  });
  await shot(a, 'profile', width);
  await signUp(b, base, {
    name: 'Ben Okafor',
    email: `ben-${run}@example.com`,
    headline: 'Product designer who loves developer tools',
    interests: ['design', 'developer tools', 'startups'],
    seeking: ['Rust mentoring', 'founders building developer tools'],
    offering: ['product design for developer tools startups'],
    keyboard: true,
  });

  log(width, 'Ada creates an event that has just started');
  await a.getByRole('link', { name: 'Organize' }).click();
  await a.getByRole('link', { name: 'Create event' }).click();
  const title = 'Rust & Design Night';
  await a.getByLabel('Title').fill(title);
  await a
    .getByLabel('Description')
    .fill(
      'Founders, engineers and designers building developer tools meet over pizza. Lightning talks at 19:30, then open networking.',
    );
  const tags = a.getByLabel('Tags', { exact: true });
  for (const tag of ['rust', 'design', 'startups']) {
    await tags.fill(tag);
    await tags.press('Enter');
  }
  await a.getByLabel('Starts').fill(localInput(new Date(Date.now() - 10 * 60_000)));
  await a.getByLabel('Ends').fill(localInput(new Date(Date.now() + 3 * 3600_000)));
  await a.getByLabel('Place').fill('The Foundry');
  await a.getByLabel('Address').fill('12 Clerkenwell Rd, London');
  await a.getByLabel('Latitude').fill('51.5224');
  await a.getByLabel('Longitude').fill('-0.1030');
  await a.getByLabel('Capacity').fill('80');
  await a.getByRole('button', { name: 'Create event' }).click();
  await a.waitForURL(/\/events\/[0-9a-f-]+\/manage$/);
  const eventId = a.url().split('/').slice(-2)[0];
  const code = (await a.getByTestId('event-checkin-code').first().textContent())?.trim();
  assert.ok(code, 'the organizer sees the check-in code');

  await a
    .getByLabel('Announcement', { exact: true })
    .fill('Welcome! Pizza is in the kitchen; lightning talks start at 19:30.');
  await a.getByRole('button', { name: 'Post to attendees' }).click();
  await a.locator('.announcement', { hasText: 'Pizza is in the kitchen' }).waitFor();

  // A few upcoming events, so that Ben's discover screen has picks with reasons.
  const token = await a.evaluate(() => JSON.parse(localStorage.getItem('mingle.session')).accessToken);
  const day = 24 * 3600_000;
  for (const [i, [t, tagList, text]] of [
    [
      'Developer Tools Founders Breakfast',
      ['startups', 'developer tools'],
      'Founders of developer tools companies swap notes on pricing, hiring and fundraising.',
    ],
    ['Design Systems Meetup', ['design'], 'Designers and engineers on building design systems that last.'],
    ['Rust London Hack Night', ['rust'], 'Bring a laptop and a Rust project; mentors on hand.'],
  ].entries()) {
    await api(base, token, 'POST', '/events', {
      title: t,
      description: text,
      tags: tagList,
      starts_at: new Date(Date.now() + (i + 2) * day).toISOString(),
      ends_at: new Date(Date.now() + (i + 2) * day + 3 * 3600_000).toISOString(),
      timezone: 'Europe/London',
      venue: {
        name: ['Second Home', 'Figma Office', 'Cloudflare London'][i],
        address: 'London',
        lat: 51.52,
        lon: -0.08,
      },
      capacity: 120,
    });
  }

  log(width, 'Ada RSVPs and checks herself in from the attendee list');
  await a.getByRole('link', { name: 'Event page' }).click();
  await a.getByRole('button', { name: 'Going', exact: true }).click();
  await a.locator('.rsvp-state').getByText('Going', { exact: true }).waitFor();
  await a.goto(`${base}/events/${eventId}/manage`);
  await a.getByRole('button', { name: 'Check in Ada Lovelace' }).click();
  await a.locator('.person-row', { hasText: 'Ada Lovelace' }).getByText('checked in').waitFor();

  log(width, 'Ben discovers, RSVPs and checks in with the event code');
  await b.getByRole('link', { name: 'Discover' }).click();
  await b.getByRole('heading', { name: 'Picked for you' }).waitFor();
  await b.locator('.event-card .reasons li').first().waitFor();
  await b.getByLabel('Keywords').fill('design night');
  await b.getByRole('button', { name: 'Search' }).click();
  await b.locator('.event-card', { hasText: title }).waitFor();
  await shot(b, 'discover', width);
  await b.getByRole('link', { name: title }).click();
  await b.getByRole('button', { name: 'Going', exact: true }).click();
  await b.locator('.rsvp-state').getByText('Going', { exact: true }).waitFor();
  await b.getByLabel('Event check-in code').fill(code);
  await b.getByRole('button', { name: 'Check in' }).click();
  await b.getByText(/Checked in at/).waitFor();
  await shot(b, 'event', width);

  log(width, 'both enter the live room and see each other suggested, with a reason');
  await b.getByRole('link', { name: 'Enter live room' }).click();
  await a.goto(`${base}/events/${eventId}/live`);
  for (const [page, other] of [
    [a, 'Ben Okafor'],
    [b, 'Ada Lovelace'],
  ]) {
    await waitForConnection(page, 'open');
    await page.getByTestId('online-count').getByText('2 online').waitFor();
    await showPanel(page, width, 'People');
    const card = page.getByTestId('suggestion').filter({ hasText: other });
    await card.waitFor({ timeout: 45_000 });
    const reasons = await card.locator('.reasons li').allTextContents();
    assert.ok(reasons.length > 0 && reasons[0].length > 0, `${other} is suggested with a reason`);
    log(width, `  suggested ${other}: ${reasons.join(' / ')}`);
  }

  log(width, 'a chat message from Ada appears live for Ben');
  const chat = `event:${eventId}:chat`;
  await showPanel(a, width, 'Chat');
  await showPanel(b, width, 'Chat');
  const composerA = a.getByLabel('Message to Event chat');
  const composerB = b.getByLabel('Message to Event chat');
  // A text too long to send is kept whole and counted, and cannot be sent until shortened.
  await composerA.fill('x'.repeat(2100));
  await a.getByText('Too long to send: 2,100 characters, at most 2,000.').waitFor();
  assert.equal((await composerA.inputValue()).length, 2100, 'nothing is cut');
  const sendA = a.locator('section.chat').filter({ has: composerA }).getByRole('button', { name: 'Send', exact: true });
  assert.ok(await sendA.isDisabled(), 'Send waits for a shorter text');
  await composerA.fill('Hi Ben! Talks start at 19:30, see you at the coffee bar.');
  await composerA.press('Enter');
  await b.locator(`[data-testid="log-${chat}"] .bubble-text`, { hasText: 'see you at the coffee bar' }).waitFor();
  await composerB.fill('Great, see you there!');
  await composerB.press('Enter');
  await a.locator(`[data-testid="log-${chat}"] .bubble-text`, { hasText: 'see you there' }).waitFor();

  log(width, 'Ben asks for a meeting; Ada accepts it live');
  await showPanel(b, width, 'People');
  await b.getByRole('button', { name: 'Request a meeting with Ada Lovelace' }).click();
  await b.getByLabel('Where').fill('By the coffee bar');
  await b.getByRole('button', { name: 'Send request' }).click();
  await showPanel(b, width, 'Meetings');
  await b.getByTestId('outgoing-meeting').filter({ hasText: 'Ada Lovelace' }).waitFor();
  await showPanel(a, width, 'Meetings');
  const incoming = a.getByTestId('incoming-meeting').filter({ hasText: 'Ben Okafor' });
  await incoming.waitFor();
  if (width >= 1000) await shot(a, 'live-room', width);
  await a.getByRole('button', { name: 'Accept meeting with Ben Okafor' }).click();
  await a.getByTestId('arranged-meeting').filter({ hasText: 'Ben Okafor' }).waitFor();
  await b.getByTestId('arranged-meeting').filter({ hasText: 'Ada Lovelace' }).waitFor();
  if (width < 1000) await shot(b, 'meetings', width);

  log(width, 'they message each other directly');
  await b.getByTestId('arranged-meeting').getByRole('button', { name: 'Message Ada Lovelace' }).click();
  const dmB = b.getByLabel('Message to Chat with Ada Lovelace');
  await dmB.fill('Shall we grab a coffee before the talks?');
  await dmB.press('Enter');
  await b.locator('.dm-card .bubble-text', { hasText: 'grab a coffee' }).waitFor();
  // Ada has not opened the conversation: the notice on her own channel marks it unread.
  await a.getByRole('link', { name: /^Messages\s*1 unread conversation$/ }).waitFor();
  await a.getByTestId('arranged-meeting').getByRole('button', { name: 'Message Ben Okafor' }).click();
  await a.locator('.dm-card .bubble-text', { hasText: 'grab a coffee' }).waitFor();
  const dmA = a.getByLabel('Message to Chat with Ben Okafor');
  await dmA.fill('Yes! I am by the door.');
  await dmA.press('Enter');
  await b.locator('.dm-card .bubble-text', { hasText: 'by the door' }).waitFor();
  assert.equal(await a.getByTestId('unread-messages').count(), 0, 'an open conversation is read');
  assert.deepEqual(await b.locator('.dm-card .bubble-text').allTextContents(), [
    'Shall we grab a coffee before the talks?',
    'Yes! I am by the door.',
  ]);
  await a.getByRole('button', { name: 'Close' }).click();
  await b.getByRole('button', { name: 'Close' }).click();
  await showPanel(a, width, 'Chat');
  await showPanel(b, width, 'Chat');

  log(width, "Ben's network drops; Ada keeps talking; nothing is lost or doubled when it is back");
  const socketsBefore = benSockets;
  await ctxB.setOffline(true);
  await waitForConnection(b, 'offline');
  const framesBefore = benFrames.length;
  const away = ['First while you were away', 'Second while you were away', 'Third while you were away'];
  for (const text of away) {
    await composerA.fill(text);
    await composerA.press('Enter');
    await a.locator(`[data-testid="log-${chat}"] .bubble-text`, { hasText: text }).waitFor();
  }
  if (width < 1000) await shot(b, 'offline', width);
  await ctxB.setOffline(false);
  await waitForConnection(b, 'open');
  await b.locator(`[data-testid="log-${chat}"] .bubble-text`, { hasText: away[2] }).waitFor();
  assert.ok(benSockets > socketsBefore, 'Ben reconnected on a new WebSocket');
  const resume = benFrames.slice(framesBefore).find((f) => f.type === 'subscribe' && f.channel === chat);
  assert.ok(
    resume && resume.since >= 2 && typeof resume.epoch === 'number',
    `the chat resumed from its last offset: ${JSON.stringify(resume)}`,
  );
  await composerB.fill('Back online, got everything.');
  await composerB.press('Enter');
  await a.locator(`[data-testid="log-${chat}"] .bubble-text`, { hasText: 'Back online' }).waitFor();
  await b.locator(`[data-testid="log-${chat}"] .bubble-text`, { hasText: 'Back online' }).waitFor();
  await a.waitForTimeout(500);
  const expected = [
    'Hi Ben! Talks start at 19:30, see you at the coffee bar.',
    'Great, see you there!',
    ...away,
    'Back online, got everything.',
  ];
  assert.deepEqual(await chatTexts(b, chat), expected, "Ben's chat has every message once, in order");
  assert.deepEqual(await chatTexts(a, chat), expected, "Ada's chat has every message once, in order");
  const offsets = await b
    .locator(`[data-testid="log-${chat}"] [data-offset]`)
    .evaluateAll((els) => els.map((e) => Number(e.dataset.offset)));
  assert.deepEqual(
    offsets,
    [...offsets].sort((x, y) => x - y),
    'offsets ascend',
  );
  assert.equal(new Set(offsets).size, offsets.length, 'no offset twice');
  await shot(b, 'live-chat', width);

  log(width, 'Ada posts an announcement; Ben gets it live');
  await a.goto(`${base}/events/${eventId}/manage`);
  await a.getByLabel('Announcement', { exact: true }).fill('The main hall doors are open: talks begin in 5 minutes!');
  await a.getByRole('button', { name: 'Post to attendees' }).click();
  await showPanel(b, width, 'News');
  await b.locator('.announcement', { hasText: 'main hall doors' }).waitFor();
  await a.locator('.chart svg').first().waitFor();
  await shot(a, 'organizer', width);

  log(width, 'Ada writes from her messages; Ben learns of it without the conversation open');
  await a.getByRole('link', { name: /^Messages/ }).click();
  const withBen = a.getByTestId('conversation').filter({ hasText: 'Ben Okafor' });
  await withBen.filter({ hasText: 'You: Yes! I am by the door.' }).waitFor();
  await withBen.click();
  const dmFromList = a.getByLabel('Message to Chat with Ben Okafor');
  await dmFromList.fill('The slides are online now.');
  await dmFromList.press('Enter');
  await a.locator('.dm-card .bubble-text', { hasText: 'slides are online' }).waitFor();
  await b.getByRole('link', { name: /^Messages\s*1 unread conversation$/ }).waitFor();
  await b.getByRole('link', { name: /^Messages/ }).click();
  const withAda = b.getByTestId('conversation').filter({ hasText: 'Ada Lovelace' });
  await withAda
    .filter({ hasText: 'The slides are online now.' })
    .getByTestId('unread-count')
    .filter({ hasText: '1' })
    .waitFor();
  assert.equal(
    await b
      .getByTestId('conversation')
      .first()
      .textContent()
      .then((t) => t.includes('Ada Lovelace')),
    true,
    'the newest conversation is on top',
  );
  await shot(b, 'messages', width);
  await withAda.click();
  await b.locator('.dm-card .bubble-text', { hasText: 'slides are online' }).waitFor();
  assert.equal(await b.getByTestId('unread-messages').count(), 0, 'opening the conversation reads it');

  await ctxA.close();
  await ctxB.close();
}

async function main() {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  let failed = 0;
  try {
    for (const width of WIDTHS) {
      const started = Date.now();
      // A fresh server (and database) per width, so each run starts from an empty world.
      const server = await startServer();
      log('server at', server.base);
      try {
        await scenario(browser, server.base, width);
        log(`PASS at ${width} px (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      } catch (error) {
        failed++;
        log(`FAIL at ${width} px:`, error);
      } finally {
        await server.stop();
      }
    }
  } finally {
    await browser.close();
  }
  log(failed ? `${failed} of ${WIDTHS.length} failed` : `all ${WIDTHS.length} passed`);
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
