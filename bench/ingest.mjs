// The server ingest benchmark (`node bench/run.mjs --only server`): reshelf-server's
// `POST /v1/summaries` over loopback, on SQLite and (when reachable) PostgreSQL, next to the
// store's own insert of the same rows without HTTP or validation, and the bytes a session's
// summaries take next to what a raw-event tracker would send for the same session.
//
// Needs `cargo build --profile server -p reshelf-server --bin reshelf-server
// --example raw_insert --example session_summary` (the bench target of the Makefile does it).
// Everything runs on 127.0.0.1, is bounded in count and in time, and cleans up after itself.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { materialOf } from '../src/js/sync.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { quantile } from './stats.mjs';

export const SETUP = {
  batch: 50,
  warmup_summaries: 2_000,
  closed_loop_summaries: 200_000,
  connections: [8, 16],
  open_loop_secs: 10,
  open_loop_runs: 3,
  raw_insert_concurrency: [1, 8, 16],
  phase_limit_secs: 120,
};
export const BUDGETS = {
  ingest_per_sec: 5_000,
  p99_ms_at_half_rate: 20,
  peak_rss_mb: 100,
};
const SITE = 'bench';
const KEY = 'bench-key';
export const PG_URL = process.env.RESHELF_BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const INGEST_PATH = `/v1/summaries?site=${SITE}&key=${KEY}`;

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const round = (x, d = 2) => (x === null || x === undefined ? x : Number(x.toFixed(d)));

export const binaries = (root) => ({
  server: join(root, 'target/server/reshelf-server'),
  rawInsert: join(root, 'target/server/examples/raw_insert'),
  sessionSummary: join(root, 'target/server/examples/session_summary'),
});

// ---------------------------------------------------------------------------------------
// Summary bytes: a scripted session, as reshelf summarises it and as a raw-event tracker
// would send it.

/**
 * Scripted sessions over the demo catalogue. `journey` is the five-step browse of the
 * end-to-end tests (home, a category, a product and add to cart, the shipping page); `long`
 * is 20 pages: home, six rounds of a category and two of its products (two added to cart),
 * and the cart.
 */
function scriptedSessions(catalog) {
  const item = (sku) => catalog.products.find((p) => p.sku === sku);
  const catName = (id) => catalog.categories.find((c) => c.id === id).name;
  const journey = [
    { path: '/', view: 'home', title: 'Shelfside', slot: 'recommended', actions: [
      { click: 'sho-01', selector: 'main ul[data-reshelf-slot="recommended"] > li:nth-child(1) .price', text: '€59.99', x: 212, y: 540 },
      { scroll: 0.55 },
      { click: null, selector: 'header nav a[href="/category/shoes/"]', text: 'Shoes', x: 300, y: 40 },
    ] },
    { path: '/category/shoes/', view: 'category', title: 'Shoes · Shelfside', slot: 'category', actions: [
      { scroll: 0.6 },
      { click: 'sho-03', selector: 'main ul[data-reshelf-slot="category"] > li:nth-child(3) a', text: 'Meadow Runner', x: 880, y: 430 },
    ] },
    { path: '/product/sho-03/', view: 'product', title: 'Meadow Runner · Shelfside', slot: 'related', actions: [
      { cart: 'sho-03', selector: 'main button[data-reshelf-event="add_to_cart"]', text: 'Add to cart', x: 760, y: 380 },
      { click: null, selector: 'footer a[href="/info/shipping/"]', text: 'Shipping', x: 120, y: 760 },
    ] },
    { path: '/info/shipping/', view: 'info', title: 'Shipping · Shelfside', actions: [{ scroll: 0.8 }] },
  ];
  const long = [{ path: '/', view: 'home', title: 'Shelfside', slot: 'recommended', actions: [
    { scroll: 0.4 },
    { click: null, selector: 'header nav a[href="/category/shoes/"]', text: 'Shoes', x: 300, y: 40 },
  ] }];
  catalog.categories.forEach((c, k) => {
    const [a, b] = catalog.products.filter((p) => p.category === c.id);
    long.push({ path: `/category/${c.id}/`, view: 'category', title: `${catName(c.id)} · Shelfside`, slot: 'category', actions: [
      { scroll: 0.7 },
      { click: a.sku, selector: 'main ul[data-reshelf-slot="category"] > li:nth-child(1) a', text: a.name, x: 240, y: 430 },
    ] });
    long.push({ path: `/product/${a.sku}/`, view: 'product', title: `${a.name} · Shelfside`, slot: 'related', actions: [
      { scroll: 0.5 },
      { click: b.sku, selector: 'main ul[data-reshelf-slot="related"] > li:nth-child(2) a', text: b.name, x: 520, y: 610 },
    ] });
    long.push({ path: `/product/${b.sku}/`, view: 'product', title: `${b.name} · Shelfside`, slot: 'related', actions: [
      ...(k % 3 === 0 ? [{ cart: b.sku, selector: 'main button[data-reshelf-event="add_to_cart"]', text: 'Add to cart', x: 760, y: 380 }] : []),
      { scroll: 0.45 },
      { click: null, selector: `header nav a[href="/category/${catalog.categories[(k + 1) % catalog.categories.length].id}/"]`, text: 'next', x: 420, y: 40 },
    ] });
  });
  long.push({ path: '/cart/', view: 'cart', title: 'Cart · Shelfside', actions: [{ scroll: 0.3 }] });
  return { journey: { pages: journey, item }, long: { pages: long, item } };
}

