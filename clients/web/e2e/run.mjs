// End-to-end tests of the web app in Debian's Chromium (never a downloaded browser), against a
// real server started here. Two people, each in their own browser context, at a desktop and at a
// phone width:
//   1. both sign up (Ben by keyboard alone), each through the link mailed to them, and fill in
//      their profiles with matchmaking on;
//   2. Ada creates an event (already started, with a venue and a long video link) and checks
//      herself in from the attendee list; she also creates an online event with a 63-letter word
//      and Arabic in its title, Hebrew and Arabic in its description and a 240-character link,
//      and every screen it appears on (editor, manage, event page, live room with a chat line,
//      organizer console, Discover) must fit; its card says "Online" and "Live now", on her clock;
//      a visitor without an account (a browser of their own) lists and searches Discover, opens
//      one of Ada's events, signs up from its "Sign up to RSVP" and, through the link mailed to
//      them, is brought back to it to RSVP;
//      at a phone width, a browser in Russian signs up and sees Discover, an event, the live room
//      and the profile in Russian, with no English label left, until the profile's switch makes
//      it English;
//   3. Ben finds the event by a search that Back and a reload keep (it lives in the address), RSVPs
//      and checks in with the event's code; the description is formatted from Markdown
//      (its HTML shown as text, never run), and he downloads a calendar file and shares the link;
//   4. in the live room each sees the other among "people to meet", with a reason, and two online;
//      Ben blocks Ada (after a question he first cancels) and undoes it;
//   5. a chat message from Ada appears live for Ben, and his answer for her; a web address in a
//      message is a link;
//   6. Ben requests a meeting, Ada accepts it live, Ben sees it arranged live, and they exchange
//      direct messages (Ada sees Ben's first one marked unread before she opens it); Ben's request
//      to a third attendee at the same time is offered free times, and her decline is shown to him;
//   7. Ben's network is cut; Ada posts while he is away; when it is back, Ben has every message
//      exactly once, in order (resumed with `since` on a new WebSocket), and his own next message
//      reaches Ada once;
//   8. an announcement from Ada reaches Ben's live room; on the manage screen she reads the funnel
//      and the networking outcome, and the audience in groups, and exports the attendee list as CSV;
//   9. Ada writes from her Messages list; Ben, without the conversation open, sees an unread badge
//      live, finds the conversation on top of his list and reads it;
//  10. a search with more results than a page shows the rest with "Load more", and Back keeps
//      them; a chat longer than a page loads its earlier lines without moving the view;
//  11. Ada turns notifications on in her profile; a message that arrives while her tab is hidden
//      shows one;
//  12. with the network cut, a reload still opens the app (from the service worker) and shows the
//      event as Ben last loaded it;
//  13. a third person's account from sign-up to deletion (account.mjs): the refresh token only in
//      an HttpOnly cookie, links from real mails (confirming the address, resetting the password),
//      devices signed out, two-step sign-in with codes computed from the secret on the page,
//      recovery codes, a new password and address, the data export;
//  14. signing in through a real OpenID Provider (providers.mjs): a newcomer's account made in
//      two clicks, the provider listed on the security page and kept while it is the only way to
//      sign in, an address the provider does not vouch for refused, linking and unlinking;
//  15. passkeys with Chromium's virtual authenticator (passkeys.mjs): added, named and renamed on
//      the security page (bringing recovery codes), signing in with one alone and as the second
//      step, a closed dialog said calmly, and the account deleted with a passkey as the proof;
//  16. the event day of one attendee (eventday.mjs): not yet checked in, "People to meet" tells him
//      to check in first (to join, online only, where no code is asked), and once he has, it
//      suggests; on a phone a message and an announcement mark the Chat and News tabs until
//      opened; in the background, a meeting request and a message become notifications, and a
//      click on each opens the request or the conversation;
//  17. usage analytics (analytics.mjs): two attendees open an event from Discover (a search and a
//      tag), RSVP and one checks in, and a third whose browser sends Global Privacy Control views
//      it and sends nothing; the organizer's funnel counts two views and two RSVPs, says where the
//      RSVPs came from and downloads as CSV; the operator's page refuses a wrong token and shows
//      the platform's charts with the right one, and both kinds of model with no experiment running.
// Every main screen is checked for sideways scrolling (and for anything drawn past an edge) and
// with axe-core (no serious accessibility problem), and its screenshot goes to docs/screenshots/
// (E2E_SCREENSHOTS=0 skips the files, E2E_SHOTS_DIR writes them elsewhere; the awkward event's go
// to a scratch folder). Cards say where and when on one clock: London's events unlabelled, New York's named. On a phone, the header
// keeps the offline state and Retry whole. E2E_WIDTHS=360 runs other widths; E2E_ONLY=account,
// providers, passkeys, eventday or analytics runs only that part (13 to 17), on a server of its own
// per width.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { accountLifecycle } from './account.mjs';
import { analytics } from './analytics.mjs';
import { eventDay } from './eventday.mjs';
import { passkeys } from './passkeys.mjs';
import { providerSignIn } from './providers.mjs';
import { api, repoRoot, startServer } from './server.mjs';
import { apiSignUp, confirmSignUp } from './signup.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = process.env.E2E_SHOTS_DIR ?? join(repoRoot, 'docs', 'screenshots');
// Screens checked with awkward content (long words and links, right-to-left text) are saved here,
// to look at, not to document.
const CHECK_SHOTS = join(tmpdir(), 'mingle-e2e-screenshots');
const takeShots = process.env.E2E_SCREENSHOTS !== '0';
const WIDTHS = (process.env.E2E_WIDTHS ?? '1280,390').split(',').map(Number);
/** The one part to run (a key of PARTS); the whole scenario when unset. */
const ONLY = process.env.E2E_ONLY ?? null;
/** The parts that can run alone: each needs only its server and a browser. */
const PARTS = { account: accountLifecycle, providers: providerSignIn, passkeys, eventday: eventDay, analytics };
const TIMEOUT = 20_000;

// Awkward but real content: a meeting link as long as the ones video tools hand out (240
// characters), a 63-letter German compound, and Hebrew and Arabic.
const LONG_LINK =
  'https://meet.example.com/l/meetup-join/19%3ameeting_NjM2YTk4ZTItYjQ1Mi00ZDBkLWE5NjktOTVmNjE0ZjE3MTJk%40thread.v2/0?context=%7b%22Tid%22%3a%2272f988bf-86f1-41af-91ab-2d7cd011db47%22%2c%22Oid%22%3a%22a1b2c3d4-e5f6-4711-8899-aabbccddeeff%22%7d';
