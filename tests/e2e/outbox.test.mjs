// The outbox (src/js/outbox.js) in a real browser. Unlike the other e2e tests this one does not
// use reshelf-server: delivery semantics need an endpoint whose answers the test scripts, so the
// file starts its own RECORDING ENDPOINT — a tiny node:http server on 127.0.0.1 that serves a
// test page and the esbuild-bundled outbox, records every POST /v1/summaries and answers each
// with the next status scripted for that site (200 once the script runs out).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { backoffDelay } from '../../src/js/outbox.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CHROMIUM = process.env.RESHELF_CHROMIUM || '/usr/bin/chromium';
const T = { timeout: 10000 };

let bundle = '';
let server;
let base;
let browser;
/** What the recording endpoint saw, per site: { body, contentType, key, at }. */
const received = new Map();
/** What the recording endpoint will answer, per site: a queue of { status, headers, delay }. */
const scripts = new Map();

const PAGE = `<!doctype html><meta charset=utf-8><title>outbox</title><script type=module>
import { createOutbox } from '/outbox.js';
const opts = JSON.parse(new URLSearchParams(location.search).get('opts') || '{}');
window.errors = [];
window.outbox = createOutbox({ endpoint: '/v1', key: 'k&y', ...opts,
  onError: (e) => window.errors.push({ message: String(e && e.message), status: e && e.status }) });
</script>`;

function recordingEndpoint(req, res) {
  const u = new URL(req.url, base);
  if (req.method === 'GET' && u.pathname === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
  if (req.method === 'GET' && u.pathname === '/outbox.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
  if (req.method === 'GET' && u.pathname === '/elsewhere') return res.writeHead(200, { 'content-type': 'text/html' }).end('elsewhere');
  if (req.method !== 'POST' || u.pathname !== '/v1/summaries') return res.writeHead(404).end();
  let text = '';
  req.on('data', (d) => (text += d));
  req.on('end', () => {
    const site = u.searchParams.get('site');
    const log = received.get(site) || [];
    received.set(site, log);
    log.push({ body: JSON.parse(text), contentType: req.headers['content-type'], key: u.searchParams.get('key'), at: Date.now() });
    const answer = (scripts.get(site) || []).shift() || { status: 200 };
    setTimeout(() => res.writeHead(answer.status, answer.headers || {}).end(), answer.delay || 0);
  });
}

before(async () => {
  const out = await build({ entryPoints: [resolve(ROOT, 'src/js/outbox.js')], bundle: true, format: 'esm', write: false, target: 'es2020' });
  bundle = out.outputFiles[0].text;
  server = http.createServer(recordingEndpoint);
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
});

after(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise((ok) => server?.close(ok));
});

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const requests = (site) => received.get(site) || [];
const delivered = (site) => requests(site).flatMap((r) => r.body.summaries);
const summary = (sid, n = 0) => JSON.stringify({ sid, n });

async function until(check, ms = 4000, what = 'condition') {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** A page with `window.outbox` for `site`; `opts` are merged into createOutbox's options. */
async function openOutbox(context, site, opts = {}) {
  const page = await context.newPage();
  await page.goto(`${base}/?opts=${encodeURIComponent(JSON.stringify({ site, ...opts }))}`);
  await page.waitForFunction(() => window.outbox);
  return page;
}

/** A fresh context (fresh storage) for one test, closed afterwards. */
async function withContext(fn, init) {
  const context = await browser.newContext();
  if (init) await context.addInitScript(init);
  try {
    await fn(context);
  } finally {
    await context.close();
  }
}

const put = (page, sid, seq, json) => page.evaluate(([s, q, j]) => window.outbox.put(s, q, j), [sid, seq, json]);
const flush = (page, opts) => page.evaluate((o) => window.outbox.flush(o), opts);
const pending = (page) => page.evaluate(() => window.outbox.pending());
const errors = (page) => page.evaluate(() => window.errors);

test('backoffDelay: full jitter, doubling from 1 s, capped at 5 min, Retry-After is the floor', () => {
  assert.equal(backoffDelay(1, 0, () => 0.999999), 999);
  assert.equal(backoffDelay(3, 0, () => 0.5), 2000);
  assert.equal(backoffDelay(40, 0, () => 0.999999), 299999);
  assert.equal(backoffDelay(1, 0, () => 0), 0);
  assert.equal(backoffDelay(1, 5000, () => 0.5), 5000);
  assert.equal(backoffDelay(12, 5000, () => 0.5), 150000);
  assert.equal(backoffDelay(1, 1e12, () => 0), 24 * 3600 * 1000, 'a huge Retry-After cannot overflow setTimeout');
});

test('a summary put before a reload is delivered after it', T, async () => {
  await withContext(async (context) => {
    const page = await openOutbox(context, 'persist');
    await put(page, 's1', 1, summary('s1', 1));
    await page.reload();
    await page.waitForFunction(() => window.outbox);
    assert.equal(await pending(page), 1);
    assert.deepEqual(await flush(page), { sent: 1, pending: 0 });
    const [r] = requests('persist');
    const { sent_at: sentAt, ...rest } = r.body;
    assert.ok(Math.abs(sentAt - Date.now()) < 60000, `the device clock at sending: ${sentAt}`);
    assert.deepEqual(rest, { site: 'persist', dropped: 0, summaries: [{ sid: 's1', n: 1 }] });
    assert.equal(r.contentType, 'text/plain;charset=UTF-8');
    assert.equal(r.key, 'k&y', 'key is URL-encoded');
    const dbs = await page.evaluate(() => indexedDB.databases());
    assert.ok(dbs.some((d) => d.name === 'reshelf-outbox:persist'));
    assert.deepEqual(await errors(page), []);
  });
});

test('without IndexedDB the queue lives in localStorage and survives a reload', T, async () => {
  const noIdb = () => Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true });
  await withContext(async (context) => {
    const page = await openOutbox(context, 'ls');
    await put(page, 's1', 1, summary('s1'));
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('reshelf:outbox:ls')));
    assert.equal(stored.items.s1.seq, 1);
    await page.reload();
    await page.waitForFunction(() => window.outbox);
    assert.deepEqual(await flush(page), { sent: 1, pending: 0 });
    assert.deepEqual(delivered('ls'), [{ sid: 's1', n: 0 }]);
    assert.equal(await page.evaluate(() => localStorage.getItem('reshelf:outbox:ls')), null);
  }, noIdb);
});