const uuid = (seed) => {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/**
 * One session as (a) JSON lines for `session_summary` (the core tracker the SDK runs: page
 * views, clicks, scrolls, add to cart, an intent checkpoint per page and a slot decision per
 * page with a slot), with the moments the SDK sends a summary as `src/js/sync.js` schedules
 * them — at every 10 s tick on a page when the summary says something new apart from the
 * time (the first tick on a page always does: the page view is new), and a beacon with the
 * final summary on leaving — and (b) the batches a raw-event tracker would send: one JSON event per
 * page view, click, scroll-depth milestone (25/50/75/100 %) and add to cart, each with an
 * event id, ISO timestamp, anonymous and session ids, the page's URL, path, title and
 * referrer (as analytics.js-style trackers put in every event); page views add viewport,
 * screen, locale and user agent; clicks the element's CSS selector, text, coordinates and the
 * item (id, category, price); add to cart the item with name, quantity and currency. One
 * batch per page, sent on leaving it: `{"write_key","sent_at","batch":[…]}`.
 */
function scriptSession(name, { pages, item }, t0) {
  const lines = [];
  const batches = [];
  const sendKinds = []; // per send line, in order: { page, leave }
  const anon = uuid(`${name}-anon`);
  const session = uuid(`${name}-session`);
  let t = t0;
  let n = 0;
  let referrer = 'https://www.google.com/';
  pages.forEach((p, i) => {
    const start = t;
    const timed = [];
    const line = (obj, at = t) => timed.push([at, obj]);
    const url = `https://shop.example${p.path}`;
    const events = [];
    const raw = (type, extra) => events.push({
      type, event_id: uuid(`${name}-${(n += 1)}`), timestamp: new Date(t).toISOString(),
      anonymous_id: anon, session_id: session, url, path: p.path, title: p.title, referrer, ...extra,
    });
    const ref = (sku) => {
      const it = item(sku);
      return { id: it.sku, category: it.category, price: Number(it.price) };
    };
    line({ t, view: p.view, path: p.path });
    raw('page_view', { viewport: '1200x800', screen: '1920x1080', locale: 'en-GB', user_agent: UA });
    line({ intent: Math.min(0.9, 0.04 + 0.03 * i) });
    if (p.slot) {
      line({ decision: { t: t + 40, arm: 'treatment', model_version: 'intent-1.0.0', applied: true, kind: 'slot', slot: p.slot, items: 8, moved: 5 } }, t + 40);
    }
    let depth = 0;
    for (const a of p.actions) {
      t += 4000;
      if (a.scroll !== undefined) {
        line({ t, type: 'scroll', depth: a.scroll });
        for (const m of [0.25, 0.5, 0.75, 1]) if (depth < m && a.scroll >= m) raw('scroll', { depth_pct: m * 100 });
        depth = Math.max(depth, a.scroll);
      } else if (a.cart) {
        // The SDK sees the button's click (data-reshelf-event="add_to_cart"): one add to cart.
        line({ t, type: 'click', x: a.x, y: a.y, item: ref(a.cart), action: 'add_to_cart' });
        raw('click', { selector: a.selector, text: a.text, x: a.x, y: a.y, item: ref(a.cart) });
        raw('add_to_cart', { item: { ...ref(a.cart), name: item(a.cart).name }, quantity: 1, currency: 'EUR' });
        line({ intent: Math.min(0.9, 0.3 + 0.03 * i) });
      } else {
        line({ t, type: 'click', x: a.x, y: a.y, item: a.click ? ref(a.click) : null, action: null });
        raw('click', { selector: a.selector, text: a.text, x: a.x, y: a.y, ...(a.click ? { item: ref(a.click) } : {}) });
      }
    }
    t += 3000;
    for (let at = start + 10_000; at < t; at += 10_000) {
      line({ send: at }, at);
      sendKinds.push({ page: i, leave: false });
    }
    line({ send: t }, t);
    sendKinds.push({ page: i, leave: true });
    // Stable: at equal times, what happened first stays first (a send after the events).
    lines.push(...timed.map((x, k) => [...x, k]).sort((a, b) => a[0] - b[0] || a[2] - b[2]).map((x) => x[1]));
    batches.push(JSON.stringify({ write_key: 'wk_3f9a2c7d1e5b8a40', sent_at: new Date(t).toISOString(), batch: events }));
    referrer = url;
    t += 500;
  });
  return { lines, batches, events: n, sendKinds };
}

/**
 * The summaries sync.js actually sends among those computed at each possible moment: a tick
 * only when the summary changed apart from `seq` and `secs` since the last one sent from
 * that page; a leaving beacon only when the shopper leaves the site (the last page), since
 * following a link within the store hands the session to the next page (handoff.js).
 */
function sentBySync(sent, kinds) {
  let last = '';
  let page = -1;
  const lastLeave = kinds.map((x) => x.leave).lastIndexOf(true);
  return sent.filter((json, k) => {
    const { page: p, leave } = kinds[k];
    if (p !== page) {
      page = p;
      last = '';
    }
    if (leave) return k === lastLeave;
    if (materialOf(json) === last) return false;
    last = materialOf(json);
    return true;
  });
}

/** Summary bytes per session next to a raw-event tracker's, for the scripted sessions. */
export function sessionBytes(root) {
  const catalog = JSON.parse(readFileSync(join(root, 'www/assets/catalog.json'), 'utf8'));
  const sessions = scriptedSessions(catalog);
  // Started 20 minutes ago, so the summaries are also valid to ingest now.
  const t0 = Date.now() - 20 * 60 * 1000;
  const out = {};
  for (const [name, s] of Object.entries(sessions)) {
    const { lines, batches, events, sendKinds } = scriptSession(name, s, t0);
    const res = JSON.parse(execFileSync(binaries(root).sessionSummary, {
      input: lines.map((l) => JSON.stringify(l)).join('\n'),
    }).toString());
    // What the SDK sends: each of those summaries alone in its outbox's envelope.
    const sends = sentBySync(res.sent, sendKinds).map((json) => `{"site":"demo","dropped":0,"summaries":[${json}]}`);
    const bytes = (xs) => xs.reduce((a, x) => a + Buffer.byteLength(x), 0);
    const gz = (xs) => xs.reduce((a, x) => a + gzipSync(x, { level: 9 }).length, 0);
    out[name] = {
      pages: s.pages.length,
      summary: JSON.parse(res.summary),
      summary_bytes: Buffer.byteLength(res.summary),
      reshelf_requests: sends.length,
      reshelf_bytes_sent: bytes(sends),
      reshelf_bytes_sent_gzip: gz(sends),
      raw_events: events,
      raw_requests: batches.length,
      raw_bytes: bytes(batches),
      raw_bytes_gzip: gz(batches),
    };
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// The server, the load, and what it did.

/** Starts the server on a free loopback port with the bench site unthrottled. */
export async function startIngestServer(root, { databaseUrl, schema, dataDir, adminToken } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'reshelf-ingest-'));
  const config = join(dir, 'bench.toml');
  const admin = adminToken ? `admin_token = "${adminToken}"\n` : '';
  writeFileSync(config, `${admin}[[sites]]\nid = "${SITE}"\nkey = "${KEY}"\nrate_per_second = 100000\nburst = 100000\n`);
  const dirOr = (d) => {
    if (existsSync(d)) return d;
    mkdirSync(join(dir, 'empty'), { recursive: true });
    return join(dir, 'empty');
  };
  const args = ['--addr', '127.0.0.1:0', '--data-dir', dataDir ?? join(dir, 'data'), '--config', config,
    '--www', dirOr(join(root, 'www')), '--pkg', dirOr(join(root, 'pkg'))];
  if (databaseUrl) args.push('--database-url', databaseUrl, '--database-schema', schema);
  const logPath = join(dir, 'server.log');
  const logFd = openSync(logPath, 'w');
  // The server's default log level (info: one line per batch), to a file, as deployed.
  const child = spawn(binaries(root).server, args, {
    cwd: root,
    stdio: ['ignore', 'pipe', logFd],
    env: { ...process.env, RUST_LOG: 'info' },
  });
  closeSync(logFd);
  const url = await new Promise((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`server did not start: ${readFileSync(logPath, 'utf8')}`)), 20000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`server exited with ${code}: ${readFileSync(logPath, 'utf8').slice(-2000)}`));
    });
  });
  const stop = () => new Promise((ok) => {
    if (child.exitCode !== null || child.signalCode !== null) return ok();
    const kill = setTimeout(() => child.kill('SIGKILL'), 10000);
    child.once('exit', () => {
      clearTimeout(kill);
      ok();
    });
    child.kill('SIGTERM');
  });
  return { url, port: Number(new URL(url).port), pid: child.pid, child, dir, stop };
}

