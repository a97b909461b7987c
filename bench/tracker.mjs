// Capture overhead against a popular tracker: the same scripted visit to the demo store
// (bench/tracker/journey.mjs) with reshelf, with posthog-js (autocapture on), and with
// neither, in headless Chromium. Per SDK and session: main-thread time spent in the SDK,
// long tasks, and what it sent over the network (bytes and requests).
//
// Two passes over the variants, interleaved run by run so that machine noise spreads over
// all three: an unprofiled pass (bytes, requests, long tasks, Performance.getMetrics) and a
// profiled pass (a browser-wide trace with V8's sampling profiler, attributing main-thread
// time to the scripts that spent it) — the profiler slows the page, so the first pass's
// figures are not taken from profiled runs.
//
// `node bench/tracker.mjs [--runs N]` runs it on its own (starts reshelf-server and
// Chromium) and prints the results as JSON; bench/run.mjs calls `benchTracker`.
// `node bench/tracker.mjs --hotspots [--runs N] [--variants reshelf,reshelf-main]` profiles
// N sessions (3) and prints reshelf's functions by main-thread self time (see `hotspots`).
// `node bench/tracker.mjs --ab <dir> [--runs N]` compares pkg/ with another build's pkg
// directory, N profiled sessions each (8), interleaved (see `abRun`).
import os from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRecorder, remoteConfig } from './tracker/recorder.mjs';
import { startProxy } from './tracker/proxy.mjs';
import { posthogOptions, POSTHOG_TOKEN } from './tracker/variants.mjs';
import { browse, STEPS, PAGE_VIEWS } from './tracker/journey.mjs';
import { mainThreadByOwner, TRACE_CATEGORIES } from './tracker/profile.mjs';
import { wireSummary } from './tracker/wire.mjs';
import { sourceOf } from './tracker/source-maps.mjs';
import { quantile } from './stats.mjs';

// reshelf twice: with the model engine in a worker (the default) and on the main thread,
// interleaved with the others so the two engines meet the same machine conditions.
const VARIANTS = ['none', 'reshelf', 'reshelf-main', 'posthog'];
const SETTLE_MS = 1000; // after leaving the last page: its beacons reach the servers
const POSTHOG_DIST = fileURLToPath(new URL('./node_modules/posthog-js/dist/', import.meta.url));

/**
 * Runs in every document before any page script. It records long tasks (buffered
 * observer), and makes the browser present itself as a shopper's Chrome would: posthog-js
 * drops every event from a browser that looks automated (navigator.webdriver, or
 * "HeadlessChrome" in navigator.userAgent), and reshelf does not look. The context's
 * userAgent option alone is not enough: while a document unloads, Chromium gives it the
 * browser's own user agent again, and posthog-js would drop its $pageleave. Named by
 * sourceURL so that its (tiny) cost counts as neither the page's nor an SDK's.
 */
const instrument = (userAgent) => `Object.defineProperty(Navigator.prototype, 'webdriver', { get: () => false, configurable: true });
Object.defineProperty(Navigator.prototype, 'userAgent', { get: () => ${JSON.stringify(userAgent)}, configurable: true });
window.__longTasks = [];
new PerformanceObserver((l) => window.__longTasks.push(...l.getEntries().map((e) => e.duration)))
  .observe({ type: 'longtask', buffered: true });
//# sourceURL=bench-instrument.js`;

const stat = (xs) => ({ p50: quantile(xs, 0.5), max: Math.max(...xs) });
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
/** { owner: { function: ms } } rounded to 0.1 ms. */
const roundAll = (byOwner) => Object.fromEntries(Object.entries(byOwner).map(([who, f]) => [who, Object.fromEntries(Object.entries(f).map(([k, v]) => [k, round(v, 1)]))]));