test('a later summary of a session replaces the earlier one; an older seq is ignored', T, async () => {
  await withContext(async (context) => {
    const page = await openOutbox(context, 'replace');
    await put(page, 's', 1, summary('s', 1));
    await put(page, 's', 3, summary('s', 3));
    await put(page, 's', 2, summary('s', 2));
    assert.equal(await pending(page), 1);
    assert.deepEqual(await flush(page), { sent: 1, pending: 0 });
    assert.deepEqual(delivered('replace'), [{ sid: 's', n: 3 }]);
  });
});

test('caps drop the oldest first and every later batch reports the outbox running total', T, async () => {
  await withContext(async (context) => {
    const page = await openOutbox(context, 'caps', { maxItems: 3 });
    for (const sid of ['a', 'b', 'c', 'd', 'e']) await put(page, sid, 1, summary(sid));
    assert.equal(await pending(page), 3);
    assert.deepEqual(await flush(page), { sent: 3, pending: 0 });
    const [first] = requests('caps');
    assert.deepEqual(first.body.dropped, 2);
    assert.match(first.body.outbox, /^[0-9a-f]{16}$/);
    assert.deepEqual(delivered('caps').map((s) => s.sid), ['c', 'd', 'e']);
    await put(page, 'f', 1, summary('f'));
    await flush(page);
    // A total, not a count since the last report: the server keeps the largest per outbox,
    // so a batch delivered twice counts its drops once.
    const second = requests('caps')[1].body;
    assert.equal(second.dropped, 2);
    assert.equal(second.outbox, first.body.outbox, 'one outbox, one id');

    // maxBytes: each summary is 17 bytes, so 40 bytes hold two.
    const bytes = await openOutbox(context, 'capbytes', { maxBytes: 40 });
    for (const sid of ['a', 'b', 'c']) await put(bytes, sid, 1, summary(sid));
    assert.equal(await pending(bytes), 2);
    await flush(bytes);
    const { sent_at: _, outbox: __, ...capbytes } = requests('capbytes')[0].body;
    assert.deepEqual(capbytes, { site: 'capbytes', dropped: 1, summaries: [{ sid: 'b', n: 0 }, { sid: 'c', n: 0 }] });
  });
});