/** Request bodies as the SDK's outbox sends them: batches of unique summaries. */
export function makeBodies(template, prefix, summaries, batch) {
  const bodies = [];
  for (let i = 0; i < summaries; i += batch) {
    const items = [];
    for (let k = i; k < Math.min(summaries, i + batch); k += 1) items.push(JSON.stringify({ ...template, sid: `${prefix}-${k}` }));
    bodies.push({ n: items.length, body: Buffer.from(`{"site":"${SITE}","dropped":0,"summaries":[${items.join(',')}]}`) });
  }
  return bodies;
}

function post(agent, port, body) {
  return new Promise((resolve) => {
    const req = http.request({
      host: '127.0.0.1', port, path: INGEST_PATH, method: 'POST', agent,
      headers: { 'content-type': 'text/plain;charset=UTF-8', 'content-length': body.length },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
      res.on('error', (e) => resolve({ status: 0, body: String(e) }));
    });
    req.on('error', (e) => resolve({ status: 0, body: String(e) }));
    req.end(body);
  });
}

/** Tallies answers: statuses, and summaries the server acknowledged (2xx, `accepted`). */
function tally() {
  const t = { requests: 0, statuses: {}, acked: 0, stored: 0, errors: [] };
  t.add = (r, n) => {
    t.requests += 1;
    t.statuses[r.status] = (t.statuses[r.status] || 0) + 1;
    if (r.status >= 200 && r.status < 300) {
      const a = JSON.parse(r.body);
      t.acked += a.accepted;
      t.stored += a.stored;
      if (a.accepted !== n && t.errors.length < 5) t.errors.push(`accepted ${a.accepted} of ${n}`);
    } else if (t.errors.length < 5) {
      t.errors.push(`${r.status}: ${r.body.slice(0, 200)}`);
    }
  };
  return t;
}