const LONG_WORD = 'Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz';
const RTL_TITLE = 'أمسية المطورين';
const RTL_TEXT =
  'ערב למפתחים ולמעצבים: הרצאות קצרות ואחר כך היכרויות.\nأمسية للمطورين والمصممين: محاضرات قصيرة ثم تعارف.';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const log = (...args) => console.log(`[e2e ${new Date().toISOString().slice(11, 19)}]`, ...args);

function localInput(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/**
 * Checks a main screen: it fits the width (no sideways scrolling, nothing drawn past either edge)
 * and axe-core finds no serious accessibility problem (labels, names, contrast, ARIA); then saves
 * a screenshot of it, to docs/screenshots/ or, with `docs: false`, to a scratch folder. The
 * screenshot shows the top of the page, or with `at` (a locator) that part of it, below the header.
 */
async function shot(page, name, width, { docs = true, at = null } = {}) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${name} at ${width} px is ${overflow} px too wide`);
  // What sticks out sideways, unless an ancestor clips or scrolls it (an ellipsis, a chat log):
  // this also catches what a page hides with `overflow: hidden` instead of fitting it.
  const outside = await page.evaluate(() => {
    const right = document.documentElement.clientWidth;
    const contained = (el) => {
      for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
        if (getComputedStyle(up).overflowX !== 'visible') return true;
      }
      return false;
    };
    return [...document.querySelectorAll('body *')]
      .filter((el) => {
        const box = el.getBoundingClientRect();
        return box.width > 0 && box.height > 0 && (box.right > right + 1 || box.left < -1) && !contained(el);
      })
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${el.textContent.slice(0, 40)}"`);
  });
  assert.deepEqual(outside, [], `${name} at ${width} px draws past the edge`);
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
  const dir = docs ? SHOTS : CHECK_SHOTS;
  mkdirSync(dir, { recursive: true });
  await page.evaluate(() => {
    window.scrollTo(0, 0);
    document.activeElement instanceof HTMLElement && document.activeElement.blur();
  });
  if (at) {
    await at.evaluate((el) => {
      const header = document.querySelector('.topbar')?.getBoundingClientRect().bottom ?? 0;
      window.scrollTo(0, el.getBoundingClientRect().top - header - 16);
    });
  }
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(dir, `${name}-${width >= 1000 ? 'desktop' : 'mobile'}.png`), fullPage: false });
}

