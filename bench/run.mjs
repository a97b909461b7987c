// `make bench`: measures reshelf in headless Chromium against the release build of the demo
// and the server's ingest over loopback, and writes bench/results.json and BENCHMARKS.md.
// Figures are medians / p99 over repeated runs on this machine; rerun to reproduce.
//
// `node bench/run.mjs --only server` (or any of the parts below, comma-separated) measures
// those parts and merges them into the existing bench/results.json, keeping the others.
import { execSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { ROOT, startServer, startBrowser, openPage, withEngine } from '../tests/e2e/harness.mjs';
import { render } from './report.mjs';
import { record } from './record-stream.mjs';
import { benchServer } from './ingest.mjs';
import { baseRootFromEnv, benchIngestAB } from './ingest-ab.mjs';
import { benchReads } from './reads.mjs';
import { benchPeers } from './peers.mjs';
import { benchTracker } from './tracker.mjs';
import { sizeSteps } from './size-steps.mjs';
import { checkBudgets } from './budgets.mjs';
import { twiggyReport } from './twiggy.mjs';
import { quantile } from './stats.mjs';

const PARTS = ['browser', 'heap', 'peers', 'tracker', 'server', 'ingest_ab', 'reads', 'twiggy', 'sizes'];
const onlyAt = process.argv.findIndex((a) => a === '--only' || a.startsWith('--only='));
const only = onlyAt < 0 ? null
  : (process.argv[onlyAt].includes('=') ? process.argv[onlyAt].split('=')[1] : process.argv[onlyAt + 1] ?? '').split(',').filter(Boolean);
if (only && (!only.length || only.some((p) => !PARTS.includes(p)))) {
  console.error(`usage: node bench/run.mjs [--only ${PARTS.join('|')}[,…]]`);
  process.exit(2);
}
const want = (part) => !only || only.includes(part);
const RESULTS = join(ROOT, 'bench/results.json');
if (only && !existsSync(RESULTS)) {
  console.error('--only merges into bench/results.json, which does not exist yet: run `make bench` once');
  process.exit(2);
}

const EVENTS = 10_000;
const BATCH = 500;
const LOADS = 15;

const median = (xs) => quantile(xs, 0.5);

/** Records when `reshelf.ready` resolves and every long task, from before any page script. */
const INSTRUMENT = () => {
  window.__longTasks = [];
  new PerformanceObserver((l) => window.__longTasks.push(...l.getEntries().map((e) => e.duration)))
    .observe({ type: 'longtask', buffered: true });
  let api;
  Object.defineProperty(window, 'reshelf', {
    configurable: true,
    get: () => api,
    set: (v) => {
      api = v;
      v.ready.then(() => (window.__readyAt = performance.now()));
    },
  });
};

/**
 * Start-up over LOADS fresh browser contexts, each loading the home page twice: the first
 * load (empty HTTP cache) and a repeat load (both modules from the cache as immutable, their
 * compiled code from V8's code cache), at `path` (a variant page of `storeWithVariants`, or the
 * home page). Capture listens from `reshelf:listen` (reshelf.js, or the inline snippet in
 * <head>, hears clicks and scrolling for the module) and the module runs from
 * `reshelf:ready`; the model
 * engine's from `reshelf:engine-ready`, marked once it scored the session and ran a decision
 * round with the model.
 */
async function initTimes(browser, url, path = '/') {
  const rows = { first: [], repeat: [] };
  for (let i = 0; i < LOADS; i += 1) {
    const { page, context } = await openPage(browser);
    await page.addInitScript(INSTRUMENT);
    for (const kind of ['first', 'repeat']) {
      await page.goto(`${url}${path}`, { waitUntil: 'load' });
      await page.waitForFunction(() => window.__readyAt !== undefined && performance.getEntriesByName('reshelf:engine-ready').length > 0, null, { timeout: 15000 });
      rows[kind].push(await page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const at = (name) => performance.getEntriesByName(name)[0].startTime;
        const resource = (part) => performance.getEntriesByType('resource').find((e) => e.name.includes(part));
        const script = resource('/reshelf.js');
        const wasm = resource('reshelf_capture.');
        return {
          ready_after_dcl_ms: at('reshelf:ready') - nav.domContentLoadedEventEnd,
          script_loaded_after_dcl_ms: script ? script.responseEnd - nav.domContentLoadedEventEnd : NaN,
          init_after_dcl_ms: at('reshelf:init') - nav.domContentLoadedEventEnd,
          listen_after_dcl_ms: at('reshelf:listen') - nav.domContentLoadedEventEnd,
          capture_response_ms: wasm ? wasm.responseEnd - at('reshelf:init') : NaN,
          init_to_ready_ms: at('reshelf:ready') - at('reshelf:init'),
          start_ms: at('reshelf:ready') - at('reshelf:wasm-loaded'),
          engine_after_load_ms: at('reshelf:engine-ready') - nav.loadEventEnd,
          engine_load_ms: at('reshelf:engine-ready') - at('reshelf:engine-start'),
          long_tasks: window.__longTasks.length,
        };
      }));
    }
    await context.close();
  }
  const summary = (list) => {
    const pick = (k) => list.map((r) => r[k]);
    const q = (k) => ({ p50: median(pick(k)), p99: quantile(pick(k), 0.99) });
    return {
      ready_after_dcl_ms: q('ready_after_dcl_ms'),
      script_loaded_after_dcl_ms: q('script_loaded_after_dcl_ms'),
      init_after_dcl_ms: q('init_after_dcl_ms'),
      listen_after_dcl_ms: q('listen_after_dcl_ms'),
      capture_response_ms: q('capture_response_ms'),
      init_to_ready_ms: q('init_to_ready_ms'),
      start_ms: q('start_ms'),
      engine_after_load_ms: q('engine_after_load_ms'),
      engine_load_ms: q('engine_load_ms'),
      long_tasks_during_load: Math.max(...pick('long_tasks')),
    };
  };
  return { loads: LOADS, first: summary(rows.first), repeat: summary(rows.repeat) };
}