test('batches respect batchSize and batchBytes, oldest first', T, async () => {
  await withContext(async (context) => {
    // 150 bytes: the envelope (site, dropped, outbox id, sent_at) and two of these summaries.
    const page = await openOutbox(context, 'batches', { batchSize: 4, batchBytes: 150 });
    for (let i = 0; i < 10; i++) await put(page, `s${i}`, 1, summary(`s${i}`));
    assert.deepEqual(await flush(page), { sent: 10, pending: 0 });
    const log = requests('batches');
    assert.ok(log.length >= 3);
    for (const r of log) assert.ok(r.body.summaries.length <= 4 && JSON.stringify(r.body).length <= 150);
    assert.deepEqual(delivered('batches').map((s) => s.sid), [...Array(10).keys()].map((i) => `s${i}`));
  });
});

test('a 503 is retried by the timer and the summary is delivered exactly once', T, async () => {
  scripts.set('retry', [{ status: 503 }]);
  await withContext(async (context) => {
    const page = await openOutbox(context, 'retry');
    await put(page, 's1', 1, summary('s1'));
    assert.deepEqual(await flush(page), { sent: 0, pending: 1 });
    await until(() => requests('retry').length === 2, 3000, 'the retry');
    await until(async () => (await pending(page)) === 0, 1000, 'the delete');
    await sleep(1200);
    assert.equal(requests('retry').length, 2);
    // Two requests in all: the 503 and the delivering 200, nothing after it.
    assert.deepEqual(requests('retry')[1].body.summaries, [{ sid: 's1', n: 0 }]);
    assert.deepEqual(await errors(page), []);
  });
});

test('429 with Retry-After: nothing is sent again before it, even on explicit flushes', T, async () => {
  scripts.set('ra', [{ status: 429, headers: { 'Retry-After': '1' } }]);
  await withContext(async (context) => {
    const page = await openOutbox(context, 'ra');
    await put(page, 's1', 1, summary('s1'));
    assert.deepEqual(await flush(page), { sent: 0, pending: 1 });
    for (let i = 0; i < 8; i++) {
      assert.equal((await flush(page)).sent, 0);
      await sleep(80);
    }
    assert.equal(requests('ra').length, 1);
    await until(() => requests('ra').length === 2, 3000, 'the retry');
    const [first, second] = requests('ra');
    assert.ok(second.at - first.at >= 950, `retried after ${second.at - first.at} ms`);
    await until(async () => (await pending(page)) === 0, 1000, 'the delete');
  });
});

test('a 400 drops the batch, reports it, and counts it as dropped', T, async () => {
  scripts.set('bad', [{ status: 400 }]);
  await withContext(async (context) => {
    const page = await openOutbox(context, 'bad');
    await put(page, 'a', 1, summary('a'));
    await put(page, 'b', 1, summary('b'));
    assert.deepEqual(await flush(page), { sent: 0, pending: 0 });
    assert.deepEqual((await errors(page)).map((e) => e.status), [400]);
    await put(page, 'c', 1, summary('c'));
    assert.deepEqual(await flush(page), { sent: 1, pending: 0 });
    assert.equal(requests('bad')[1].body.dropped, 2);
  });
});

test('a newer seq put while a batch is in flight survives the delete', T, async () => {
  scripts.set('inflight', [{ status: 200, delay: 400 }]);
  await withContext(async (context) => {
    const page = await openOutbox(context, 'inflight');
    await put(page, 's', 1, summary('s', 1));
    await page.evaluate(() => { window.flushing = window.outbox.flush(); });
    await until(() => requests('inflight').length === 1, 2000, 'the request');
    await put(page, 's', 2, summary('s', 2));
    assert.deepEqual(await page.evaluate(() => window.flushing), { sent: 1, pending: 1 });
    await flush(page);
    assert.deepEqual(delivered('inflight'), [{ sid: 's', n: 1 }, { sid: 's', n: 2 }]);
  });
});

test('consent pending stores and sends nothing; granted then works', T, async () => {
  await withContext(async (context) => {
    const page = await openOutbox(context, 'pending', { consent: 'pending' });
    await put(page, 'early', 1, summary('early'));
    assert.equal(await pending(page), 0);
    assert.deepEqual(await flush(page), { sent: 0, pending: 0 });
    const dbs = await page.evaluate(() => indexedDB.databases());
    assert.ok(!dbs.some((d) => d.name === 'reshelf-outbox:pending'), 'no database before consent');
    assert.equal(await page.evaluate(() => localStorage.length), 0);
    assert.equal(await page.evaluate(() => window.outbox.consent('granted')), 'granted');
    await put(page, 'late', 1, summary('late'));
    assert.deepEqual(await flush(page), { sent: 1, pending: 0 });
    assert.deepEqual(delivered('pending'), [{ sid: 'late', n: 0 }]);
  });
});