/** utime + stime of a process in seconds. */
function cpuSecs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number(status.match(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm'))[1]);
  return { rss_mb: round(kb('VmRSS') / 1024, 1), peak_rss_mb: round(kb('VmHWM') / 1024, 1) };
}

/** Closed loop: `connections` keep-alive connections, each posting its next batch on an answer. */
export async function closedLoop(server, bodies, connections) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const t = tally();
  const latencies = [];
  let next = 0;
  const cpu0 = cpuSecs(server.pid);
  const t0 = performance.now();
  const deadline = t0 + SETUP.phase_limit_secs * 1000;
  const worker = async () => {
    while (next < bodies.length && performance.now() < deadline) {
      const b = bodies[next];
      next += 1;
      const a = performance.now();
      const r = await post(agent, server.port, b.body);
      latencies.push(performance.now() - a);
      t.add(r, b.n);
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  const secs = (performance.now() - t0) / 1000;
  const serverCpu = cpuSecs(server.pid) - cpu0;
  agent.destroy();
  return {
    connections,
    requests: t.requests,
    requests_planned: bodies.length,
    summaries_acked: t.acked,
    secs: round(secs, 3),
    per_sec: round(t.acked / secs, 0),
    latency_ms: { p50: round(quantile(latencies, 0.5)), p99: round(quantile(latencies, 0.99)) },
    server_cpu_secs: round(serverCpu, 2),
    server_cpu_us_per_summary: round((serverCpu * 1e6) / Math.max(1, t.acked), 1),
    statuses: t.statuses,
    errors: t.errors,
    _tally: t,
  };
}

/**
 * Open loop: requests leave on a fixed schedule (`perSec` summaries a second in batches),
 * whether or not earlier ones were answered, so queueing shows in the latency; each latency
 * runs from the request's scheduled start to its answer.
 */
export async function openLoop(server, bodies, perSec) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const t = tally();
  const fromSchedule = [];
  const fromSend = [];
  const interval = (1000 * SETUP.batch) / perSec;
  const n = bodies.length;
  const pending = [];
  const t0 = performance.now() + 20;
  const deadline = t0 + SETUP.phase_limit_secs * 1000;
  let maxLag = 0;
  let i = 0;
  while (i < n && performance.now() < deadline) {
    const now = performance.now();
    while (i < n && t0 + i * interval <= now) {
      const scheduled = t0 + i * interval;
      const sent = performance.now();
      maxLag = Math.max(maxLag, sent - scheduled);
      const b = bodies[i];
      pending.push(post(agent, server.port, b.body).then((r) => {
        const done = performance.now();
        fromSchedule.push(done - scheduled);
        fromSend.push(done - sent);
        t.add(r, b.n);
      }));
      i += 1;
    }
    if (i < n) await sleep(Math.max(0, t0 + i * interval - performance.now()));
  }
  await Promise.all(pending);
  const secs = (performance.now() - t0) / 1000;
  agent.destroy();
  return {
    target_per_sec: round(perSec, 0),
    requests_per_sec: round(1000 / interval, 1),
    requests: t.requests,
    summaries_acked: t.acked,
    secs: round(secs, 3),
    achieved_per_sec: round(t.acked / secs, 0),
    latency_ms: {
      p50: round(quantile(fromSchedule, 0.5)),
      p90: round(quantile(fromSchedule, 0.9)),
      p99: round(quantile(fromSchedule, 0.99)),
      max: round(Math.max(...fromSchedule)),
    },
    latency_from_send_ms: { p50: round(quantile(fromSend, 0.5)), p99: round(quantile(fromSend, 0.99)) },
    max_send_lag_ms: round(maxLag),
    statuses: t.statuses,
    errors: t.errors,
    _tally: t,
  };
}

async function metrics(port) {
  const text = await new Promise((ok, fail) => {
    http.get({ host: '127.0.0.1', port, path: '/metrics' }, (res) => {
      let s = '';
      res.on('data', (d) => (s += d));
      res.on('end', () => ok(s));
    }).on('error', fail);
  });
  const value = (name) => Number(text.match(new RegExp(`^${name} (\\d+)`, 'm'))[1]);
  const requests = {};
  for (const m of text.matchAll(/^reshelf_ingest_requests_total\{status="(\w+)"\} (\d+)/gm)) {
    if (Number(m[2])) requests[m[1]] = Number(m[2]);
  }
  return {
    summaries_received_total: value('reshelf_summaries_received_total'),
    summaries_stored_total: value('reshelf_summaries_stored_total'),
    ingest_requests_total: requests,
  };
}

function rawInsert(root, { templatePath, concurrency, dataDir, schema }) {
  const args = ['--template', templatePath, '--rows', String(SETUP.closed_loop_summaries),
    '--batch', String(SETUP.batch), '--concurrency', String(concurrency), '--site', SITE];
  if (schema) args.push('--database-url', PG_URL, '--database-schema', schema);
  else args.push('--data-dir', dataDir);
  const out = execFileSync(binaries(root).rawInsert, args, {
    env: { ...process.env, RUST_LOG: 'warn' },
    timeout: SETUP.phase_limit_secs * 1000,
  });
  const r = JSON.parse(out.toString().trim().split('\n').at(-1));
  return { concurrency, rows: r.rows, secs: round(r.secs, 3), per_sec: round(r.per_sec, 0) };
}

export const psql = (sql) => execFileSync('psql', ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-d', PG_URL, '-c', sql], {
  timeout: 15000, stdio: ['ignore', 'pipe', 'pipe'],
}).toString().trim();