/**
 * Per-event cost: a synthetic mix (clicks on product tiles, scroll events, `track()` calls)
 * dispatched in rounds, each round with reshelf running followed by the same round after
 * `shutdown()`, so JIT warm-up and machine noise hit both sides alike. reshelf's cost is the
 * median (and p99) over rounds of the paired difference of per-event means.
 */
async function perEvent(browser, url) {
  const { page, context } = await openPage(browser);
  await page.goto(`${url}/`);
  await page.waitForFunction(() => window.reshelf && window.reshelf.ready);
  const out = await page.evaluate(async ({ events, batch }) => {
    let r = await window.reshelf.ready;
    const tiles = [...document.querySelectorAll('[data-slot] [data-reshelf-item], [data-reshelf-slot] [data-reshelf-item]')];
    // Event `n` of the mix; `track()` only while reshelf runs (it is reshelf's API).
    const mixed = (n, withSdk) => {
      if (n % 10 === 9) {
        if (withSdk) r.track('bench_event', { item: tiles[n % tiles.length].dataset.reshelfItem });
      } else if (n % 3 === 0) {
        window.dispatchEvent(new Event('scroll'));
      } else {
        tiles[n % tiles.length].dispatchEvent(
          new MouseEvent('click', { bubbles: true, clientX: (n * 37) % 1000, clientY: (n * 53) % 700 }));
      }
    };
    // Mean µs per event over one batch of `fire`.
    const timed = (fire, withSdk) => {
      const t0 = performance.now();
      for (let n = 0; n < batch; n += 1) fire(n, withSdk);
      return ((performance.now() - t0) * 1000) / batch;
    };
    const round = (withSdk) => timed(mixed, withSdk);
    round(true); // warm-up
    const on = [];
    const off = [];
    const diff = [];
    let recorded = 0;
    for (let i = 0; i < events / batch; i += 1) {
      const before = r.state().events;
      on.push(round(true));
      recorded += r.state().events - before;
      r.shutdown();
      off.push(round(false));
      diff.push(on[on.length - 1] - off[off.length - 1]);
      r = await window.reshelf.init({ site: 'demo' });
    }
    const sorted = (xs) => [...xs].sort((a, b) => a - b);
    const med = (xs) => sorted(xs)[Math.floor(xs.length / 2)];
    const p99 = (xs) => sorted(xs)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))];
    // Each kind of the mix alone, paired the same way: where the mix's cost comes from.
    const plain = document.querySelector('h1') || document.body;
    const kinds = {
      scroll: () => window.dispatchEvent(new Event('scroll')),
      tile_click: (n) => tiles[n % tiles.length].dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: 5, clientY: 5 })),
      plain_click: () => plain.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: 5, clientY: 5 })),
      track: (n, withSdk) => withSdk && r.track('bench_event', { item: tiles[n % tiles.length].dataset.reshelfItem }),
    };
    const by_kind_us = {};
    for (const [kind, fire] of Object.entries(kinds)) {
      const paired = [];
      for (let i = 0; i < 10; i += 1) {
        const withSdk = timed(fire, true);
        r.shutdown();
        paired.push(withSdk - timed(fire, false));
        r = await window.reshelf.init({ site: 'demo' });
      }
      by_kind_us[kind] = med(paired);
    }
    return {
      events,
      batch,
      with_sdk_us: { p50: med(on), p99: p99(on) },
      without_sdk_us: { p50: med(off), p99: p99(off) },
      sdk_cost_us_p50: med(diff),
      sdk_cost_us_p99: p99(diff),
      events_recorded: recorded,
      by_kind_us,
    };
  }, { events: EVENTS, batch: BATCH });
  await context.close();
  return out;
}