test('denied clears the queue and its storage, and nothing further is stored or sent', T, async () => {
  await withContext(async (context) => {
    const page = await openOutbox(context, 'denied');
    await put(page, 'a', 1, summary('a'));
    await put(page, 'b', 1, summary('b'));
    assert.equal(await page.evaluate(() => window.outbox.consent('denied')), 'denied');
    await until(async () => !(await page.evaluate(() => indexedDB.databases())).some((d) => d.name === 'reshelf-outbox:denied'), 3000, 'the database to go');
    await put(page, 'c', 1, summary('c'));
    assert.deepEqual(await flush(page), { sent: 0, pending: 0 });
    assert.equal(await page.evaluate(() => window.outbox.consent('granted')), 'granted');
    assert.equal(await pending(page), 0);
    assert.deepEqual(await flush(page), { sent: 0, pending: 0 });
    assert.deepEqual(requests('denied'), []);
  });
});

test('respectDnt with Global Privacy Control behaves as denied', T, async () => {
  const gpc = () => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true });
  await withContext(async (context) => {
    const page = await openOutbox(context, 'gpc', { respectDnt: true });
    assert.equal(await page.evaluate(() => window.outbox.consent('granted')), 'denied');
    await put(page, 'a', 1, summary('a'));
    assert.deepEqual(await flush(page), { sent: 0, pending: 0 });
    assert.deepEqual(requests('gpc'), []);
  }, gpc);
});

/** Two tabs share one queue and flush at once, several times; every summary arrives once. */
async function twoTabs(site, init) {
  scripts.set(site, Array.from({ length: 20 }, () => ({ status: 200, delay: 60 })));
  await withContext(async (context) => {
    const a = await openOutbox(context, site, { batchSize: 5 });
    const b = await openOutbox(context, site, { batchSize: 5 });
    for (let i = 0; i < 15; i++) {
      await Promise.all([put(a, `a${i}`, 1, summary(`a${i}`)), put(b, `b${i}`, 1, summary(`b${i}`))]);
    }
    assert.equal(await pending(a), 30);
    let sent = 0;
    for (let round = 0; round < 10 && (await pending(a)) > 0; round++) {
      const results = await Promise.all([flush(a), flush(b)]);
      sent += results[0].sent + results[1].sent;
    }
    assert.equal(sent, 30);
    const sids = delivered(site).map((s) => s.sid).sort();
    assert.equal(sids.length, 30, 'nothing is sent twice');
    assert.equal(new Set(sids).size, 30);
  }, init);
}

test('two tabs flushing at the same time deliver each summary exactly once (Web Locks)', T, () => twoTabs('tabs'));

test('two tabs without Web Locks use the localStorage lease', T, () =>
  twoTabs('lease', () => Object.defineProperty(Navigator.prototype, 'locks', { get: () => undefined, configurable: true })));

test('offline: the queue keeps everything; back online it is delivered once', T, async () => {
  await withContext(async (context) => {
    const page = await openOutbox(context, 'offline');
    await context.setOffline(true);
    await put(page, 's1', 1, summary('s1'));
    assert.deepEqual(await flush(page), { sent: 0, pending: 1 });
    assert.deepEqual(await flush(page, { beacon: true }), { sent: 0, pending: 1 });
    assert.deepEqual(requests('offline'), []);
    await context.setOffline(false);
    await until(() => requests('offline').length === 1, 3000, 'the online flush');
    await until(async () => (await pending(page)) === 0, 1000, 'the delete');
    await sleep(500);
    assert.deepEqual(delivered('offline'), [{ sid: 's1', n: 0 }]);
  });
});

test('a beacon flush delivers', T, async () => {
  await withContext(async (context) => {
    const page = await openOutbox(context, 'beacon');
    for (const sid of ['a', 'b', 'c']) await put(page, sid, 1, summary(sid));
    assert.deepEqual(await flush(page, { beacon: true }), { sent: 3, pending: 0 });
    await until(() => delivered('beacon').length === 3, 3000, 'the beacon');
    assert.equal(requests('beacon').length, 1);
    assert.equal(requests('beacon')[0].contentType.toLowerCase(), 'text/plain;charset=utf-8');
  });
});