async function signUp(page, { base, mail }, { name, email, headline, interests, seeking, offering, keyboard = false }) {
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
  await confirmSignUp(page, base, mail, email);
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

/** The cards of the Discover screen's search results (not its picks). */
const results = (page) => page.locator('section[aria-labelledby="results-heading"] .event-card');

/** The signed-in person's current access token, as the app keeps it. */
const tokenOf = (page) => page.evaluate(() => JSON.parse(localStorage.getItem('mingle.session')).accessToken);

/**
 * A search lives in the address: Back from an event it found returns to the same words and
 * results, and so does a reload (as would a shared link). Starts and ends on the event's page.
 */
async function searchSurvivesBack(page, words, title) {
  await page.waitForURL(/\/events\/[0-9a-f-]+$/);
  await page.goBack();
  await page.waitForURL((url) => url.pathname === '/' && url.searchParams.get('q') === words);
  await results(page).filter({ hasText: title }).waitFor();
  assert.equal(await page.getByLabel('Keywords').inputValue(), words, 'Back brings the search back');
  await page.reload();
  await results(page).filter({ hasText: title }).waitFor();
  assert.equal(await page.getByLabel('Keywords').inputValue(), words, 'a reload keeps the search');
  await results(page).getByRole('link', { name: title }).click();
  await page.waitForURL(/\/events\/[0-9a-f-]+$/);
}

/**
 * More results than a page holds (20): "Load more" brings the rest, and Back from an event of the
 * second page returns to both pages.
 */
async function loadMoreResults(organizer, page, base, width) {
  const token = await tokenOf(organizer);
  const count = 23;
  const day = 24 * 3600_000;
  for (let i = 0; i < count; i++) {
    await api(base, token, 'POST', '/events', {
      title: `Open Studio ${i + 1}`,
      description: 'Artists open their studios for an evening.',
      tags: ['openstudio'],
      venue: { name: `Studio ${i + 1}`, address: 'Hackney Wick, London', lat: 51.54, lon: -0.02 },
      starts_at: new Date(Date.now() + (30 + i) * day).toISOString(),
      ends_at: new Date(Date.now() + (30 + i) * day + 2 * 3600_000).toISOString(),
      timezone: 'Europe/London',
    });
  }
  await page.goto(`${base}/`);
  await page.getByLabel('Tag', { exact: true }).fill('openstudio');
  await page.getByRole('button', { name: 'Search' }).click();
  await results(page).nth(19).waitFor();
  assert.equal(await results(page).count(), 20, 'one page of results at first');
  const more = page.getByRole('button', { name: 'Load more events' });
  await more.click();
  await results(page)
    .nth(count - 1)
    .waitFor();
  assert.equal(await results(page).count(), count, 'the second page follows the first');
  assert.equal(await more.count(), 0, 'nothing more to load after the last page');
  await shot(page, 'discover-more', width, { docs: false });
  const last = `Open Studio ${count}`;
  await results(page).getByRole('link', { name: last, exact: true }).click();
  await page.getByRole('heading', { name: last, exact: true, level: 1 }).waitFor();
  await page.goBack();
  await results(page).filter({ hasText: last }).waitFor();
  assert.equal(await results(page).count(), count, 'Back keeps every page loaded');
  assert.equal(new URL(page.url()).searchParams.get('tag'), 'openstudio');
}

/** Labels of the English interface that a Russian screen must not show (matched as whole words). */
const ENGLISH_UI = [
  'Discover',
  'Organize',
  'Meetings',
  'Messages',
  'Profile',
  'Sign out',
  'Going',
  'Interested',
  'Checked in',
  'Waitlist',
  'Share',
  'Add to calendar',
  'About',
  'When',
  'Where',
  'Announcements',
  'Who is coming',
  'Your RSVP',
  'People to meet',
  'Event chat',
  'Send',
  'online',
  'Search',
  'Keywords',
  'Anywhere',
  'Picked for you',
  'Results',
  'Live now',
  'Loading',
  'Save profile',
  'Notifications',
  'Blocked people',
  'Two-step sign-in',
  'Where you are signed in',
  'Download my data',
  'Delete account',
  'This device',
  'Change',
];

/** The English interface labels on screen: in its text, its accessible labels and placeholders. */
async function englishLeaks(page) {
  return page.evaluate((words) => {
    const texts = [document.body.innerText, document.title];
    for (const el of document.querySelectorAll('[aria-label], [placeholder]')) {
      texts.push(el.getAttribute('aria-label') ?? '', el.getAttribute('placeholder') ?? '');
    }
    const all = texts.join('\n');
    return words.filter((word) => new RegExp(`(^|[^\\p{L}])${word}([^\\p{L}]|$)`, 'u').test(all));
  }, ENGLISH_UI);
}

/**
 * The main screens in Russian, for a browser whose language is Russian: signing up, Discover (with
 * a search), an event page with an RSVP, the live room and the profile, each in Russian with no
 * English label left over; then the profile's switch turns the app English at once, for good.
 */
async function inRussian(browser, options, { base, mail }, eventId, title, width) {
  const context = await browser.newContext({ ...options, locale: 'ru-RU', timezoneId: 'Europe/Moscow' });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  page.on('pageerror', (error) => log('Russian page error:', error.message));
  const noEnglish = async (screen) => assert.deepEqual(await englishLeaks(page), [], `${screen} shows English labels`);

  await page.goto(`${base}/signup`);
  await page.getByRole('heading', { name: 'Создайте аккаунт' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'ru', '<html lang> follows the language');
  assert.equal(await page.title(), 'Регистрация · Mingle');
  await page.getByRole('button', { name: 'Зарегистрироваться' }).click();
  await page.getByRole('alert').filter({ hasText: 'Введите имя, адрес почты и пароль.' }).waitFor();
  await page.getByLabel('Ваше имя').fill('Дарья Смирнова');
  const email = `darya-${width}-${Date.now().toString(36)}@example.com`;
  await page.getByLabel('Электронная почта').fill(email);
  await page.getByLabel('Пароль').fill('correct horse battery');
  await page.getByRole('button', { name: 'Зарегистрироваться' }).click();
  await page.getByRole('heading', { name: 'Проверьте почту' }).waitFor();
  assert.equal(await page.title(), 'Проверьте почту · Mingle');
  await noEnglish('“Check your mail”');
  await confirmSignUp(page, base, mail, email);
  await page.getByRole('heading', { name: 'Добро пожаловать! Расскажите о себе' }).waitFor();
  await noEnglish('the new profile');

  await page.locator('header').getByRole('link', { name: 'Афиша' }).click();
  await page.getByRole('heading', { name: 'Афиша', level: 1 }).waitFor();
  await page.getByLabel('Ключевые слова').fill('laptop');
  await page.getByRole('button', { name: 'Найти' }).click();
  await page.getByRole('heading', { name: 'Результаты' }).waitFor();
  await results(page).filter({ hasText: 'Rust London Hack Night' }).waitFor();
  await noEnglish('Discover');
  // An RSVP to the Hack Night, so that the counts of Ada's event stay those the other steps check.
  await results(page).getByRole('link', { name: 'Rust London Hack Night' }).click();
  await page.getByRole('button', { name: 'Интересно', exact: true }).click();
  await page.locator('.rsvp-state').getByText('Интересно', { exact: true }).waitFor();
  await noEnglish('the event page');

  await page.goto(`${base}/events/${eventId}`);
  await page.getByRole('heading', { name: title, exact: true, level: 1 }).waitFor();
  await page.getByRole('heading', { name: 'Объявления' }).waitFor();
  await page.locator('.announcement').first().waitFor();
  await noEnglish('the event page');
  await shot(page, 'ru-event', width);

  await page.goto(`${base}/events/${eventId}/live`);
  await page.getByRole('heading', { name: `В эфире: ${title}` }).waitFor();
  await waitForConnection(page, 'open');
  // Who is online is for attendees; the count reads "– в сети" for a visitor like her.
  await page.getByTestId('online-count').filter({ hasText: 'в сети' }).waitFor();
  await noEnglish('the live room');
  await shot(page, 'ru-live-room', width);
  await showPanel(page, width, 'Люди');
  await page.getByRole('heading', { name: 'С кем познакомиться' }).waitFor();
  await noEnglish('the live room');

  await page.goto(`${base}/profile`);
  await page.getByRole('heading', { name: 'Ваш профиль', level: 1 }).waitFor();
  await noEnglish('the profile');
  await page.getByRole('link', { name: 'Открыть настройки входа и безопасности' }).click();
  await page.getByRole('heading', { name: 'Вход и безопасность', level: 1 }).waitFor();
  await page.getByTestId('device').filter({ hasText: 'Chrome на Linux' }).waitFor();
  await noEnglish('the security page');
  await shot(page, 'ru-security', width);
  await page.goto(`${base}/profile`);
  await page.getByRole('heading', { name: 'Ваш профиль', level: 1 }).waitFor();
  await page.getByLabel('Язык интерфейса').selectOption('en');
  await page.getByRole('heading', { name: 'Your profile', level: 1 }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  await page.reload();
  await page.getByRole('heading', { name: 'Your profile', level: 1 }).waitFor();
  await page.locator('header').getByRole('link', { name: 'Discover' }).waitFor();
  await context.close();
}

/** Posts each of `texts` to `channel` over a WebSocket of the page's own, in order. */
async function postAll(page, channel, texts) {
  await page.evaluate(
    async ({ channel, texts }) => {
      const token = JSON.parse(localStorage.getItem('mingle.session')).accessToken;
      const url = `${location.origin.replace(/^http/, 'ws')}/api/v1/ws?access_token=${encodeURIComponent(token)}`;
      const ws = new WebSocket(url, ['mingle.v1']);
      await new Promise((resolve, reject) => {
        ws.onopen = resolve;
        ws.onerror = () => reject(new Error('no WebSocket'));
      });
      const replies = new Promise((resolve, reject) => {
        let answered = 0;
        ws.onmessage = (e) => {
          const frame = JSON.parse(e.data);
          if (frame.type === 'error') reject(new Error(`${frame.code}: ${frame.message}`));
          if (frame.type === 'reply' && ++answered === texts.length) resolve();
        };
      });
      texts.forEach((text, i) => ws.send(JSON.stringify({ type: 'publish', id: `p${i}`, channel, body: { text } })));
      await replies;
      ws.close();
    },
    { channel, texts },
  );
}

/**
 * A chat longer than its first page (50 lines) shows "Load earlier messages"; the older lines come
 * in above without moving the line that was first on screen.
 */
async function loadEarlierChat(a, b, base, eventId, width) {
  const chat = `event:${eventId}:chat`;
  const lines = (who) => Array.from({ length: 30 }, (_, i) => `${who}, line ${i + 1}`);
  await postAll(a, chat, lines('Ada'));
  await postAll(b, chat, lines('Ben'));
  const stored = await api(base, await tokenOf(a), 'GET', `/channels/${encodeURIComponent(chat)}/messages?limit=100`);
  assert.ok(!stored.next_cursor && stored.items.length > 50, 'the chat holds more than one page');
  await b.goto(`${base}/events/${eventId}/live`);
  await showPanel(b, width, 'Chat');
  const log = b.getByTestId(`log-${chat}`);
  await log.locator('.bubble-text', { hasText: 'Ben, line 30' }).waitFor();
  const newest = await chatTexts(b, chat);
  assert.equal(newest.length, 50, 'the chat opens with its newest 50 lines');
  await log.evaluate((el) => {
    el.scrollTop = 0;
  });
  const first = await log.locator('[data-offset]').first().getAttribute('data-offset');
  const top = () => log.locator(`[data-offset="${first}"]`).evaluate((el) => el.getBoundingClientRect().top);
  const topBefore = await top();
  await log.getByRole('button', { name: 'Load earlier messages' }).click();
  await log
    .locator('[data-offset]')
    .nth(stored.items.length - 1)
    .waitFor();
  assert.ok(Math.abs((await top()) - topBefore) <= 2, 'the line that was first stays where it was');
  assert.equal(await log.getByRole('button', { name: 'Load earlier messages' }).count(), 0, 'nothing older is left');
  const all = await chatTexts(b, chat);
  assert.equal(all.length, stored.items.length, 'every line once');
  assert.deepEqual(all.slice(-50), newest, 'the newest lines are as they were');
  assert.equal(all[0], stored.items.at(-1).body.text, 'down to the very first line');
  await shot(b, 'live-chat-earlier', width, { docs: false });
}

/**
 * Once Ada turns notifications on (the browser's permission is asked then, and granted here), a
 * message that reaches her while her tab is hidden becomes a notification.
 */
async function notifiesInBackground(a, b, contextA, base) {
  await contextA.grantPermissions(['notifications'], { origin: base });
  await a.goto(`${base}/profile`);
  const choice = a.getByRole('checkbox', { name: /^Meeting requests and messages/ });
  assert.equal(await choice.isChecked(), false, 'off until turned on');
  // Checked once the browser has answered, so clicked rather than `check`ed.
  await choice.click();
  await a.waitForFunction(() => localStorage.getItem('mingle.notifications') === 'on');
  assert.equal(await choice.isChecked(), true, 'on once the browser allows it');
  await a.waitForFunction(() => navigator.serviceWorker?.controller != null);
  // Headless Chromium never hides a tab; the page is told it is hidden, as a switch to another would.
  await a.evaluate(() =>
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' }),
  );
  const { items } = await api(base, await tokenOf(b), 'GET', '/conversations');
  const withAda = items.find((c) => c.with.display_name === 'Ada Lovelace');
  await postAll(b, withAda.channel, ['Are you still at the venue?']);
  await a.waitForFunction(async () => {
    const registration = await navigator.serviceWorker.ready;
    const shown = await registration.getNotifications();
    return shown.some((n) => n.title === 'Message from Ben Okafor' && n.body === 'Are you still at the venue?');
  });
}

/**
 * The app opens without a network: the service worker serves the page and its assets, and the
 * API's last answers to this person, even though the event has changed on the server meanwhile.
 */
async function opensOffline(organizer, page, context, base, eventId, title, width) {
  const heading = (name) => page.getByRole('heading', { name, exact: true, level: 1 });
  await page.goto(`${base}/events/${eventId}`);
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null);
  await heading(title).waitFor();
  // Once more, now certainly through the worker, so that the event's answer is kept.
  await page.reload();
  await heading(title).waitFor();
  await context.setOffline(true);
  const renamed = `${title}: doors at 19:00`;
  await api(base, await tokenOf(organizer), 'PATCH', `/events/${eventId}`, { title: renamed });
  const offline = await page.reload();
  assert.ok(offline?.fromServiceWorker(), 'offline, the page comes from the service worker');
  await heading(title).waitFor();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  await shot(page, 'offline-event', width, { docs: false });
  await context.setOffline(false);
  await page.reload();
  await heading(renamed).waitFor();
}

/** Signs someone up through the API (and their mail), with a profile and matchmaking on; answers their token. */
async function apiPerson(server, { name, email, ...profile }) {
  const { access_token: token } = await apiSignUp(server, { name, email, password: 'correct horse battery' });
  await api(server.base, token, 'PATCH', '/me', { ...profile, matchmaking: true });
  return token;
}

/**
 * Cleo arrives and checks in. Ben, whose meeting with Ada is arranged, asks Cleo to meet at the
 * time the form suggests, which is during it: the form says so and offers times both are free;
 * one fills "When", and the request goes. Cleo declines it: Ben's Meetings panel shows it under
 * "Declined" (and the two are no longer suggested to each other).
 */
async function clashAndDecline(b, server, eventId, code, width) {
  const { base } = server;
  const cleo = await apiPerson(server, {
    name: 'Cleo Park',
    email: `cleo-${Date.now().toString(36)}@example.com`,
    headline: 'Founder of a developer tools startup',
    interests: ['developer tools', 'startups', 'rust'],
    seeking: ['product design for developer tools'],
    offering: ['Rust mentoring', 'advice for founders building developer tools'],
  });
  await api(base, cleo, 'POST', `/events/${eventId}/rsvp`, { status: 'going' });
  await api(base, cleo, 'POST', `/events/${eventId}/checkin`, { code });
  await showPanel(b, width, 'People');
  const card = b.getByTestId('suggestion').filter({ hasText: 'Cleo Park' });
  await card.waitFor({ timeout: 45_000 });
  await card.getByRole('button', { name: 'Request a meeting with Cleo Park' }).click();
  const form = b.getByRole('form', { name: 'Meeting request to Cleo Park' });
  const when = form.getByLabel('When');
  const asked = await when.inputValue();
  await form.getByRole('button', { name: 'Send request' }).click();
  await form.getByRole('alert').waitFor();
  const free = form.getByTestId('free-times');
  await free.getByText('Free for both of you:').waitFor();
  const offered = free.getByRole('button').first();
  const time = (await offered.textContent()).trim();
  await offered.click();
  assert.notEqual(await when.inputValue(), asked, 'a free time replaces the one that clashed');
  assert.ok((await when.inputValue()).endsWith(`T${time}`), `"When" is the time offered, ${time}`);
  assert.equal(await form.getByRole('alert').count(), 0, 'the clash note goes once a free time is chosen');
  await form.getByRole('button', { name: 'Send request' }).click();
  await card.getByTestId('request-pending').waitFor();
  const { items } = await api(base, await tokenOf(b), 'GET', `/me/meetings?event_id=${eventId}`);
  const withAda = items.find((m) => m.status === 'accepted');
  const toCleo = items.find((m) => m.status === 'pending' && m.to.display_name === 'Cleo Park');
  assert.ok(toCleo && Date.parse(toCleo.starts_at) >= Date.parse(withAda.ends_at), 'the request is after the meeting');

  await api(base, cleo, 'POST', `/meetings/${toCleo.id}/decline`);
  await showPanel(b, width, 'Meetings');
  await b.getByTestId('declined-meeting').filter({ hasText: 'Cleo Park' }).waitFor();
}

/**
 * The manage screen's insights, with Ada, Ben and Cleo going and checked in, and Ben having
 * asked two of them (Ada accepted): the funnel (three checked in, two with a meeting accepted,
 * the networking outcome), the audience in groups (or, without the text model, a sentence that
 * says why not), and the attendee list downloaded as CSV with Ada's token.
 */
async function organizerInsights(page, eventId, width) {
  const funnel = page.getByTestId('analytics-funnel');
  const stage = (id) => funnel.getByTestId(`stage-${id}`).locator('.funnel-head');
  // The analytics are written about every second and the screen asks again every 15 seconds.
  const soon = { timeout: 40_000 };
  await stage('checked_in')
    .filter({ hasText: /^Checked in\s*3 · 100% of the step before$/ })
    .waitFor(soon);
  await stage('rsvped')
    .filter({ hasText: /^RSVP'd\s*3\b/ })
    .waitFor(soon);
  await stage('meeting_requested')
    .filter({ hasText: /^Asked someone to meet\s*1\b/ })
    .waitFor(soon);
  await stage('meeting_accepted')
    .filter({ hasText: /^Had a meeting accepted\s*2\b/ })
    .waitFor(soon);
  await page
    .getByTestId('networking-outcome')
    .filter({ hasText: /^67%\s*2 of 3 checked-in attendees had a meeting accepted\.$/ })
    .waitFor(soon);
  const groups = page.getByTestId('audience-groups');
  await groups.getByTestId('segment').or(groups.getByTestId('audience-unavailable')).first().waitFor();
  if ((await groups.getByTestId('segment').count()) > 0) {
    const sizes = await groups
      .getByTestId('segment')
      .locator('.funnel-count')
      .evaluateAll((els) => els.map((el) => Number.parseInt(el.textContent, 10)));
    assert.equal(
      sizes.reduce((sum, n) => sum + n, 0),
      3,
      `everyone is in one group: ${sizes}`,
    );
    assert.match(await groups.textContent(), /3 people with an RSVP/);
  } else {
    log(width, '  audience groups: the text model is not installed, and the screen says so');
  }
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export attendees (CSV)' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), `attendees-${eventId}.csv`);
  const rows = readFileSync(await download.path(), 'utf8')
    .trim()
    .split(/\r?\n/);
  assert.match(rows[0], /^Name,Headline,Status,Waitlist position,Answered \(.+\),Checked in \(.+\)$/);
  assert.deepEqual(
    rows
      .slice(1)
      .map((row) => row.split(',')[0])
      .sort(),
    ['Ada Lovelace', 'Ben Okafor', 'Cleo Park'],
  );
  await shot(page, 'insights', width, { at: funnel });
}

/** The page the server sends for an event names it, escaped: its title, and Open Graph tags for previews. */
async function assertServedTitle(base, eventId, title) {
  const served = await (await fetch(`${base}/events/${eventId}`)).text();
  const escaped = title.replace(/&/g, '&amp;');
  assert.ok(served.includes(`<title>${escaped} · Mingle</title>`), `the served page is titled ${title}`);
  assert.ok(served.includes(`<meta property="og:title" content="${escaped}" />`), `its preview names ${title}`);
}

/**
 * The public front door. A visitor in a fresh browser lists and searches Discover, opens an event
 * (its title in the tab too, its announcements shown) and is offered "Sign up to RSVP"; once
 * signed up they are back on the same event, where the RSVP works, and signing out there leaves
 * them on it. Signed out, nothing is refused for want of a session, nothing is logged as an
 * error, no WebSocket opens. (The visitor answers the Hack Night, so that the counts of Ada's
 * event stay those of the people the other steps bring.)
 */
async function frontDoor(browser, options, { base, mail }, width) {
  const title = 'Rust London Hack Night';

  const context = await browser.newContext(options);
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  const problems = [];
  let signedOut = true;
  page.on('response', (response) => {
    if (signedOut && response.status() === 401) problems.push(`401 from ${response.url()}`);
  });
  page.on('console', (message) => {
    if (signedOut && message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('websocket', (ws) => {
    if (signedOut) problems.push(`a WebSocket to ${ws.url()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));

  await page.goto(`${base}/`);
  await page.getByRole('heading', { name: 'Discover', level: 1 }).waitFor();
  assert.equal(await page.title(), 'Discover · Mingle');
  const header = page.locator('header.topbar');
  await header.getByRole('link', { name: 'Sign up', exact: true }).waitFor();
  await header.getByRole('link', { name: 'Sign in', exact: true }).waitFor();
  assert.equal(await page.getByRole('navigation', { name: 'Main' }).count(), 0, 'no personal navigation');
  await page.getByRole('heading', { name: 'Upcoming events' }).waitFor();
  await results(page).filter({ hasText: 'Rust & Design Night' }).waitFor();
  await results(page).filter({ hasText: title }).waitFor();
  await shot(page, 'front-door-discover', width, { docs: false });
  await page.getByLabel('Keywords').fill('laptop');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('heading', { name: 'Results' }).waitFor();
  await page.waitForFunction(
    () => document.querySelectorAll('section[aria-labelledby="results-heading"] .event-card').length === 1,
  );
  await results(page).getByRole('link', { name: title }).click();
  await page.waitForURL(/\/events\/[0-9a-f-]+$/);
  const eventPath = new URL(page.url()).pathname;
  await assertServedTitle(base, eventPath.split('/')[2], title);
  await page.getByRole('heading', { name: title, exact: true, level: 1 }).waitFor();
  await page.waitForFunction((expected) => document.title === expected, `${title} · Mingle`);
  await page.getByText('No announcements yet.').waitFor();
  const rsvp = page.locator('.rsvp-card');
  const signUpToRsvp = rsvp.getByRole('link', { name: 'Sign up to RSVP' });
  await signUpToRsvp.waitFor();
  await page.getByText('to see who is coming').waitFor();
  await shot(page, 'front-door', width);
  assert.deepEqual(problems, [], 'signed out, nothing asks for a session');

  await signUpToRsvp.click();
  await page.getByRole('heading', { name: 'Create your account' }).waitFor();
  assert.equal(await page.title(), 'Sign up · Mingle');
  signedOut = false;
  await page.getByLabel('Your name').fill('Noor Visitor');
  const email = `noor-${width}-${Date.now().toString(36)}@example.com`;
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign up' }).click();
  // The link mailed to her, opened in this browser, signs her in and brings her back.
  await confirmSignUp(page, base, mail, email);
  await page.waitForURL(`${base}${eventPath}`);
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  await page.getByRole('button', { name: 'Interested', exact: true }).click();
  await rsvp.locator('.rsvp-state').getByText('Interested', { exact: true }).waitFor();

  // Signing out on the event's page stays there, as a visitor again.
  signedOut = true;
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signUpToRsvp.waitFor();
  assert.equal(new URL(page.url()).pathname, eventPath, 'signing out keeps the event page');
  await page.getByRole('heading', { name: title, exact: true, level: 1 }).waitFor();
  await page.getByText('No announcements yet.').waitFor();
  assert.deepEqual(problems, [], 'signed out again, nothing asks for a session');
  await context.close();
}

/** A browser context at `width`: a desktop, or a phone (touch, two device pixels per pixel). */
function contextOptions(width) {
  return {
    viewport: { width, height: width >= 1000 ? 860 : 844 },
    deviceScaleFactor: width >= 1000 ? 1 : 2,
    isMobile: width < 1000,
    hasTouch: width < 1000,
    locale: 'en-GB',
    timezoneId: 'Europe/London',
  };
}

async function scenario(browser, server, width) {
  const { base } = server;
  const options = contextOptions(width);
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
  // A page that needs a session asks to sign in first.
  await a.goto(`${base}/organize`);
  await a.getByRole('heading', { name: 'Welcome back' }).waitFor();
  assert.equal(await a.title(), 'Sign in · Mingle');
  // Under the form, the identity provider the server offers.
  await a.getByRole('button', { name: `Continue with ${server.provider}` }).waitFor();
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
  await signUp(a, server, {
    name: 'Ada Lovelace',
    email: `ada-${run}@example.com`,
    headline: 'Founder building developer tools in Rust',
    interests: ['rust', 'developer tools', 'startups'],
    seeking: ['a designer for a developer tools startup'],
    offering: ['Rust mentoring', 'advice on fundraising for startups'],
  });
  await shot(a, 'profile', width);
  await signUp(b, server, {
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
  // Markdown, and HTML that must never run.
  const description = [
    'Founders, engineers and designers building **developer tools** meet over pizza.',
    '',
    '- Lightning talks at 19:30',
    '- Open networking after',
    '',
    'The talks are on [the schedule](https://example.com/schedule).',
    '',
    '<script>window.descriptionRan = true</script>',
  ].join('\n');
  await a.getByLabel('Description').fill(description);
  const tags = a.getByLabel('Tags', { exact: true });
  for (const tag of ['rust', 'design', 'startups']) {
    await tags.fill(tag);
    await tags.press('Enter');
  }
  await a.getByLabel('Starts').fill(localInput(new Date(Date.now() - 10 * 60_000)));
  await a.getByLabel('Place').fill('The Foundry');
  await a.getByLabel('Address').fill('12 Clerkenwell Rd');
  await a.getByLabel('City', { exact: true }).fill('London');
  // Ending before it starts: the problem is said under the field, and goes once it is edited.
  await a.getByLabel('Ends').fill(localInput(new Date(Date.now() - 20 * 60_000)));
  await a.getByRole('button', { name: 'Create event' }).click();
  await a.getByRole('alert').filter({ hasText: 'Please fix the fields marked below.' }).waitFor();
  const ends = a.getByLabel('Ends');
  assert.equal(await ends.getAttribute('aria-invalid'), 'true');
  const endsProblem = a.locator(`#${await ends.getAttribute('aria-describedby')}`);
  assert.equal(await endsProblem.textContent(), 'End must be after the start.');
  await ends.fill(localInput(new Date(Date.now() + 3 * 3600_000)));
  assert.equal(await ends.getAttribute('aria-invalid'), null, 'an edited field drops its old problem');
  assert.equal(await a.locator('.field-problem').count(), 0);
  assert.equal(await a.getByRole('alert').count(), 0, 'and so does the form sentence about it');
  await a.getByLabel('Latitude').fill('51.5224');
  await a.getByLabel('Longitude').fill('-0.1030');
  await a.getByLabel('Capacity').fill('80');
  // Hybrid: a venue and a video link.
  await a.getByLabel('Online link').fill(LONG_LINK);
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

  // A few upcoming events, so that Ben's discover screen has picks with reasons; one is in New York.
  const token = await a.evaluate(() => JSON.parse(localStorage.getItem('mingle.session')).accessToken);
  const day = 24 * 3600_000;
  const london = { address: 'London', lat: 51.52, lon: -0.08, timezone: 'Europe/London' };
  for (const [i, [t, tagList, text, place]] of [
    [
      'Developer Tools Founders Breakfast',
      ['startups', 'developer tools'],
      'Founders of developer tools companies swap notes on pricing, hiring and fundraising.',
      { name: 'Second Home', ...london },
    ],
    [
      'Design Systems Meetup',
      ['design'],
      'Designers and engineers on building design systems that last.',
      { name: 'Figma Office', address: 'New York', lat: 40.74, lon: -73.99, timezone: 'America/New_York' },
    ],
    [
      'Rust London Hack Night',
      ['rust'],
      'Bring a laptop and a Rust project; mentors on hand.',
      { name: 'Cloudflare London', ...london },
    ],
  ].entries()) {
    const { timezone, ...venue } = place;
    await api(base, token, 'POST', '/events', {
      title: t,
      description: text,
      tags: tagList,
      starts_at: new Date(Date.now() + (i + 2) * day).toISOString(),
      ends_at: new Date(Date.now() + (i + 2) * day + 3 * 3600_000).toISOString(),
      timezone,
      venue,
      capacity: 120,
    });
  }

  log(width, 'a visitor without an account browses, opens the event, signs up to RSVP and comes back');
  await assertServedTitle(base, eventId, title);
  await frontDoor(browser, options, server, width);

  const accountStarted = Date.now();
  await accountLifecycle(browser, options, server, width, { shot, log, timeout: TIMEOUT });
  log(width, `the account's life took ${((Date.now() - accountStarted) / 1000).toFixed(1)} s`);

  const providerStarted = Date.now();
  await providerSignIn(browser, options, server, width, { shot, log, timeout: TIMEOUT });
  log(width, `signing in through a provider took ${((Date.now() - providerStarted) / 1000).toFixed(1)} s`);

  const passkeysStarted = Date.now();
  await passkeys(browser, options, server, width, { shot, log, timeout: TIMEOUT });
  log(width, `passkeys took ${((Date.now() - passkeysStarted) / 1000).toFixed(1)} s`);

  const eventDayStarted = Date.now();
  await eventDay(browser, options, server, width, { shot, log, timeout: TIMEOUT });
  log(width, `the event day took ${((Date.now() - eventDayStarted) / 1000).toFixed(1)} s`);

  const analyticsStarted = Date.now();
  await analytics(browser, options, server, width, { shot, log, timeout: TIMEOUT });
  log(width, `usage analytics took ${((Date.now() - analyticsStarted) / 1000).toFixed(1)} s`);

  if (width < 1000 || WIDTHS.length === 1) {
    log(width, 'a browser in Russian signs up and sees the main screens in Russian, then switches to English');
    await inRussian(browser, options, server, eventId, title, width);
  }

  log(width, 'an online event with a long word, a long link and right-to-left text fits every screen');
  await a.goto(`${base}/organize/new`);
  const awkward = `${LONG_WORD} · ${RTL_TITLE}`;
  await a.getByLabel('Title').fill(awkward);
  await a.getByLabel('Description').fill(`${RTL_TEXT}\n${LONG_LINK}`);
  await a.getByLabel('Tags', { exact: true }).fill('layoutcheck');
  await a.getByLabel('Tags', { exact: true }).press('Enter');
  await a.getByLabel('Starts').fill(localInput(new Date(Date.now() - 5 * 60_000)));
  await a.getByLabel('Ends').fill(localInput(new Date(Date.now() + 2 * 3600_000)));
  await a.getByLabel('Online link').fill(LONG_LINK);
  await shot(a, 'awkward-editor', width, { docs: false });
  await a.getByRole('button', { name: 'Create event' }).click();
  await a.waitForURL(/\/events\/[0-9a-f-]+\/manage$/);
  const awkwardId = a.url().split('/').slice(-2)[0];
  await a.getByRole('heading', { name: awkward }).waitFor();
  await shot(a, 'awkward-manage', width, { docs: false });
  await a.getByRole('link', { name: 'Event page' }).click();
  // The link is one line, cut with an ellipsis, and whole in its title.
  await a.locator(`.facts a[title="${LONG_LINK}"]`).waitFor();
  await shot(a, 'awkward-event', width, { docs: false });
  await a.goto(`${base}/events/${awkwardId}/live`);
  await waitForConnection(a, 'open');
  const awkwardChat = a.getByLabel('Message to Event chat');
  await awkwardChat.fill(`${LONG_WORD} ${RTL_TITLE} ${LONG_LINK}`);
  await awkwardChat.press('Enter');
  await a.locator('.bubble-text', { hasText: RTL_TITLE }).waitFor();
  await shot(a, 'awkward-live', width, { docs: false });
  await a.goto(`${base}/organize`);
  await a.locator('.organizer-row', { hasText: LONG_WORD }).waitFor();
  await shot(a, 'awkward-organize', width, { docs: false });
  await a.goto(`${base}/`);
  await a.getByLabel('Tag', { exact: true }).fill('layoutcheck');
  await a.getByRole('button', { name: 'Search' }).click();
  const awkwardCard = a.locator('#results-heading ~ .grid .event-card', { hasText: LONG_WORD });
  await awkwardCard.waitFor();
  // Online only: where is "Online", and the time is the viewer's, so it names no zone.
  const awkwardText = await awkwardCard.textContent();
  assert.match(awkwardText, /Live now/, 'a started event is marked live');
  assert.match(awkwardText, /Online/, 'an online event says so');
  assert.doesNotMatch(awkwardText, /GMT|BST|UTC/, 'an online event is on the viewer’s clock, unlabelled');
  await shot(a, 'awkward-discover', width, { docs: false });
  await a.goto(`${base}/events/${awkwardId}/edit`);
  assert.equal(await a.getByLabel('Title').inputValue(), awkward);
  await shot(a, 'awkward-edit', width, { docs: false });
  await a.goto(`${base}/events/${eventId}/manage`);

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
  const found = b.locator('.event-card', { hasText: title });
  await found.waitFor();
  // The card says where (the venue and its city, and Online for the link), that it is on, and on which clock:
  // London's, which is Ben's too, so unlabelled.
  const foundText = await found.textContent();
  assert.match(foundText, /Live now/, 'a started event is marked live');
  assert.match(foundText, /The Foundry, London · Online/, 'a hybrid event names its venue, its city and Online');
  assert.doesNotMatch(foundText, /GMT|BST/, 'an event on the viewer’s clock names no zone');
  // The card's excerpt is the description's text, without its Markdown or HTML.
  const excerpt = await found.locator('.event-card-excerpt').textContent();
  assert.match(excerpt, /^Founders, engineers and designers building developer tools meet over pizza\. Lightning/);
  assert.doesNotMatch(excerpt, /\*\*|\[|<script/, 'no Markdown syntax or HTML on a card');
  // New York's meetup is on New York's clock, and says so.
  const newYork = b.locator('.event-card', { hasText: 'Design Systems Meetup' }).first();
  await newYork.waitFor();
  assert.match(await newYork.textContent(), /GMT-[45]|E[SD]T/, 'an event in another zone names it');
  await shot(b, 'discover', width);
  await b.getByRole('link', { name: title }).click();
  await searchSurvivesBack(b, 'design night', title);
  await b.getByRole('button', { name: 'Going', exact: true }).click();
  await b.locator('.rsvp-state').getByText('Going', { exact: true }).waitFor();
  await b.getByLabel('Event check-in code').fill(code);
  await b.getByRole('button', { name: 'Check in' }).click();
  await b.getByText(/Checked in at/).waitFor();
  log(width, 'the description is formatted from its Markdown, and its HTML stays text');
  const about = b.getByTestId('event-description');
  await about.locator('strong', { hasText: 'developer tools' }).waitFor();
  assert.deepEqual(await about.locator('li').allTextContents(), ['Lightning talks at 19:30', 'Open networking after']);
  const schedule = about.getByRole('link', { name: 'the schedule' });
  assert.equal(await schedule.getAttribute('href'), 'https://example.com/schedule');
  assert.equal(await schedule.getAttribute('rel'), 'noopener noreferrer nofollow');
  assert.equal(await schedule.getAttribute('target'), '_blank');
  assert.equal(await about.locator('script').count(), 0, 'a description adds no script element');
  assert.match(await about.textContent(), /<script>window\.descriptionRan = true<\/script>/, 'its HTML is text');
  assert.equal(await b.evaluate(() => window.descriptionRan), undefined, 'a description never runs');
  assert.equal(await b.locator('h1').count(), 1, 'the page keeps one h1');
  await shot(b, 'event', width);

  log(width, 'Ben adds the event to his calendar and shares it');
  const eventLink = `${base}/events/${eventId}`;
  const [download] = await Promise.all([
    b.waitForEvent('download'),
    b.getByRole('button', { name: 'Add to calendar' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'rust-design-night.ics');
  const ics = readFileSync(await download.path(), 'utf8');
  assert.ok(ics.startsWith('BEGIN:VCALENDAR\r\n') && ics.endsWith('END:VCALENDAR\r\n'), 'a calendar file');
  const icsLines = ics.replace(/\r\n /g, '').split('\r\n');
  for (const line of [`SUMMARY:${title}`, `UID:${eventId}@${new URL(base).host}`, `URL:${eventLink}`]) {
    assert.ok(icsLines.includes(line), `the calendar file has ${line}`);
  }
  assert.ok(
    icsLines.some((line) => /^DTSTART:\d{8}T\d{6}Z$/.test(line)),
    'it starts at a UTC time',
  );
  assert.ok(
    icsLines.some((line) => line.startsWith('LOCATION:The Foundry')),
    'it is at the venue',
  );
  // Without a share sheet (as on most desktops), Share copies the link and says so.
  await ctxB.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  await b.evaluate(() => Object.defineProperty(navigator, 'share', { value: undefined, configurable: true }));
  await b.getByRole('button', { name: 'Share' }).click();
  await b.getByRole('status').filter({ hasText: 'Link copied' }).waitFor();
  assert.equal(await b.evaluate(() => navigator.clipboard.readText()), eventLink);
  // With one (as on a phone), the sheet gets the title and the link.
  await b.evaluate(() =>
    Object.defineProperty(navigator, 'share', {
      value: async (data) => {
        window.shared = data;
      },
      configurable: true,
    }),
  );
  await b.getByRole('button', { name: 'Share' }).click();
  await b.waitForFunction(() => window.shared);
  assert.deepEqual(await b.evaluate(() => window.shared), { title, url: eventLink });

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

  log(width, 'Ben blocks Ada, once he has said yes to a question, and undoes it');
  const adaCard = b.getByTestId('suggestion').filter({ hasText: 'Ada Lovelace' });
  const blockAda = b.getByRole('button', { name: 'Block Ada Lovelace' });
  const question = b.getByRole('group', { name: /^Block Ada Lovelace\?/ });
  await blockAda.click();
  await question.getByRole('button', { name: 'Cancel' }).click();
  await question.waitFor({ state: 'detached' });
  assert.ok(await adaCard.isVisible(), 'cancelling blocks nobody');
  assert.equal(
    await b.evaluate(() => document.activeElement?.getAttribute('aria-label')),
    'Block Ada Lovelace',
    'focus returns to the button that asked',
  );
  await blockAda.click();
  await question.waitFor();
  await shot(b, 'block', width);
  await question.getByRole('button', { name: 'Yes, block' }).click();
  await b.getByRole('status').filter({ hasText: 'Ada Lovelace is blocked.' }).waitFor();
  await adaCard.waitFor({ state: 'detached' });
  await b.getByRole('button', { name: 'Undo' }).click();
  await adaCard.waitFor({ timeout: 45_000 });
  assert.equal(await b.getByRole('button', { name: 'Undo' }).count(), 0, 'the note goes once undone');

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
  // A web address in a message is a link that opens safely; a long one wraps (checked by shot()).
  const slides = 'https://example.com/slides/rust-and-design-night/lightning-talks-final-version-with-notes.pdf';
  await composerA.fill(`Slides for the talks: ${slides}`);
  await composerA.press('Enter');
  const slidesLink = b.locator(`[data-testid="log-${chat}"] .bubble-text a`, { hasText: slides });
  await slidesLink.waitFor();
  assert.equal(await slidesLink.getAttribute('href'), slides);
  assert.equal(await slidesLink.getAttribute('rel'), 'noopener noreferrer nofollow');
  assert.equal(await slidesLink.getAttribute('target'), '_blank');

  log(width, 'Ben asks for a meeting; Ada accepts it live');
  await showPanel(b, width, 'People');
  await b.getByRole('button', { name: 'Request a meeting with Ada Lovelace' }).click();
  await b.getByLabel('Where').fill('By the coffee bar');
  await b.getByRole('button', { name: 'Send request' }).click();
  // The card shows the request waits for an answer, rather than offering to ask again.
  await b.getByTestId('suggestion').filter({ hasText: 'Ada Lovelace' }).getByTestId('request-pending').waitFor();
  if (width < 1000) {
    // On a phone, the Meetings tab says a request waits.
    await a.getByRole('tab', { name: /^Meetings\W*1 waiting$/ }).waitFor();
  }
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
  const dmB = b.getByLabel('Message to Private chat with Ada Lovelace');
  if (width < 1000) {
    // A private conversation takes the public chat's place on a phone.
    assert.equal(await b.getByLabel('Message to Event chat').isVisible(), false, 'public chat hidden while in a DM');
  }
  await dmB.fill('Shall we grab a coffee before the talks?');
  await dmB.press('Enter');
  await b.locator('.dm-card .bubble-text', { hasText: 'grab a coffee' }).waitFor();
  // Ada has not opened the conversation: the notice on her own channel marks it unread.
  await a.getByRole('link', { name: /^Messages\s*1 unread conversation$/ }).waitFor();
  await a.getByTestId('arranged-meeting').getByRole('button', { name: 'Message Ben Okafor' }).click();
  await a.locator('.dm-card .bubble-text', { hasText: 'grab a coffee' }).waitFor();
  const dmA = a.getByLabel('Message to Private chat with Ben Okafor');
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

  log(width, 'a request clashing with the arranged meeting is offered free times; a decline is shown');
  await clashAndDecline(b, server, eventId, code, width);
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
  if (width < 1000) {
    // The phone header keeps the state and Retry whole and on screen.
    const header = await b.evaluate(() => {
      const bar = document.querySelector('.topbar-inner');
      const state = document.querySelector('[data-testid="connection"] [role="status"]');
      const retry = document.querySelector('[data-testid="connection"] button');
      return {
        barFits: bar.scrollWidth <= bar.clientWidth,
        stateWhole: state.scrollWidth <= state.clientWidth,
        retryRight: retry.getBoundingClientRect().right,
        width: window.innerWidth,
      };
    });
    assert.ok(header.barFits, 'the offline header fits');
    assert.ok(header.stateWhole, 'the connection state is not cut');
    assert.ok(header.retryRight <= header.width, 'Retry is on screen');
    await shot(b, 'offline', width);
  }
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
    `Slides for the talks: ${slides}`,
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
  log(width, 'Ada reads the funnel and audience groups, and exports the attendee list');
  await organizerInsights(a, eventId, width);

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

  log(width, 'a long search loads more results, and Back keeps them');
  await loadMoreResults(a, b, base, width);
  log(width, 'a long chat loads its earlier lines in place');
  await loadEarlierChat(a, b, base, eventId, width);
  log(width, 'a message that arrives while the tab is hidden becomes a notification');
  await notifiesInBackground(a, b, ctxA, base);
  log(width, 'the app opens offline with what was last loaded');
  await opensOffline(a, b, ctxB, base, eventId, title, width);

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
        if (ONLY) {
          const part = PARTS[ONLY];
          if (!part) throw new Error(`E2E_ONLY=${ONLY}: the parts that run alone are ${Object.keys(PARTS).join(', ')}`);
          await part(browser, contextOptions(width), server, width, { shot, log, timeout: TIMEOUT });
        } else await scenario(browser, server, width);
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