function dropSchema(schema) {
  try {
    psql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } catch (e) {
    console.error(`bench: could not drop schema ${schema}: ${e.message}`);
  }
}

/** One backend: the raw insert, then the server under closed- and open-loop load. */
async function benchBackend(root, backend, template, templatePath, log) {
  const schema = backend === 'postgres' ? `reshelf_bench_${process.pid}` : null;
  const raw = [];
  for (const c of SETUP.raw_insert_concurrency) {
    const dir = mkdtempSync(join(tmpdir(), 'reshelf-raw-'));
    const rawSchema = schema && `${schema}_raw${c}`;
    try {
      raw.push(rawInsert(root, { templatePath, concurrency: c, dataDir: dir, schema: rawSchema }));
      log(`  ${backend} raw insert, ${c} task(s): ${raw.at(-1).per_sec}/s`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      if (rawSchema) dropSchema(rawSchema);
    }
  }
  const baseline = raw.reduce((a, b) => (b.per_sec > a.per_sec ? b : a));

  const server = await startIngestServer(root, schema ? { databaseUrl: PG_URL, schema } : {});
  try {
    const idle = memory(server.pid);
    const run = `b${process.pid}`;
    const tallies = [];
    const warm = await closedLoop(server, makeBodies(template, `${run}-warm`, SETUP.warmup_summaries, SETUP.batch), 8);
    tallies.push(warm._tally);
    const closed = [];
    for (const c of SETUP.connections) {
      const r = await closedLoop(server, makeBodies(template, `${run}-c${c}`, SETUP.closed_loop_summaries, SETUP.batch), c);
      tallies.push(r._tally);
      closed.push(r);
      log(`  ${backend} closed loop, ${c} connections: ${r.per_sec} summaries/s`);
    }
    const best = closed.reduce((a, b) => (b.per_sec > a.per_sec ? b : a));
    const half = best.per_sec / 2;
    const openRuns = [];
    for (let k = 0; k < SETUP.open_loop_runs; k += 1) {
      const r = await openLoop(server, makeBodies(template, `${run}-open${k}`, Math.round(half * SETUP.open_loop_secs), SETUP.batch), half);
      tallies.push(r._tally);
      openRuns.push(r);
      log(`  ${backend} open loop at ${r.target_per_sec}/s: p50 ${r.latency_ms.p50} ms, p99 ${r.latency_ms.p99} ms`);
    }
    const med = (xs) => quantile(xs, 0.5);
    const open = {
      target_per_sec: round(half, 0),
      runs: openRuns,
      // Median over the runs of each run's figure; every run is kept above.
      achieved_per_sec: med(openRuns.map((r) => r.achieved_per_sec)),
      latency_ms: { p50: med(openRuns.map((r) => r.latency_ms.p50)), p99: med(openRuns.map((r) => r.latency_ms.p99)) },
      worst_p99_ms: Math.max(...openRuns.map((r) => r.latency_ms.p99)),
    };
    const mem = memory(server.pid);
    const m = await metrics(server.port);
    const acked = tallies.reduce((a, x) => a + x.acked, 0);
    const non2xx = tallies.reduce((a, x) => a + Object.entries(x.statuses).filter(([s]) => !s.startsWith('2')).reduce((b, [, v]) => b + v, 0), 0);
    await server.stop();
    let rows = null;
    if (schema) rows = Number(psql(`SELECT count(*) FROM ${schema}.summaries`));
    else {
      try {
        rows = Number(execFileSync('sqlite3', [join(server.dir, 'data/reshelf.db'), 'SELECT count(*) FROM summaries'], { timeout: 30000 }).toString().trim());
      } catch (_) {
        rows = null; // no sqlite3 CLI: /metrics alone
      }
    }
    for (const r of [...closed, ...openRuns]) delete r._tally;
    return {
      backend,
      raw_insert: { runs: raw, baseline_per_sec: baseline.per_sec, baseline_concurrency: baseline.concurrency },
      closed_loop: closed,
      best: { connections: best.connections, per_sec: best.per_sec, ratio_to_raw_insert: round(best.per_sec / baseline.per_sec, 3) },
      open_loop: open,
      memory: { idle_rss_mb: idle.rss_mb, rss_mb_after_load: mem.rss_mb, peak_rss_mb: mem.peak_rss_mb },
      verify: {
        summaries_acked: acked,
        non_2xx_answers: non2xx,
        metrics: m,
        rows_in_database: rows,
        ok: non2xx === 0 && m.summaries_stored_total === acked && (rows === null || rows === acked),
      },
    };
  } finally {
    await server.stop();
    rmSync(server.dir, { recursive: true, force: true });
    if (schema) dropSchema(schema);
  }
}

export function postgresReachable() {
  try {
    psql('SELECT 1');
    return null;
  } catch (e) {
    return `PostgreSQL not reachable at ${PG_URL}: ${String(e.stderr || e.message).trim().split('\n')[0]}`;
  }
}

/** The whole server section of results.json. */
export async function benchServer(root, { log = (s) => console.error(s) } = {}) {
  const bins = binaries(root);
  for (const b of Object.values(bins)) {
    if (!existsSync(b)) {
      throw new Error(`${b} is missing: cargo build --profile server -p reshelf-server --bin reshelf-server --example raw_insert --example session_summary`);
    }
  }
  log('server ingest: summary bytes');
  const bytes = sessionBytes(root);
  const template = bytes.long.summary;
  const tmp = mkdtempSync(join(tmpdir(), 'reshelf-template-'));
  const templatePath = join(tmp, 'summary.json');
  writeFileSync(templatePath, JSON.stringify(template));
  try {
    log('server ingest: sqlite');
    const sqlite = await benchBackend(root, 'sqlite', template, templatePath, log);
    const unreachable = postgresReachable();
    let postgres;
    if (unreachable) {
      log(`server ingest: postgres skipped (${unreachable})`);
      postgres = { backend: 'postgres', skipped: unreachable };
    } else {
      log('server ingest: postgres');
      postgres = await benchBackend(root, 'postgres', template, templatePath, log);
    }
    const verdicts = (r) => r.skipped ? null : {
      ingest_per_sec: r.best.per_sec >= BUDGETS.ingest_per_sec,
      p99_ms_at_half_rate: r.open_loop.latency_ms.p99 <= BUDGETS.p99_ms_at_half_rate,
      peak_rss_mb: r.memory.peak_rss_mb <= BUDGETS.peak_rss_mb,
    };
    return {
      note: 'POST /v1/summaries over loopback (127.0.0.1), load generator in Node on the same machine; the budgets are set for SQLite, PostgreSQL is measured the same way for reference',
      setup: {
        ...SETUP,
        summary_template_bytes: Buffer.byteLength(JSON.stringify(template)),
        server: 'target/server/reshelf-server (cargo profile server: opt-level 3, thin LTO), RUST_LOG=info to a file, rate limit lifted for the bench site',
        raw_insert: 'target/server/examples/raw_insert: Store::upsert (the store\'s insert, without HTTP/validation), rows built before the clock starts; baseline = fastest of the task counts',
      },
      budgets: BUDGETS,
      met: { sqlite: verdicts(sqlite), postgres: verdicts(postgres) },
      sqlite,
      postgres,
      summary_bytes: bytes,
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
