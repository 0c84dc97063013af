/* Shinjuku City Living Guide service worker.
 *
 * Pages: network first (3 s), then the saved copy, then the offline page. A page served from
 * a cache is marked so the page can say "Saved 3 days ago" (never stale without saying so).
 * Hashed static files: cache first. API GETs: stale-while-revalidate. POSTs and /admin: untouched.
 */
'use strict';

const VERSION = {{ version|tojson }};
const PRECACHE = {{ precache|tojson }};          // app shell: hashed CSS, JS, icons
const OFFLINE_PAGES = {{ offline_pages|tojson }};  // {locale: url} for every locale
const EMERGENCY = {{ emergency|tojson }};          // {locale: [urls]} precached for the reader's language
const HUBS = {{ hub_pages|tojson }};               // {locale: url}: the emergency hub, precached in every locale
const LOCALES = Object.keys(OFFLINE_PAGES);

const SHELL = 'shell-' + VERSION;   // this version's precache; older ones are deleted on activate
const ASSETS = 'assets';            // hashed files fetched at run time (immutable, kept across versions)
const PAGES = 'pages';              // pages the reader visited (bounded)
const SAVED = 'saved';              // pages the reader chose to keep (never evicted)
const API = 'api';                  // API answers (bounded)
const DICTIONARY = 'garbage-dictionary';  // the garbage dictionary, one file per locale, kept once used
const DICTIONARY_PATH = /^\/[A-Za-z-]+\/garbage\/dictionary\.[0-9a-f]{12}\.json$/;
const GARBAGE_PAGE = /^\/[A-Za-z-]+\/garbage$/;
const LIMITS = { [PAGES]: 150, [ASSETS]: 80, [API]: 100 };
const NETWORK_TIMEOUT_MS = 3000;

function localeOf(url) {
  const first = new URL(url, self.location.origin).pathname.split('/')[1];
  return LOCALES.includes(first) ? first : LOCALES[0];
}

async function precacheEmergencyPages(locale) {
  const urls = EMERGENCY[locale] || [];
  const cache = await caches.open(PAGES);
  await Promise.all(urls.map(async (url) => {
    try {
      const response = await fetch(url, { credentials: 'same-origin' });
      if (response.ok) await cache.put(url, await stamped(response));
    } catch (error) { /* offline while installing: they are cached on the next visit */ }
  }));
}

/* The emergency hub (119/110 buttons, disaster pages) in all nine languages; like the offline pages it
 * must be there, so a failed fetch fails the install (the browser tries again on the next visit). */
async function precacheHubs(shell) {
  await Promise.all(Object.values(HUBS).map(async (url) => {
    const response = await fetch(url, { credentials: 'same-origin' });
    if (!response.ok) throw new Error('emergency hub ' + url + ': ' + response.status);
    await shell.put(url, await stamped(response));
  }));
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const shell = await caches.open(SHELL);
    await shell.addAll(PRECACHE.concat(Object.values(OFFLINE_PAGES)));
    await precacheHubs(shell);
    // The reader's language comes from the page that registered us.
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const locales = new Set(windows.map((client) => localeOf(client.url)));
    await Promise.all([...locales].map(precacheEmergencyPages));
  })());
  // No skipWaiting here: a new version waits until the reader taps "reload".
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith('shell-') && name !== SHELL).map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type === 'SKIP_WAITING') self.skipWaiting();
  if (data.type === 'CACHE_EMERGENCY' && EMERGENCY[data.locale]) event.waitUntil(precacheEmergencyPages(data.locale));
});

/* A copy of a response with the time it was saved, for the "Saved 3 days ago" note. */
async function stamped(response) {
  const headers = new Headers(response.headers);
  headers.set('X-Saved-At', new Date().toISOString());
  return new Response(await response.blob(), { status: response.status, statusText: response.statusText, headers });
}

async function trim(cacheName) {
  const cache = await caches.open(cacheName);
  const keys = await cache.keys();
  const excess = keys.length - LIMITS[cacheName];
  for (let i = 0; i < excess; i += 1) await cache.delete(keys[i]);  // oldest first
}

/* Serve a cached page, marked so app.js shows when it was saved. */
async function fromCache(cached) {
  const savedAt = cached.headers.get('X-Saved-At') || '';
  const html = (await cached.text()).replace(
    'data-cache-state="live"', 'data-cache-state="cached" data-saved-at="' + savedAt + '"');
  const headers = new Headers(cached.headers);
  headers.delete('Content-Length');
  return new Response(html, { status: 200, headers });
}