/**
 * Intent inference in the page: `intentNow()` computes the session's features and runs the
 * Burn model (wasm, flex backend) synchronously. 2,000 calls after 2,000 warm-up calls (so the
 * engine's optimising tier has compiled the wasm); each is timed individually, so resolution is
 * that of `performance.now()` in this context, and in blocks of 100.
 */
async function inference(browser, url) {
  const { page, context } = await openPage(browser);
  // The engine on the main thread (named: the default is a worker), where intentNow() runs the model in the call it times; in a worker it returns
  // the worker's latest answer.
  await page.route(`${url}/product/sho-01/`, async (route) => {
    const res = await route.fetch();
    await route.fulfill({ response: res, body: withEngine(await res.text(), 'main') });
  });
  await page.goto(`${url}/product/sho-01/`);
  await page.waitForFunction(() => window.reshelf && window.reshelf.ready);
  const out = await page.evaluate(async () => {
    const r = await window.reshelf.ready;
    // The model engine is attached after first paint: measure with it.
    for (const until = performance.now() + 10_000; r.state().model_version === null || r.state().ranker === 'heuristic';) {
      if (performance.now() > until) throw new Error('the model engine did not attach within 10 s');
      await new Promise((ok) => setTimeout(ok, 20));
    }
    for (let i = 0; i < 2000; i += 1) r.intentNow();
    const each = [];
    const rounds = [];
    for (let k = 0; k < 20; k += 1) {
      const t0 = performance.now();
      for (let i = 0; i < 100; i += 1) {
        const a = performance.now();
        r.intentNow();
        each.push(performance.now() - a);
      }
      rounds.push(((performance.now() - t0) * 1000) / 100);
    }
    const sorted = (xs) => [...xs].sort((a, b) => a - b);
    const q = (xs, p) => sorted(xs)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
    return {
      calls: each.length,
      round_mean_us: { p50: q(rounds, 0.5), p99: q(rounds, 0.99) },
      per_call_us: { p50: q(each, 0.5) * 1000, p99: q(each, 0.99) * 1000 },
      timer_resolution_us: Math.min(...each.filter((x) => x > 0)) * 1000,
      score: r.intentNow(),
    };
  });
  await context.close();
  return out;
}

/**
 * Decision rounds on a page with a 50-item slot below the fold and a variants section.
 * `decide()` runs a whole round: features, inference, ranking every slot, choosing every
 * variant, and (treatment only) applying. With everyone in control (holdout 1) nothing is
 * applied, which isolates the decision; the treatment run (holdout 0) adds the reorder, with
 * interest alternating between two categories so every round really moves items. The engine
 * runs on the main thread here (`data-engine="main"`; the default is a worker), so a round includes the inference it needs; in a worker it does not.
 */