/** One visit with `variant` in a fresh context; `profile` records a trace. */
async function visit(browser, env, variant, profile) {
  env.proxy.setVariant(variant);
  env.proxy.take();
  env.recorder.take();
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 }, userAgent: env.userAgent });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e).slice(0, 200)));
  await page.addInitScript(instrument(env.userAgent));
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const pages = [];
  const beforeLeave = async (path) => {
    const [longTasks, { metrics }] = await Promise.all([
      page.evaluate(() => window.__longTasks || []),
      cdp.send('Performance.getMetrics'),
    ]);
    const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
    pages.push({
      path,
      long_tasks_ms: longTasks.map((d) => round(d, 1)),
      task_ms: m.TaskDuration * 1000,
      script_ms: m.ScriptDuration * 1000,
      layout_style_ms: (m.LayoutDuration + m.RecalcStyleDuration) * 1000,
    });
  };
  let session;
  let trace = null;
  let tracing = false;
  try {
    if (profile) {
      await browser.startTracing(undefined, { categories: TRACE_CATEGORIES });
      tracing = true;
    }
    session = await browse(page, env.proxy.url, { beforeLeave });
    await page.waitForTimeout(SETTLE_MS);
    if (profile) {
      trace = await browser.stopTracing();
      tracing = false;
    }
  } finally {
    if (tracing) await browser.stopTracing().catch(() => {});
    await context.close();
  }
  await new Promise((ok) => setTimeout(ok, 100));

  const proxied = env.proxy.take();
  const recorded = env.recorder.take();
  const unrewritten = proxied.filter((e) => e.not_rewritten);
  if (unrewritten.length) throw new Error(`${variant}: page(s) not rewritten: ${unrewritten.map((e) => e.path).join(', ')}`);
  const reshelfLog = proxied.filter((e) => e.path.startsWith('/v1/') || e.path.startsWith('/reshelf/'));
  const mine = { none: [], reshelf: reshelfLog, 'reshelf-main': reshelfLog, 'reshelf-b': reshelfLog, posthog: recorded }[variant];
  // Nothing may reach the other SDK's endpoints (the rewrite really removed reshelf, and
  // only the posthog variant talks to the recorder).
  const stray = variant.startsWith('reshelf') ? recorded.length : reshelfLog.length + (variant === 'none' ? recorded.length : 0);
  if (stray) throw new Error(`${variant}: ${stray} request(s) to another variant's endpoints`);

  const wire = wireSummary(mine);
  // Every summary and event must have been accepted, or the session measured a broken setup.
  if (wire.sent.not_2xx) throw new Error(`${variant}: ${wire.sent.not_2xx} request(s) refused: ${mine.filter((e) => e.body_bytes && !(e.status >= 200 && e.status < 300)).map((e) => `${e.path} ${e.status}`).join(', ')}`);
  const long = pages.flatMap((p) => p.long_tasks_ms);
  const out = {
    session_ms: session.session_ms,
    pages: session.pages.length,
    wire,
    long_tasks: { count: long.length, total_ms: round(sum(long), 1), max_ms: long.length ? Math.max(...long) : 0 },
    metrics: {
      task_ms: round(sum(pages.map((p) => p.task_ms)), 1),
      script_ms: round(sum(pages.map((p) => p.script_ms)), 1),
      layout_style_ms: round(sum(pages.map((p) => p.layout_style_ms)), 1),
    },
    page_errors: errors,
  };
  if (trace) {
    const owner = (url) => {
      if (url.startsWith('wasm://')) return 'reshelf'; // the only wasm on these pages
      if (url === 'posthog-snippet.js' || url.startsWith(env.recorder.origin)) return 'posthog';
      if (url === 'bench-instrument.js') return 'harness';
      if (url.startsWith(`${env.proxy.url}/reshelf/`)) return 'reshelf';
      if (url.startsWith(env.proxy.url)) return 'page';
      return 'other'; // Playwright's injected scripts, extensions of the browser itself
    };
    const p = mainThreadByOwner(trace, owner, env.proxy.url, { topFunctions: env.topFunctions });
    out.profile = {
      busy_ms: round(p.busy_ms, 1),
      by_owner_ms: Object.fromEntries(['reshelf', 'posthog', 'page', 'program', 'gc', 'profiler', 'harness', 'other'].map((k) => [k, round(p[k] || 0, 1)])),
      sdk_files_ms: Object.fromEntries(Object.entries(p.sdk_files_ms).map(([k, v]) => [k, round(v, 1)])),
      top_functions_ms: roundAll(p.top_functions_ms),
      top_functions_inclusive_ms: roundAll(p.top_functions_inclusive_ms),
      load_ms: Object.fromEntries(Object.entries(p.load_ms).map(([k, v]) => [k, round(v, 1)])),
      load_events_ms: Object.fromEntries(Object.entries(p.load_events_ms).map(([k, v]) => [k, round(v, 1)])),
      samples: p.samples,
      sample_interval_us_p50: p.sample_interval_us_p50,
      renderers: p.renderers,
    };
  }
  return out;
}

