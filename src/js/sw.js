// reshelf's service worker for kiosks (opt-in): a kiosk that boots with no network still runs
// the whole SDK. Register it with a scope covering the kiosk's pages, e.g.
//   navigator.serviceWorker.register('/reshelf/reshelf-sw.js?pages=/kiosk/', { scope: '/' })
// (a worker above its own directory needs the `Service-Worker-Allowed: /` header, which
// reshelf-server sends for it). `pages` lists extra URLs to cache at install, comma-separated.
//
// - the SDK's files (this directory) and the listed pages are cached at install;
// - page navigations: network first (3 s), then the cached copy, so content updates reach an
//   online kiosk and an offline one still boots;
// - other same-origin GETs (images, styles, the page-stats feed): the cache answers at once and
//   is refreshed from the network in the background;
// - everything else, including summary POSTs, goes to the network untouched: the SDK's queue
//   handles being offline.
// Both modules and the engine's and sync scripts under their fingerprinted names (set by
// src/js/build.mjs): a new build is a new cache, and the old one is deleted when the new worker
// activates.
const VERSION = `reshelf-sw-${__BUILD_ID__}`;
const SDK_FILES = ['reshelf.js', 'index.js', __ENGINE_SCRIPT__, __SYNC_SCRIPT__, __CAPTURE_WASM__, __ENGINE_WASM__];
const NAVIGATION_TIMEOUT_MS = 3000;

const here = new URL(self.location.href);
const sdkUrls = SDK_FILES.map((f) => new URL(f, here).href);
const pageUrls = (here.searchParams.get('pages') || '')
  .split(',')
  .map((p) => p.trim())
  .filter(Boolean)
  .map((p) => new URL(p, self.location.origin).href);

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(VERSION)
      // One missing file must not stop the worker: cache what can be fetched.
      .then((cache) => Promise.all([...sdkUrls, ...pageUrls].map((u) => cache.add(u).catch(() => {}))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('reshelf-sw-') && k !== VERSION).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.endsWith('/summaries')) return;
  if (req.mode === 'navigate') {
    event.respondWith(networkFirst(req));
  } else {
    event.respondWith(cacheThenRefresh(event, req));
  }
});

async function networkFirst(req) {
  const cache = await caches.open(VERSION);
  try {
    const res = await withTimeout(fetch(req), NAVIGATION_TIMEOUT_MS);
    if (res.ok) await cache.put(req, res.clone());
    return res;
  } catch (_) {
    const cached = (await cache.match(req)) || (await cache.match(req, { ignoreSearch: true }));
    return cached || Response.error();
  }
}

async function cacheThenRefresh(event, req) {
  const cache = await caches.open(VERSION);
  const cached = await cache.match(req);
  const refresh = fetch(req)
    .then((res) => {
      if (res.ok) return cache.put(req, res.clone()).then(() => res);
      return res;
    })
    .catch(() => null);
  if (cached) {
    event.waitUntil(refresh);
    return cached;
  }
  return (await refresh) || Response.error();
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