async function decisionRounds(browser, url) {
  const items = Array.from({ length: 50 }, (_, i) =>
    `<li data-reshelf-item="i${i}" data-category="c${i % 5}" data-price="${10 + i * 7}" style="height:40px">item ${i}</li>`).join('');
  const page_ = (holdout) => `<!doctype html><body data-reshelf-page="home">
    <section data-reshelf-variants="hero" style="height:60px"><template data-reshelf-variant="a">A</template>
      <template data-reshelf-variant="b">B</template><div>default</div></section>
    <script type="application/json" data-reshelf-policy>{"hero":[{"variant":"a","when":{"max_intent":0.5}},{"variant":"b","when":{}}]}</script>
    <div style="height:2000px"></div><ul data-reshelf-slot="s">${items}</ul>
    <script async src="/reshelf/reshelf.js" data-site="bench" data-holdout="${holdout}" data-engine="main"></script></body>`;
  const measure = async (holdout) => {
    const { page, context } = await openPage(browser);
    await page.route(`${url}/bench/rounds`, (r) => r.fulfill({ contentType: 'text/html', body: page_(holdout) }));
    await page.goto(`${url}/bench/rounds`);
    await page.waitForFunction(() => window.reshelf && window.reshelf.ready);
    const out = await page.evaluate(async () => {
      const r = await window.reshelf.ready;
      // The model engine is attached after first paint: measure with it.
      for (const until = performance.now() + 10_000; r.state().model_version === null || r.state().ranker === 'heuristic';) {
        if (performance.now() > until) throw new Error('the model engine did not attach within 10 s');
        await new Promise((ok) => setTimeout(ok, 20));
      }
      await new Promise((ok) => setTimeout(ok, 200));
      const rounds = [];
      for (let k = 0; k < 30; k += 1) {
        r.track('add_to_cart', { item: `x${k}`, category: `c${k % 2 ? 1 : 3}`, price: 50 });
        const t0 = performance.now();
        for (let i = 0; i < 10; i += 1) {
          r.track('add_to_cart', { item: `y${k}-${i}`, category: `c${(k + i) % 2 ? 1 : 3}`, price: 50 });
          r.decide();
        }
        rounds.push(((performance.now() - t0) * 1000) / 10);
      }
      const s = [...rounds].sort((a, b) => a - b);
      const st = r.state();
      return { p50: s[Math.floor(s.length / 2)], p99: s[s.length - 1], arm: st.arm, applied: st.decisions.filter((d) => d.applied).length };
    });
    await context.close();
    return out;
  };
  const control = await measure(1);
  const treatment = await measure(0);
  return { decision_us: control, decision_and_apply_us: treatment, apply_us_p50: treatment.p50 - control.p50 };
}

/** MRR of the next-clicked item on a stream recorded from scripted browsing of the demo. */
function replayStream() {
  const stream = join(ROOT, 'bench/out/demo-stream.jsonl');
  const out = execSync(`${join(ROOT, 'target/release/reshelf-train')} replay --events ${stream}`, { cwd: ROOT });
  return JSON.parse(out.toString().trim().split('\n').at(-1));
}

/** The scripted five-page journey of the end-to-end tests, watching for long tasks. */
async function browsingSession(browser, url) {
  const { page, context } = await openPage(browser);
  await page.addInitScript(INSTRUMENT);
  const longTasks = [];
  const collect = async () => longTasks.push(...(await page.evaluate(() => window.__longTasks)));
  await page.goto(`${url}/`);
  await page.waitForFunction(() => window.__readyAt !== undefined);
  await page.click('[data-reshelf-item="sho-01"] .price');
  await page.mouse.wheel(0, 600);
  await page.waitForTimeout(300);
  await collect();
  await page.click('a[href="/category/shoes/"]');
  await page.waitForFunction(() => window.__readyAt !== undefined);
  await page.mouse.wheel(0, 800);
  await page.waitForTimeout(300);
  await collect();
  await page.click('[data-reshelf-item="sho-03"] a');
  await page.waitForURL('**/product/sho-03/');
  await page.waitForFunction(() => window.__readyAt !== undefined);
  await page.click('button[data-reshelf-event="add_to_cart"]');
  await collect();
  await page.click('footer a[href="/info/shipping/"]');
  await page.waitForURL('**/info/shipping/');
  await page.waitForFunction(() => window.__readyAt !== undefined);
  await page.mouse.wheel(0, 400);
  await page.waitForTimeout(300);
  await collect();
  const s = await page.evaluate(async () => (await window.reshelf.ready).state());
  await context.close();
  return { pages: 4, long_tasks: longTasks.length, long_task_ms: longTasks, page_views_seen: s.page_views };
}

/**
 * The wasm heap over a long session: a simulated 30-minute visit compressed in time — 60
 * route changes (page views), and clicks on tiles, scrolls and tracked events, 120,000 events
 * in all — with the heap (the wasm linear memory) and the stored session's size read as it
 * goes. Bounded means the heap stops growing once the session's tables reach their caps.
 */