async function cachedPage(request) {
  let hit = (await caches.match(request, { cacheName: PAGES })) || (await caches.match(request, { cacheName: SAVED }))
    || (await caches.match(request, { cacheName: SHELL }));  // the emergency hubs
  if (!hit && GARBAGE_PAGE.test(new URL(request.url).pathname)) {
    // Another query on the garbage page: its saved copy looks the query up itself (garbage.js).
    hit = (await caches.match(request, { cacheName: PAGES, ignoreSearch: true }))
      || (await caches.match(request, { cacheName: SAVED, ignoreSearch: true }));
  }
  return hit ? fromCache(hit) : null;
}

async function offlinePage(request) {
  return (await caches.match(OFFLINE_PAGES[localeOf(request.url)], { cacheName: SHELL }))
    || new Response('Offline', { status: 503, headers: { 'Content-Type': 'text/plain' } });
}

async function networkFirstPage(event) {
  const { request } = event;
  const network = fetch(request).then(async (response) => {
    if (response.ok && (response.headers.get('Content-Type') || '').includes('text/html')) {
      const copy = await stamped(response.clone());
      event.waitUntil(caches.open(PAGES).then((cache) => cache.put(request, copy)).then(() => trim(PAGES)));
    }
    return response;
  });
  const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), NETWORK_TIMEOUT_MS));
  try {
    const first = await Promise.race([network, timeout]);
    if (first !== 'timeout') return first;
    // Slow network: a saved copy now beats a blank screen; with none, keep waiting.
    return (await cachedPage(request)) || (await network);
  } catch (error) {
    return (await cachedPage(request)) || offlinePage(request);
  }
}

async function cacheFirst(request) {
  const hit = await caches.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(ASSETS);
    await cache.put(request, response.clone());
    trim(ASSETS);
  }
  return response;
}

/* The garbage dictionary: its URL changes with its contents, so a saved copy is always right.
 * Saved on first use and kept (one file per locale: a newer one replaces the older). */
async function dictionaryFile(request) {
  const cache = await caches.open(DICTIONARY);
  const hit = await cache.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok && !response.redirected) {
    const prefix = new URL(request.url).pathname.split('/dictionary.')[0];
    const older = (await cache.keys()).filter((key) => new URL(key.url).pathname.startsWith(prefix + '/dictionary.'));
    await Promise.all(older.map((key) => cache.delete(key)));
    await cache.put(request, response.clone());
  }
  return response;
}

async function staleWhileRevalidate(event) {
  const cache = await caches.open(API);
  const hit = await cache.match(event.request);
  const refresh = fetch(event.request).then(async (response) => {
    if (response.ok) { await cache.put(event.request, response.clone()); await trim(API); }
    return response;
  });
  if (hit) { event.waitUntil(refresh.catch(() => undefined)); return hit; }
  return refresh;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/admin') || url.pathname.startsWith('/api/v1/admin')) return;
  if (url.pathname === '/sw.js') return;
  if (request.mode === 'navigate' || (request.headers.get('Accept') || '').includes('text/html')) {
    event.respondWith(networkFirstPage(event));
  } else if (url.pathname.startsWith('/static/') && /\.[0-9a-f]{10}\.[a-z0-9]+$/i.test(url.pathname)) {
    event.respondWith(cacheFirst(request));
  } else if (/^\/garbage\/categories\.[0-9a-f]{12}\.css$/.test(url.pathname)) {
    event.respondWith(cacheFirst(request));  // hashed like static files
  } else if (DICTIONARY_PATH.test(url.pathname)) {
    event.respondWith(dictionaryFile(request));
  } else if (url.pathname.startsWith('/api/')) {
    event.respondWith(staleWhileRevalidate(event));
  }
});

/* Web Push: show the notice in the subscriber's language; a tap opens it, reusing an open window. */
self.addEventListener('push', (event) => {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch (error) { data = { body: event.data ? event.data.text() : '' }; }
  const lang = data.lang === 'ja-easy' ? 'ja' : (data.lang || 'ja');
  event.waitUntil(self.registration.showNotification(data.title || {{ _('Shinjuku City Living Guide')|tojson }}, {
    body: data.body || '',
    icon: {{ icon|tojson }},
    badge: {{ badge|tojson }},
    lang,
    dir: 'auto',
    tag: 'notice-' + (data.id || ''),
    data: { url: data.url || '/' + (data.lang || 'ja') + '/notices' },
  }));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = new URL(event.notification.data.url, self.location.origin).href;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const same = windows.find((client) => client.url === target);
    if (same) return same.focus();
    if (windows.length) {
      const focused = await windows[0].focus();
      return focused.navigate(target);
    }
    return self.clients.openWindow(target);
  })());
});
