// The service worker, built to /sw.js: the app opens without a network and shows what was last
// loaded. Every built file (the page and Vite's hashed assets) is precached from the list the
// build writes in; every app route opens the precached page. The API's reads go to the network
// first and fall back to the last copy the same person got (see pwa/offlineApi.ts). A new version
// waits until the page asks it to take over, so an open live room is never reloaded under
// someone. It also opens the screen a clicked notification is about.
/// <reference lib="webworker" />

import { clientsClaim, type WorkboxPlugin } from 'workbox-core';
import { CacheableResponsePlugin } from 'workbox-cacheable-response';
import { ExpirationPlugin } from 'workbox-expiration';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { NetworkFirst } from 'workbox-strategies';
import { isOfflineReadable, OFFLINE_API_CACHE, offlineCacheKey, tokenUser } from './pwa/offlineApi';
import { NOTICE_OPENED, type NoticeOpened } from './realtime/notifications';

declare const self: ServiceWorkerGlobalScope;

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// On the first visit, take charge of the open page at once, so that what it loads is kept.
clientsClaim();

// The paths the server answers itself, never with the app.
const serverPaths = [
  /^\/api\//,
  /^\/docs(\/|$)/,
  /^\/openapi\.json$/,
  /^\/healthz$/,
  /^\/readyz$/,
  /^\/metrics$/,
  /^\/ops\//,
];
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: serverPaths }));

/** Stores and finds each kept answer under the person whose token asked for it. */
const keptPerPerson: WorkboxPlugin = {
  cacheKeyWillBeUsed: ({ request }) => {
    const user = tokenUser(request.headers.get('authorization'));
    return Promise.resolve(user ? offlineCacheKey(request.url, user) : request);
  },
};

registerRoute(
  ({ request, url, sameOrigin }) =>
    sameOrigin &&
    isOfflineReadable(url.pathname) &&
    // Only a signed-in person's reads are kept: there is someone to keep them for.
    tokenUser(request.headers.get('authorization')) !== null,
  new NetworkFirst({
    cacheName: OFFLINE_API_CACHE,
    // Venue Wi-Fi that neither answers nor fails: show the last copy rather than a spinner.
    networkTimeoutSeconds: 6,
    plugins: [
      keptPerPerson,
      new CacheableResponsePlugin({ statuses: [200] }),
      new ExpirationPlugin({ maxEntries: 300, maxAgeSeconds: 7 * 24 * 3600, purgeOnQuotaError: true }),
    ],
  }),
  'GET',
);

// The page's "Reload" on a new version (vite-plugin-pwa's `updateServiceWorker`).
self.addEventListener('message', (event) => {
  if ((event.data as { type?: unknown } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});

// A click on a notification opens its screen in the app's window, or in a new one.
self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const path = (event.notification.data as { url?: unknown } | null)?.url;
  const url = typeof path === 'string' && path.startsWith('/') ? path : '/';
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows[0];
      if (!open) {
        await self.clients.openWindow(url);
        return;
      }
      await open.focus();
      open.postMessage({ type: NOTICE_OPENED, url } satisfies NoticeOpened);
    })(),
  );
});
