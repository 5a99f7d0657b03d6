// The event day as one attendee lives it, with everyone else acting through the API: Olga
// organizes two events that have started, one at a venue and one online only, where Cleo is
// already checked in. Dan, who said he is going to both, opens each live room before checking in:
// "People to meet" tells him to check in first (to join, online, where no code is asked for),
// rather than that there is nobody to suggest, and once he has, Cleo is suggested. While he looks
// at People, a message from Cleo and an announcement from Olga mark the Chat and News tabs on a
// phone, and opening them clears the marks (the Chat tab lists the unread conversation to open,
// and a conversation left open there still marks the tab when written to behind another).
// With notifications on and his tab in the background, Cleo's meeting request and her message
// become browser notifications, and a click on each opens the request, or the conversation.

import assert from 'node:assert/strict';
import { api } from './server.mjs';
import { apiSignUp } from './signup.mjs';

const PASSWORD = 'correct horse battery';

/** Someone signed up through the API (and their mail), with a profile and matchmaking on: their id and token. */
async function person(server, name, email, profile) {
  const { access_token: token } = await apiSignUp(server, { name, email, password: PASSWORD });
  const me = await api(server.base, token, 'PATCH', '/me', { ...profile, matchmaking: true });
  return { id: me.id, token };
}

/** An event of Olga's that started ten minutes ago and ends in three hours. */
async function startedEvent(base, token, title, where) {
  return api(base, token, 'POST', '/events', {
    title,
    description: 'Founders and engineers building developer tools meet.',
    tags: ['devtools'],
    starts_at: new Date(Date.now() - 10 * 60_000).toISOString(),
    ends_at: new Date(Date.now() + 3 * 3600_000).toISOString(),
    timezone: 'Europe/London',
    ...where,
  });
}

/** Sends `text` to `channel` as the person whose token this is, over a WebSocket of `page`'s. */
async function sendAs(page, token, channel, text) {
  await page.evaluate(
    async ({ token, channel, text }) => {
      const url = `${location.origin.replace(/^http/, 'ws')}/api/v1/ws?access_token=${encodeURIComponent(token)}`;
      const ws = new WebSocket(url, ['mingle.v1']);
      await new Promise((resolve, reject) => {
        ws.onopen = resolve;
        ws.onerror = () => reject(new Error('no WebSocket'));
      });
      await new Promise((resolve, reject) => {
        ws.onmessage = (e) => {
          const frame = JSON.parse(e.data);
          if (frame.type === 'error') reject(new Error(`${frame.code}: ${frame.message}`));
          if (frame.type === 'reply') resolve();
        };
        ws.send(JSON.stringify({ type: 'publish', id: 'p1', channel, body: { text } }));
      });
      ws.close();
    },
    { token, channel, text },
  );
}

/** On a phone the live room shows one section at a time. */
async function showPanel(page, width, tab) {
  if (width < 760) await page.getByRole('tab', { name: new RegExp(`^${tab}`) }).click();
}

/**
 * The "check in first" note of an event Dan holds a seat at but has not checked in to: it counts
 * who is here and says how to join them, never that there is nobody to suggest; its button leads
 * to the event's page, and once checked in there, the note gives way to Cleo's card.
 */
async function checkInFirst(page, base, width, shot, { eventId, counted, advice, button, checkIn }) {
  await page.goto(`${base}/events/${eventId}/live`);
  await page.locator('[data-testid="connection"][data-status="open"]').waitFor();
  await showPanel(page, width, 'People');
  const note = page.getByTestId('check-in-first');
  await note.waitFor();
  const said = await note.textContent();
  assert.ok(said.includes(counted), `the note counts who is here: ${said}`);
  assert.ok(said.includes(advice), `the note says how to join them: ${said}`);
  assert.equal(await page.getByText('Nobody to suggest right now.').count(), 0, 'not "nobody to suggest"');
  assert.equal(await page.getByTestId('suggestion').count(), 0);
  await shot(page, `check-in-first-${button === 'Join' ? 'online' : 'venue'}`, width, { docs: false });
  await note.getByRole('link', { name: button, exact: true }).click();
  await page.waitForURL(`${base}/events/${eventId}`);
  await checkIn(page.locator('.rsvp-card'));
  await page
    .locator('.rsvp-card')
    .getByText(/Checked in at/)
    .waitFor();
  await page.getByRole('link', { name: 'Enter live room' }).first().click();
  await showPanel(page, width, 'People');
  await page.getByTestId('suggestion').filter({ hasText: 'Cleo Park' }).waitFor({ timeout: 45_000 });
  assert.equal(await note.count(), 0, 'the note is gone once checked in');
}

/**
 * The notification with `title` that `cause` makes Mingle show (through its service worker, as on
 * a phone), clicked; answers what it said. Headless Chromium has no notification to click, and may
 * take one away before a test can reach it, so the worker shows again exactly what the page asked
 * it to show, and is sent the `notificationclick` a click on it sends, allowed to focus the window
 * as a click allows.
 */