async function heapOverSession(browser, url) {
  const { page, context } = await openPage(browser);
  await page.goto(`${url}/category/shoes/`);
  await page.waitForFunction(() => window.reshelf && window.reshelf.ready);
  const out = await page.evaluate(async () => {
    const r = await window.reshelf.ready;
    const tiles = [...document.querySelectorAll('[data-reshelf-slot] [data-reshelf-item]')];
    const samples = [];
    const sample = (events) => {
      const state = r.state();
      samples.push({ events, heap_bytes: r.heapBytes(), state_bytes: JSON.stringify(state).length, recorded: state.events });
    };
    sample(0);
    let n = 0;
    for (let pageNo = 0; pageNo < 60; pageNo += 1) {
      history.pushState({}, '', `/category/shoes/?p=${pageNo}`);
      for (let i = 0; i < 2000; i += 1, n += 1) {
        if (i % 10 === 9) r.track('bench_event', { item: `sku-${n % 5000}` });
        else if (i % 3 === 0) window.dispatchEvent(new Event('scroll'));
        else tiles[n % tiles.length].dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: (n * 37) % 1000, clientY: (n * 53) % 700 }));
      }
      if (pageNo % 10 === 9) {
        await new Promise((ok) => setTimeout(ok, 50)); // let timers (persist, scoring) run
        sample(n + 60);
      }
    }
    history.pushState({}, '', '/category/shoes/');
    return samples;
  });
  await context.close();
  const last = out[out.length - 1];
  const mid = out[Math.floor(out.length / 2)];
  return {
    events: last.events,
    samples: out,
    heap_bytes_final: last.heap_bytes,
    heap_growth_second_half_bytes: last.heap_bytes - mid.heap_bytes,
    bounded: last.heap_bytes - mid.heap_bytes === 0,
  };
}

const git = (cmd) => execSync(`git ${cmd}`, { cwd: ROOT }).toString().trim();
/** When and at which commit a part was measured. */
const stamp = () => ({ date: new Date().toISOString(), commit: git('rev-parse --short HEAD') });

/**
 * A copy of the demo store with the home page also at /variants/<name>/, carrying the
 * README's optional tags first in <head>: `snippet` (the inline snippet) and `preload` (the
 * capture module's preload link). Served by the server like the store's own pages, so the
 * variants differ from the home page only in those tags. Returns the directory.
 */
function storeWithVariants() {
  const dir = mkdtempSync(join(os.tmpdir(), 'reshelf-bench-www-'));
  cpSync(join(ROOT, 'www'), dir, { recursive: true });
  const home = readFileSync(join(ROOT, 'www/index.html'), 'utf8');
  const capture = JSON.parse(readFileSync(join(ROOT, 'pkg/modules.json'), 'utf8')).capture;
  const tags = {
    snippet: JSON.parse(readFileSync(join(ROOT, 'pkg/snippet.json'), 'utf8')).script,
    preload: `<link rel="preload" href="/reshelf/${capture}" as="fetch" crossorigin>`,
  };
  for (const [name, tag] of Object.entries(tags)) {
    mkdirSync(join(dir, 'variants', name), { recursive: true });
    writeFileSync(join(dir, 'variants', name, 'index.html'), home.replace('<head>', `<head>${tag}`));
  }
  return dir;
}

/**
 * Runs `measure(browser, url)` against a fresh server (serving `www`, or the demo store) and
 * browser, stopping both after.
 */
async function withServerAndBrowser(profile, measure, www = undefined) {
  const server = await startServer({ profile, ...(www ? { www } : {}) });
  const chrome = await startBrowser();
  try {
    return await measure(chrome.browser, server.url);
  } finally {
    await chrome.close();
    await server.stop();
  }
}
let results = only ? JSON.parse(readFileSync(RESULTS, 'utf8')) : {};

if (want('browser')) {
  await record();
  const replay = replayStream();
  const www = storeWithVariants();
  const measured = await withServerAndBrowser('release', async (browser, url) => ({
    machine: {
      ...stamp(),
      cpu: os.cpus()[0].model,
      cores: os.cpus().length,
      memory_gib: Math.round(os.totalmem() / 2 ** 30),
      browser: `Chromium ${browser.version()} (headless)`,
      node: process.version,
    },
    sizes: JSON.parse(readFileSync(join(ROOT, 'pkg/sizes.json'), 'utf8')),
    init: await initTimes(browser, url),
    init_snippet: await initTimes(browser, url, '/variants/snippet/'),
    init_preload: await initTimes(browser, url, '/variants/preload/'),
    per_event: await perEvent(browser, url),
    inference: await inference(browser, url),
    rounds: await decisionRounds(browser, url),
    replay,
    browsing: await browsingSession(browser, url),
  }), www);
  rmSync(www, { recursive: true, force: true });
  results = { ...results, ...measured };
  console.log(JSON.stringify({ init: results.init, init_snippet: results.init_snippet, init_preload: results.init_preload, per_event: results.per_event, long_tasks: results.browsing.long_tasks }, null, 2));
}