test('a beacon flush on pagehide that cannot finish loses nothing: the next page delivers once', T, async () => {
  // Chromium runs neither the Web Lock callback nor IndexedDB callbacks once the page unloads,
  // so the beacon usually never leaves; the queue must still hold the summary for the next page.
  await withContext(async (context) => {
    const page = await openOutbox(context, 'unload');
    await page.evaluate(() => addEventListener('pagehide', () => window.outbox.flush({ beacon: true })));
    await put(page, 's1', 1, summary('s1'));
    await page.goto(`${base}/elsewhere`);
    await sleep(300);
    const next = await openOutbox(context, 'unload');
    await flush(next);
    await until(() => delivered('unload').length >= 1, 3000, 'the delivery');
    await sleep(300);
    assert.deepEqual(delivered('unload'), [{ sid: 's1', n: 0 }]);
    assert.equal(await pending(next), 0);
  });
});

test('without sendBeacon a beacon flush falls back to a keepalive fetch', T, async () => {
  const noBeacon = () => Object.defineProperty(Navigator.prototype, 'sendBeacon', { value: undefined, configurable: true });
  await withContext(async (context) => {
    const page = await openOutbox(context, 'keepalive');
    await put(page, 'a', 1, summary('a'));
    await flush(page, { beacon: true });
    await until(() => delivered('keepalive').length === 1, 3000, 'the keepalive fetch');
    await until(async () => (await pending(page)) === 0, 1000, 'the delete');
  }, noBeacon);
});

test('a quota error drops the oldest and retries; put never rejects', T, async () => {
  // No IndexedDB, and a localStorage that refuses values over 180 characters: one summary
  // with the outbox's id and drop count fits, two do not.
  const tiny = () => {
    Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true });
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function (k, v) {
      if (String(v).length > 180) throw new DOMException('full', 'QuotaExceededError');
      return setItem.call(this, k, v);
    };
  };
  await withContext(async (context) => {
    const page = await openOutbox(context, 'quota');
    for (const sid of ['a', 'b', 'c', 'd']) await put(page, sid, 1, summary(sid));
    const n = await pending(page);
    assert.ok(n >= 1 && n < 4, `${n} pending`);
    await flush(page);
    const [r] = requests('quota');
    assert.equal(r.body.dropped, 4 - n);
    assert.equal(r.body.summaries.at(-1).sid, 'd', 'the newest summary is kept');
    assert.deepEqual(await errors(page), []);
  }, tiny);
});

test('a flush that empties the queue lets the next pages skip IndexedDB until something is put', T, async () => {
  const countOpens = `window.opens = 0;
    const open = IDBFactory.prototype.open;
    IDBFactory.prototype.open = function (...args) { window.opens += 1; return open.apply(this, args); };`;
  await withContext(async (context) => {
    const first = await openOutbox(context, 'marked');
    await put(first, 's1', 1, summary('s1'));
    assert.deepEqual(await flush(first), { sent: 1, pending: 0 });
    assert.equal(await first.evaluate(() => localStorage.getItem('reshelf:outbox-empty:marked')), '1');
    // The next page: nothing waits, and it knows without opening the database.
    const second = await openOutbox(context, 'marked');
    assert.deepEqual(await flush(second), { sent: 0, pending: 0 });
    assert.equal(await second.evaluate(() => window.opens), 0, 'IndexedDB opened for an empty queue');
    // A put anywhere clears the mark: the page after it delivers what it left.
    await put(second, 's2', 1, summary('s2', 2));
    assert.equal(await second.evaluate(() => localStorage.getItem('reshelf:outbox-empty:marked')), null);
    await second.close();
    const third = await openOutbox(context, 'marked');
    assert.deepEqual(await flush(third), { sent: 1, pending: 0 });
    assert.deepEqual(delivered('marked'), [{ sid: 's1', n: 0 }, { sid: 's2', n: 2 }]);
    assert.deepEqual(await errors(third), []);
  }, countOpens);
});

test('bad input is reported, never thrown', T, async () => {
  await withContext(async (context) => {
    const page = await openOutbox(context, 'bad-input');
    await put(page, 's', 1, '{not json');
    await put(page, '', 1, '{}');
    await put(page, 's', 1, JSON.stringify({ pad: 'x'.repeat(70000) }));
    assert.equal(await pending(page), 0);
    assert.equal((await errors(page)).length, 3);
    const inert = await page.evaluate(async () => {
      const errs = [];
      const o = (await import('/outbox.js')).createOutbox({ onError: (e) => errs.push(String(e)) });
      await o.put('s', 1, '{}');
      return { flushed: await o.flush(), errs: errs.length };
    });
    assert.deepEqual(inert, { flushed: { sent: 0, pending: 0 }, errs: 1 });
  });
});