/** Per-variant figures over runs: p50 and max of each per-session number. */
function summarise(runs, profiled, sdk) {
  const w = (f) => stat(runs.map((r) => f(r.wire)));
  const s = {
    runs: runs.length,
    session_ms: stat(runs.map((r) => r.session_ms)),
    sent_body_bytes: w((x) => x.sent.body_bytes),
    sent_header_bytes: w((x) => x.sent.header_bytes),
    sent_requests: w((x) => x.sent.requests),
    sent_decoded_bytes: w((x) => x.sent.decoded_bytes),
    fetched_requests: w((x) => x.fetched.requests),
    preflights: w((x) => x.preflights),
    long_tasks: stat(runs.map((r) => r.long_tasks.count)),
    long_task_max_ms: stat(runs.map((r) => r.long_tasks.max_ms)),
    long_task_total_ms: stat(runs.map((r) => r.long_tasks.total_ms)),
    task_ms: stat(runs.map((r) => r.metrics.task_ms)),
    script_ms: stat(runs.map((r) => r.metrics.script_ms)),
    page_errors: sum(runs.map((r) => r.page_errors.length)),
  };
  if (profiled.length) {
    s.busy_ms = stat(profiled.map((r) => r.profile.busy_ms));
    if (sdk) {
      s.sdk_ms = stat(profiled.map((r) => r.profile.by_owner_ms[sdk]));
      s.sdk_load_ms = stat(profiled.map((r) => r.profile.load_ms[sdk] || 0));
    }
    s.gc_ms = stat(profiled.map((r) => r.profile.by_owner_ms.gc));
    s.profiler_ms = stat(profiled.map((r) => r.profile.by_owner_ms.profiler || 0));
    s.program_ms = stat(profiled.map((r) => r.profile.by_owner_ms.program));
  }
  return s;
}

/**
 * `runs` unprofiled and then `profiledRuns` profiled visits with each of `variants`,
 * interleaved, each round starting with a different variant. `topFunctions`: how many of
 * each SDK's functions a profiled visit reports; `upstreams`: the proxy's servers by variant.
 * Resolves with the visits by variant.
 */