if (want('heap')) {
  // The server only serves files here; its build profile does not matter.
  const profile = existsSync(join(ROOT, 'target/release/reshelf-server')) ? 'release' : 'debug';
  results.heap = { measured: stamp(), ...(await withServerAndBrowser(profile, heapOverSession)) };
  console.log(JSON.stringify(results.heap.samples));
}

if (want('peers')) {
  // The identical network for TF.js and ONNX Runtime Web, exported from the shipped weights.
  execSync(`${join(ROOT, 'target/release/reshelf-train')} export --out bench/out/intent-weights.json`, { cwd: ROOT });
  results.peers = { measured: stamp(), ...(await withServerAndBrowser('release', (browser, url) => benchPeers(browser, url))) };
}

if (want('tracker')) {
  // reshelf with the engine in a worker (the default) and on the main thread, interleaved in
  // one run.
  results.tracker = { measured: stamp(), ...(await withServerAndBrowser('release', (browser, url) => benchTracker(browser, url))) };
}

// After the browser is gone: the load generator and the server share the machine's cores.
if (want('server')) {
  const measured = {
    ...stamp(),
    uncommitted_changes: git('status --porcelain') !== '',
    cpu: os.cpus()[0].model,
    cores: os.cpus().length,
    load_average_1m_at_start: Number(os.loadavg()[0].toFixed(2)),
    node: process.version,
  };
  results.server = { measured, ...(await benchServer(ROOT)) };
  const s = results.server;
  console.log(JSON.stringify({
    sqlite: { per_sec: s.sqlite.best.per_sec, ratio: s.sqlite.best.ratio_to_raw_insert, p99_ms: s.sqlite.open_loop.latency_ms.p99, peak_rss_mb: s.sqlite.memory.peak_rss_mb, verified: s.sqlite.verify.ok },
    postgres: s.postgres.skipped ? s.postgres.skipped : { per_sec: s.postgres.best.per_sec, ratio: s.postgres.best.ratio_to_raw_insert, p99_ms: s.postgres.open_loop.latency_ms.p99, peak_rss_mb: s.postgres.memory.peak_rss_mb, verified: s.postgres.verify.ok },
    met: s.met,
  }, null, 2));
}

// Only with a base tree to compare with (bench/ingest-ab.mjs says how to build one); without
// it the last comparison stays in results.json.
if (want('ingest_ab') && baseRootFromEnv()) {
  results.ingest_ab = { measured: stamp(), ...(await benchIngestAB(ROOT, baseRootFromEnv())) };
  console.log(JSON.stringify({ ingest_ab: results.ingest_ab.met }, null, 2));
} else if (only && only.includes('ingest_ab')) {
  console.error('ingest_ab: set RESHELF_BENCH_BASE to a tree with the base server built (see bench/ingest-ab.mjs)');
}

if (want('reads')) {
  results.reads = { measured: stamp(), ...(await benchReads(ROOT)) };
  console.log(JSON.stringify({ reads: results.reads.met }, null, 2));
}

if (want('twiggy')) {
  results.twiggy = { measured: stamp(), ...twiggyReport(ROOT) };
}

// Last: rebuilds the wasm with other profile settings, which keeps both cores busy.
if (want('sizes')) {
  results.size_steps = { measured: stamp(), ...(await sizeSteps(ROOT)) };
}

results.budgets = checkBudgets(results);
console.log(JSON.stringify(results.budgets, null, 2));
writeFileSync(RESULTS, JSON.stringify(results, null, 2) + '\n');
// The size history is a record kept by hand, not a measurement of this run: always its
// latest entries, whichever parts ran.
if (results.size_steps) results.size_steps.history = JSON.parse(readFileSync(join(ROOT, 'bench/size-history.json'), 'utf8'));
writeFileSync(join(ROOT, 'BENCHMARKS.md'), render(results));