async function clickNotification(page, context, title, cause) {
  await cause();
  const asked = await page.waitForFunction((title) => window.notificationsShown.find((n) => n.title === title), title);
  const shown = await asked.jsonValue();
  const worker = context.serviceWorkers().find((w) => new URL(w.url()).pathname === '/sw.js');
  assert.ok(worker, 'the service worker runs');
  await worker.evaluate(async ({ title, options }) => {
    await self.registration.showNotification(title, options);
    const notification = (await self.registration.getNotifications({ tag: options.tag })).find(
      (n) => n.title === title,
    );
    const event = new self.NotificationEvent('notificationclick', { notification });
    const pending = [];
    event.waitUntil = (promise) => pending.push(promise);
    const focus = self.WindowClient.prototype.focus;
    self.WindowClient.prototype.focus = function () {
      return Promise.resolve(this);
    };
    try {
      self.dispatchEvent(event);
      await Promise.all(pending);
    } finally {
      self.WindowClient.prototype.focus = focus;
    }
  }, shown);
  return shown.options;
}

export async function eventDay(browser, options, server, width, { shot, log, timeout }) {
  const { base } = server;
  const run = `${width}-${Date.now().toString(36)}`;
  const olga = await person(server, 'Olga Petrova', `olga-${run}@example.com`, {
    headline: 'Organizer of developer tools meetups',
    interests: ['developer tools'],
  });
  const cleo = await person(server, 'Cleo Park', `cleo-${run}@example.com`, {
    headline: 'Founder of a developer tools startup',
    interests: ['developer tools', 'startups', 'rust'],
    seeking: ['product design for developer tools'],
    offering: ['Rust mentoring', 'advice for founders building developer tools'],
  });
  const danEmail = `dan-${run}@example.com`;
  const dan = await person(server, 'Dan Reyes', danEmail, {
    headline: 'Product designer who loves developer tools',
    interests: ['design', 'developer tools', 'startups'],
    seeking: ['Rust mentoring', 'founders building developer tools'],
    offering: ['product design for developer tools startups'],
  });
  const venue = await startedEvent(base, olga.token, 'Devtools Night', {
    venue: { name: 'The Foundry', address: '12 Clerkenwell Rd, London', lat: 51.5224, lon: -0.103 },
  });
  const online = await startedEvent(base, olga.token, 'Devtools Online', {
    online_url: 'https://meet.example.com/devtools-online',
  });
  assert.ok(venue.checkin_code, 'the organizer is told the check-in code');
  for (const event of [venue, online]) {
    for (const who of [cleo, dan]) await api(base, who.token, 'POST', `/events/${event.id}/rsvp`, { status: 'going' });
  }
  await api(base, cleo.token, 'POST', `/events/${venue.id}/checkin`, { code: venue.checkin_code });
  await api(base, cleo.token, 'POST', `/events/${online.id}/checkin`, {});

  const context = await browser.newContext(options);
  context.setDefaultTimeout(timeout);
  // Every notification the page asks its service worker to show, in order.
  await context.addInitScript(() => {
    window.notificationsShown = [];
    const show = ServiceWorkerRegistration.prototype.showNotification;
    ServiceWorkerRegistration.prototype.showNotification = function (title, options) {
      window.notificationsShown.push({ title, options });
      return show.call(this, title, options);
    };
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => log('Dan page error:', error.message));
  // Cleo's own browser, only to write to Dan over a WebSocket of hers.
  const cleoContext = await browser.newContext({ ...options, serviceWorkers: 'block' });
  cleoContext.setDefaultTimeout(timeout);
  const cleoPage = await cleoContext.newPage();
  await cleoPage.goto(`${base}/`);
  const { channel: dm } = await api(base, cleo.token, 'POST', '/conversations', { user_id: dan.id });

  await page.goto(`${base}/signin`);
  await page.getByLabel('Email').fill(danEmail);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();

  log(width, 'Dan, not yet checked in, is told to check in first; once he has, Cleo is suggested');
  await checkInFirst(page, base, width, shot, {
    eventId: venue.id,
    counted: 'One person is checked in.',
    advice: 'check in to meet them',
    button: 'Check in',
    checkIn: async (card) => {
      await card.getByLabel('Event check-in code').fill(venue.checkin_code);
      await card.getByRole('button', { name: 'Check in', exact: true }).click();
    },
  });
  log(width, 'online only, he is told to join, and joins without a code');
  await checkInFirst(page, base, width, shot, {
    eventId: online.id,
    counted: 'One person has joined.',
    advice: 'join to meet them',
    button: 'Join',
    checkIn: async (card) => {
      assert.equal(await card.getByLabel('Event check-in code').count(), 0, 'no code is asked for online');
      await card.getByRole('button', { name: 'I am here: join' }).click();
    },
  });

  log(width, 'a message and an announcement mark the Chat and News tabs until opened');
  await page.goto(`${base}/events/${venue.id}/live`);
  await page.locator('[data-testid="connection"][data-status="open"]').waitFor();
  await showPanel(page, width, 'People');
  await sendAs(cleoPage, cleo.token, dm, 'I am by the stage, come and say hi.');
  await api(base, olga.token, 'POST', `/events/${venue.id}/announcements`, {
    body: 'The lightning talks start in the main hall in ten minutes.',
  });
  const tab = (name) => page.getByRole('tab', { name });
  if (width < 760) {
    await tab(/^Chat\W*1 unread$/).waitFor();
    await tab(/^News\W*1 new$/).waitFor();
    assert.equal(await tab('People').getAttribute('aria-selected'), 'true', 'Dan stays where he was');
    await shot(page, 'live-tab-badges', width, { docs: false });
    await showPanel(page, width, 'News');
    await page.locator('.announcement', { hasText: 'lightning talks start' }).waitFor();
    await tab(/^News$/).waitFor();
    await showPanel(page, width, 'People');
    assert.equal(await tab(/^News$/).count(), 1, 'News stays unmarked once read');
    await showPanel(page, width, 'Chat');
  }
  const unread = page.getByRole('list', { name: 'Unread conversations' });
  await unread.getByRole('button', { name: 'New message from Cleo Park' }).click();
  await page.locator('.dm-card .bubble-text', { hasText: 'by the stage' }).waitFor();
  await unread.waitFor({ state: 'detached' });
  if (width < 760) {
    await tab(/^Chat$/).waitFor();
    // The conversation stays open behind another tab, and what arrives there meanwhile is unread.
    await showPanel(page, width, 'People');
    await sendAs(cleoPage, cleo.token, dm, 'Saved you a seat in the second row.');
    await tab(/^Chat\W*1 unread$/).waitFor();
    await showPanel(page, width, 'Chat');
    await page.locator('.dm-card .bubble-text', { hasText: 'second row' }).waitFor();
    await tab(/^Chat$/).waitFor();
  }
  await page.getByRole('button', { name: 'Close' }).click();

  log(width, 'in the background, a meeting request and a message become notifications that open them');
  await context.grantPermissions(['notifications'], { origin: base });
  await showPanel(page, width, 'Meetings');
  await page.getByRole('button', { name: 'Turn on', exact: true }).click();
  await page.waitForFunction(() => localStorage.getItem('mingle.notifications') === 'on');
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null);
  // Headless Chromium never hides a tab: the page is told it is hidden, as a switch to another
  // tab would tell it. The app looks at `document.visibilityState`.
  const visibility = (state) =>
    page.evaluate((state) => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => state === 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
    }, state);
  await visibility('hidden');
  const startsAt = new Date(Math.ceil((Date.now() + 20 * 60_000) / 300_000) * 300_000).toISOString();
  const request = await clickNotification(page, context, 'Cleo Park wants to meet', () =>
    api(base, cleo.token, 'POST', `/events/${venue.id}/meetings`, {
      to_user_id: dan.id,
      message: 'Coffee after the talks?',
      starts_at: startsAt,
      duration_minutes: 15,
      place: 'By the stage',
    }),
  );
  assert.equal(request.body, 'By the stage · Coffee after the talks?');
  assert.equal(request.data.url, '/meetings');
  await page.waitForURL(`${base}/meetings`);
  await page
    .getByTestId('incoming-meeting')
    .filter({ hasText: 'Cleo Park' })
    .getByRole('button', { name: 'Accept meeting with Cleo Park' })
    .waitFor();

  const message = await clickNotification(page, context, 'Message from Cleo Park', () =>
    sendAs(cleoPage, cleo.token, dm, 'The talks are over, I am at the coffee bar.'),
  );
  assert.equal(message.body, 'The talks are over, I am at the coffee bar.');
  assert.match(message.data.url, /^\/messages\?open=[0-9a-f-]+$/, 'it names the conversation');
  await page.locator('.dm-card .bubble-text', { hasText: 'at the coffee bar' }).waitFor();
  await page.getByRole('heading', { name: 'Chat with Cleo Park' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/messages');
  assert.equal(await page.getByTestId('unread-messages').count(), 0, 'the conversation it opens is read');
  // On screen, nothing more is notified: the badges tell.
  await visibility('visible');
  await sendAs(cleoPage, cleo.token, dm, 'See you there.');
  await page.locator('.dm-card .bubble-text', { hasText: 'See you there.' }).waitFor();
  await page.waitForTimeout(500);
  assert.deepEqual(
    await page.evaluate(() => window.notificationsShown.map((n) => [n.title, n.options.body])),
    [
      ['Cleo Park wants to meet', 'By the stage · Coffee after the talks?'],
      ['Message from Cleo Park', 'The talks are over, I am at the coffee bar.'],
    ],
    'one notification of each, and none while the tab is on screen',
  );

  await cleoContext.close();
  await context.close();
}