async function visits(browser, url, { runs, profiledRuns, variants = VARIANTS, topFunctions = 8, upstreams = {} }) {
  const recorder = await startRecorder({ dist: POSTHOG_DIST, token: POSTHOG_TOKEN });
  const proxy = await startProxy({ upstream: url, apiHost: recorder.origin, upstreams });
  const env = { recorder, proxy, userAgent: null, topFunctions };
  const all = [...new Set([...VARIANTS, ...variants])];
  const raw = Object.fromEntries(all.map((v) => [v, []]));
  const prof = Object.fromEntries(all.map((v) => [v, []]));
  try {
    // Warm the servers and the OS file cache with one page view per variant (not measured).
    for (const v of variants) {
      proxy.setVariant(v);
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${proxy.url}/`, { waitUntil: 'load' });
      env.userAgent ||= (await page.evaluate(() => navigator.userAgent)).replace('HeadlessChrome/', 'Chrome/');
      await page.waitForTimeout(1500);
      await context.close();
    }
    for (const [n, into, profile] of [[runs, raw, false], [profiledRuns, prof, true]]) {
      for (let i = 0; i < n; i += 1) {
        for (let k = 0; k < variants.length; k += 1) {
          const v = variants[(i + k) % variants.length];
          into[v].push(await visit(browser, env, v, profile));
        }
      }
    }
  } finally {
    await proxy.close();
    await recorder.close();
  }
  return { raw, prof, userAgent: env.userAgent };
}

/**
 * Where reshelf's main-thread time goes: `runs` profiled sessions with each of `variants`
 * (reshelf's by default), every function's self time (its native calls included) summed
 * and divided by the sessions, largest first. Functions are `name file:line:column`; with
 * the source maps of `RESHELF_SOURCEMAP=1 node src/js/build.mjs` next to pkg/'s scripts,
 * each also gets its place in src/js. Resolves with the top `rows` by self time and by
 * `inclusive` time ([function, source or null, ms]), and reshelf's whole main-thread time
 * per session (`total_ms`).
 */
export async function hotspots(browser, url, { runs = 3, variants = ['reshelf'], top = 30 } = {}) {
  const { prof } = await visits(browser, url, { runs: 0, profiledRuns: runs, variants, topFunctions: Infinity });
  // Each function's milliseconds summed over the sessions, and how many sessions.
  const totals = (key) => {
    const total = {};
    let sessions = 0;
    for (const v of variants) {
      for (const r of prof[v]) {
        sessions += 1;
        for (const [fn, ms] of Object.entries(r.profile[key].reshelf || {})) total[fn] = (total[fn] || 0) + ms;
      }
    }
    return [total, sessions];
  };
  const rowsOf = ([total, sessions]) => Object.entries(total)
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([fn, ms]) => [fn, sourceOf(fn), round(ms / sessions, 1)]);
  const [self, sessions] = totals('top_functions_ms');
  const rows = rowsOf([self, sessions]);
  const inclusive = rowsOf(totals('top_functions_inclusive_ms'));
  return { rows, inclusive, total_ms: round(sum(Object.values(self)) / sessions, 1) };
}

/**
 * Two builds of reshelf side by side: `runs` profiled sessions each with the build served at
 * `url` ('reshelf') and the one served at `urlB` ('reshelf-b'), interleaved, so that machine
 * noise falls on both alike. Resolves with each build's main-thread time per session (ms)
 * and its p50.
 */
export async function abRun(browser, url, urlB, { runs = 8 } = {}) {
  const variants = ['reshelf', 'reshelf-b'];
  const { prof } = await visits(browser, url, { runs: 0, profiledRuns: runs, variants, upstreams: { 'reshelf-b': urlB } });
  return Object.fromEntries(variants.map((v) => {
    const ms = prof[v].map((r) => r.profile.by_owner_ms.reshelf);
    return [v, { p50_ms: round(quantile(ms, 0.5), 1), sessions_ms: ms }];
  }));
}

/**
 * Runs the comparison against the reshelf-server at `url`. `runs` visits per variant in
 * each pass. Resolves with a JSON-able object: settings, every run, per-variant summaries
 * and the headline comparison.
 */
export async function benchTracker(browser, url, { runs = 5, profiledRuns = runs } = {}) {
  const load = [os.loadavg()[0]];
  const { raw, prof, userAgent } = await visits(browser, url, { runs, profiledRuns });
  load.push(os.loadavg()[0]);

  const baseline = summarise(raw.none, prof.none, null);
  const reshelf = summarise(raw.reshelf, prof.reshelf, 'reshelf');
  const reshelfMain = summarise(raw['reshelf-main'], prof['reshelf-main'], 'reshelf');
  const posthog = summarise(raw.posthog, prof.posthog, 'posthog');
  const over = (s, k) => (s[k] && baseline[k] ? round(s[k].p50 - baseline[k].p50, 1) : null);
  for (const s of [reshelf, reshelfMain, posthog]) {
    s.vs_baseline = {
      busy_ms: over(s, 'busy_ms'),
      task_ms: over(s, 'task_ms'),
      script_ms: over(s, 'script_ms'),
    };
  }
  const ratio = (a, b) => (b > 0 ? round(a / b, 1) : null);
  const bytesRatio = ratio(posthog.sent_body_bytes.p50, reshelf.sent_body_bytes.p50);
  return {
    settings: {
      page_views: PAGE_VIEWS,
      steps: STEPS.length,
      runs_per_variant: runs,
      profiled_runs_per_variant: profiledRuns,
      settle_ms: SETTLE_MS,
      trace_categories: TRACE_CATEGORIES,
      posthog: {
        version: JSON.parse(readFileSync(join(POSTHOG_DIST, '../package.json'), 'utf8')).version,
        bundle: 'dist/array.js via the install snippet',
        init_options: { ...posthogOptions('<recorder>'), api_host: '<local recorder on 127.0.0.1>' },
        remote_config: remoteConfig(POSTHOG_TOKEN),
      },
      // What the pages see (all variants): desktop Chrome, navigator.webdriver false.
      user_agent: userAgent,
      load_average_1m: { start: round(load[0]), end: round(load[1]) },
      cores: os.cpus().length,
    },
    baseline,
    reshelf,
    reshelf_main: reshelfMain,
    posthog,
    comparison: {
      sent_bytes_ratio: bytesRatio,
      sent_bytes_with_headers_ratio: ratio(posthog.sent_body_bytes.p50 + posthog.sent_header_bytes.p50, reshelf.sent_body_bytes.p50 + reshelf.sent_header_bytes.p50),
      sent_requests_ratio: ratio(posthog.sent_requests.p50, reshelf.sent_requests.p50),
      sdk_ms_ratio: reshelf.sdk_ms ? ratio(posthog.sdk_ms.p50, reshelf.sdk_ms.p50) : null,
      budget: {
        main_thread_below_posthog: reshelf.sdk_ms ? reshelf.sdk_ms.p50 < posthog.sdk_ms.p50 : null,
        bytes_20x_fewer: bytesRatio !== null && bytesRatio >= 20,
      },
    },
    runs: { unprofiled: raw, profiled: prof },
  };
}

const kb = (n) => (n >= 10240 ? `${(n / 1024).toFixed(1)} KB` : `${Math.round(n).toLocaleString('en')} B`);
const ms = (n) => `${Number(n).toFixed(1)} ms`;
const x = (n) => (n === null || n === undefined ? '—' : `${Number(n).toFixed(1)}×`);
const met = (ok) => (ok === null ? 'not measured' : ok ? 'met' : '**not met**');
const signed = (n) => (n === null ? '' : ` (${n >= 0 ? '+' : '−'}${Math.abs(n).toFixed(1)})`);

/** The Markdown section for BENCHMARKS.md. */
export function renderTracker(r) {
  const s = r.settings;
  const { baseline: base, reshelf: re, posthog: ph, comparison: c } = r;
  const p50max = (a, f = String) => (a ? `${f(a.p50)} (${f(a.max)})` : '—');
  const cells = (f) => [base, re, ph].map((v) => f(v) ?? '—').join(' | ');
  const perSession = (runs, k) => {
    const totals = {};
    for (const run of runs) for (const [key, v] of Object.entries(run.wire.sent[k])) totals[key] = (totals[key] || 0) + (v.body_bytes ?? v) / runs.length;
    return Object.entries(totals).sort((a, b) => b[1] - a[1]);
  };
  const unprof = r.runs.unprofiled;
  const phPaths = perSession(unprof.posthog, 'by_path').map(([p, b]) => `\`${p}\` ${kb(b)}`).join(', ') || 'none';
  const phEvents = perSession(unprof.posthog, 'items').map(([e, n]) => `${e} × ${n.toFixed(1)}`).join(', ') || 'none';
  const reSizes = unprof.reshelf.length ? unprof.reshelf[0].wire.sent.sizes.join(', ') : '';
  const meanRequests = unprof.reshelf.length ? sum(unprof.reshelf.map((run) => run.wire.sent.requests)) / unprof.reshelf.length : 0;
  const reItems = perSession(unprof.reshelf, 'items').map(([, n]) => `${n.toFixed(1)} summaries in ${meanRequests.toFixed(1)} requests`).join('') || 'nothing';
  const profiled = Boolean(re.sdk_ms && ph.sdk_ms);
  return `## Capture overhead against posthog-js

The same scripted visit to the demo store — ${s.page_views} page views and ${s.steps} steps (clicks on tiles and
prices, scrolls, a hover, two adds to cart; 300–800 ms pauses), ending on about:blank so that
the last page is left like the others — with reshelf as shipped, with posthog-js ${s.posthog.version} in
its place, and with neither (baseline). posthog-js is installed the way PostHog's snippet does
it (\`array.js\`, which loads what the project config asks for) with \`autocapture\`,
\`capture_pageview\` and \`capture_pageleave\` on and \`persistence: 'localStorage+cookie'\`;
everything else is default, batching and gzip included. It talks to a local stand-in for
PostHog Cloud that serves posthog-js's own files and a default project's config and records
every request; reshelf talks to \`reshelf-server\` through a recording proxy that serves all
three variants' pages. The browser presents itself as desktop Chrome (posthog-js drops events
from headless or automated browsers). **Bytes sent** are request bodies as received — after each
SDK's own compression, without HTTP headers (shown with them on the next row). **Main-thread
time in the SDK** comes from a browser-wide trace with V8's sampling profiler: each sample's
time goes to the script of the innermost frame with a URL (native calls count for their caller,
wasm for reshelf), plus each SDK's script compile and wasm instantiation on the main thread.
V8's logging of wasm code for the profiler (\`wasm.LogWasmCodes\`, \`wasm.LogCode\`), which runs
only while a profiler is attached, is the measurement's own cost and is not counted as
reshelf's${re.profiler_ms ? ` (${ms(re.profiler_ms.p50)} per session, p50)` : ''}.
The busy time, and \`Performance.getMetrics\` TaskDuration and ScriptDuration (summed over the
pages, read before leaving each), against the baseline also catch what no script owns
(parsing, style, layout, GC), but with the noise of two whole sessions. Long tasks
are observed per page while it is open. ${s.runs_per_variant} unprofiled sessions per variant (bytes, requests,
long tasks, TaskDuration) and ${s.profiled_runs_per_variant} profiled ones, each in a fresh context, the variants
interleaved; p50 over sessions, max in brackets.

| per session | baseline | reshelf | posthog-js | posthog-js / reshelf |
| --- | ---: | ---: | ---: | ---: |
| **bytes sent** (request bodies) | — | **${kb(re.sent_body_bytes.p50)}** (${kb(re.sent_body_bytes.max)}) | **${kb(ph.sent_body_bytes.p50)}** (${kb(ph.sent_body_bytes.max)}) | **${x(c.sent_bytes_ratio)}** |
| bytes sent with request headers | — | ${kb(re.sent_body_bytes.p50 + re.sent_header_bytes.p50)} | ${kb(ph.sent_body_bytes.p50 + ph.sent_header_bytes.p50)} | ${x(c.sent_bytes_with_headers_ratio)} |
| requests sent | — | ${p50max(re.sent_requests)} | ${p50max(ph.sent_requests)} | ${x(c.sent_requests_ratio)} |
| requests for code, config, statistics | — | ${p50max(re.fetched_requests)} | ${p50max(ph.fetched_requests)} | |
| **main-thread time in the SDK** (profiled) | — | ${profiled ? `**${ms(re.sdk_ms.p50)}** (${ms(re.sdk_ms.max)})` : '—'} | ${profiled ? `**${ms(ph.sdk_ms.p50)}** (${ms(ph.sdk_ms.max)})` : '—'} | **${x(c.sdk_ms_ratio)}** |
| of which loading (compile, wasm instantiation) | — | ${profiled ? ms(re.sdk_load_ms.p50) : '—'} | ${profiled ? ms(ph.sdk_load_ms.p50) : '—'} | |
| main-thread busy time (profiled; over baseline) | ${cells((v) => (v.busy_ms ? `${ms(v.busy_ms.p50)}${v.vs_baseline ? signed(v.vs_baseline.busy_ms) : ''}` : null))} | |
| TaskDuration (unprofiled; over baseline) | ${cells((v) => `${ms(v.task_ms.p50)}${v.vs_baseline ? signed(v.vs_baseline.task_ms) : ''}`)} | |
| ScriptDuration (unprofiled; over baseline) | ${cells((v) => `${ms(v.script_ms.p50)}${v.vs_baseline ? signed(v.vs_baseline.script_ms) : ''}`)} | |
| long tasks (> 50 ms) | ${cells((v) => p50max(v.long_tasks))} | |
| longest long task | ${cells((v) => (v.long_task_max_ms.max ? ms(v.long_task_max_ms.max) : 'none'))} | |

What went out, per session on average: posthog-js — ${phPaths} of gzip-compressed batches
holding ${phEvents}; reshelf — ${reItems} in uncompressed JSON, each the
session's summary so far (request bodies of one session, in order: ${reSizes} bytes).

Budgets: reshelf's main-thread time below posthog-js's — ${met(c.budget.main_thread_below_posthog)}; at least 20× fewer bytes
sent — ${met(c.budget.bytes_20x_fewer)} (${x(c.sent_bytes_ratio)}). Load average (1 min) ${s.load_average_1m.start} at the start and ${s.load_average_1m.end} at
the end, on ${s.cores} cores.
`;
}

async function main() {
  const { ROOT, startServer, startBrowser } = await import('../tests/e2e/harness.mjs');
  const at = process.argv.indexOf('--runs');
  const runs = at > 0 ? Number(process.argv[at + 1]) : 5;
  const profile = existsSync(join(ROOT, 'target/release/reshelf-server')) ? 'release' : 'debug';
  const server = await startServer({ profile });
  const chrome = await startBrowser();
  try {
    const ab = process.argv.indexOf('--ab');
    if (ab > 0) {
      const other = await startServer({ profile, pkg: process.argv[ab + 1] });
      try {
        console.log(JSON.stringify(await abRun(chrome.browser, server.url, other.url, { runs: at > 0 ? runs : 8 }), null, 2));
      } finally {
        await other.stop();
      }
      return;
    }
    if (process.argv.includes('--hotspots')) {
      const v = process.argv.indexOf('--variants');
      const variants = v > 0 ? process.argv[v + 1].split(',') : ['reshelf'];
      const t = process.argv.indexOf('--top');
      const { rows, inclusive, total_ms } = await hotspots(chrome.browser, server.url, { runs: at > 0 ? runs : 3, variants, top: t > 0 ? Number(process.argv[t + 1]) : 30 });
      console.log(`reshelf's main-thread time: ${total_ms} ms per session\n\n| function | source | ms per session |\n| --- | --- | ---: |`);
      for (const [fn, source, ms] of rows) console.log(`| \`${fn}\` | ${source ?? ''} | ${ms} |`);
      console.log(`\nInclusive (on the stack):\n\n| function | source | ms per session |\n| --- | --- | ---: |`);
      for (const [fn, source, ms] of inclusive) console.log(`| \`${fn}\` | ${source ?? ''} | ${ms} |`);
      return;
    }
    const r = await benchTracker(chrome.browser, server.url, { runs });
    r.settings.server_profile = profile;
    r.settings.browser = `Chromium ${chrome.browser.version()} (headless)`;
    console.log(JSON.stringify(r, null, 2));
    if (process.argv.includes('--markdown')) console.error(renderTracker(r));
  } finally {
    await chrome.close();
    await server.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
