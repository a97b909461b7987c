// The same intent network in TensorFlow.js and ONNX Runtime Web, next to reshelf, in the same
// headless Chromium: payload, load + init time, inference latency, and agreement of outputs.
// The network comes from `reshelf-train export` (bench/out/intent-weights.json); peers/onnx.mjs
// writes it as .onnx for ORT, peers/serve.mjs as a float32 shard for TF.js.
//
// `benchPeers(browser, url)` measures (url: the reshelf server; the pages are served by a
// loopback server of ours that passes reshelf's sync through to it, or with
// { transport: 'route' } under url's own origin by playwright routing); `renderPeers(results)`
// is the BENCHMARKS.md section. Standalone, for
// development: `node bench/peers.mjs [--md] [--weights f.json] [--loads n] [--rounds n]
// [--transport route|http]` starts its own server and browser and prints the results as JSON
// (and the section with --md).
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { ROOT, openPage, startBrowser, startServer } from '../tests/e2e/harness.mjs';
import { measureInPage } from './peers/measure.mjs';
import { RUNTIMES } from './peers/runtimes.mjs';
import { startPeerServer } from './peers/http.mjs';
import { peerAssets, routePeers, sizes } from './peers/serve.mjs';
import { quantile } from './stats.mjs';

const WEIGHTS = join(ROOT, 'bench/out/intent-weights.json');
const LOADS = 10;
const ROUNDS = 3; // inference pages per runtime
// How /peers/ is served: 'http' (peers/http.mjs, a plain loopback server) by default, because
// playwright's routing ('route') carries bodies over the DevTools protocol, which measurably
// slows large files (ORT's 14 MB wasm: ~650 ms against ~150 ms over plain HTTP on the bench
// machine) and so would charge the harness to the runtime with the biggest download.
const TRANSPORT = 'http';
// Per page: ≥ 500 calls and ≥ 2 s of warm-up, then 20 timed blocks of each kind, each block
// ≥ 100 calls and ~10 ms (see peers/measure.mjs).
const TIMING = { warmup: 500, warmupMs: 2000, blocks: 20, perBlock: 100, blockMs: 10 };

const spread = (xs) => ({ p50: quantile(xs, 0.5), p99: quantile(xs, 0.99) });
const maxAbsDiff = (a, b) => (a && b ? Math.max(...a.map((x, i) => Math.abs(x - b[i]))) : null);

/** Why reshelf cannot be measured with this pkg/, or null. */
function reshelfMissing() {
  const js = join(ROOT, 'pkg/reshelf.js');
  if (!existsSync(js) || !existsSync(join(ROOT, 'pkg/modules.json'))) return 'pkg/ is not built';
  if (!readFileSync(js, 'utf8').includes('scoreInputs')) return 'pkg/reshelf.js has no scoreInputs() (rebuild pkg/)';
  return null;
}

/** One fresh context loading one runtime's page until its first inference (or failure). */
async function load(browser, url, assets, rt, transport) {
  const { page, context, log } = await openPage(browser);
  const requested = [];
  page.on('request', (req) => {
    const path = new URL(req.url()).pathname;
    if (path.startsWith('/peers/')) requested.push(path.slice('/peers/'.length));
  });
  if (transport === 'route') await routePeers(page, url, assets);
  await page.goto(`${url}/peers/page/${rt.key}.html`, { waitUntil: 'commit' });
  await page.waitForFunction(() => window.peerFirst || window.peerError, null, { timeout: 120_000 });
  const got = await page.evaluate(() => ({
    error: window.peerError ?? null,
    marks: window.peerMarks,
    first: window.peerFirst ?? null,
    info: window.peer ? window.peer.info : null,
    // Per file: request start to last byte, ms since navigation start.
    fetches: performance.getEntriesByType('resource').map((e) => ({
      path: new URL(e.name).pathname.replace(/^\/peers\//, ''), start: e.startTime, end: e.responseEnd,
    })),
  }));
  // The model's downloads: when the last byte came, and for how long any was in flight (the
  // length of the union of their intervals), to tell transfer from compile and init.
  const downloads = got.fetches.filter((e) => assets.get(e.path)?.payload).sort((a, b) => a.start - b.start);
  got.last_byte = Math.max(0, ...downloads.map((e) => e.end));
  let reach = 0;
  got.downloading = downloads.reduce((n, e) => {
    const add = Math.max(0, e.end - Math.max(e.start, reach));
    reach = Math.max(reach, e.end);
    return n + add;
  }, 0);
  if (got.error) throw new Error(`${rt.key}: ${got.error}\n${log.errors.join('\n')}`);
  return { page, context, log, requested, ...got };
}

/**
 * Cold loads, interleaved across runtimes so machine noise hits all alike, after one
 * unrecorded load each (Node's file cache, Chromium's first-use costs). Times are from
 * navigation start, so they include fetching the page's files over loopback.
 */
async function initTimes(browser, url, assets, runtimes, loads, transport) {
  const rows = Object.fromEntries(runtimes.map((rt) => [rt.key, []]));
  const fetched = Object.fromEntries(runtimes.map((rt) => [rt.key, new Set()]));
  const warnings = Object.fromEntries(runtimes.map((rt) => [rt.key, new Set()]));
  const info = {};
  for (let i = -1; i < loads; i += 1) {
    for (const rt of runtimes) {
      const l = await load(browser, url, assets, rt, transport);
      await l.context.close();
      l.requested.forEach((p) => fetched[rt.key].add(p));
      l.log.console.filter((c) => c.type === 'warning' || c.type === 'error').forEach((c) => warnings[rt.key].add(c.text));
      info[rt.key] = l.info;
      if (i >= 0) rows[rt.key].push({ ...l.marks, last_byte: l.last_byte, downloading: l.downloading, fetches: l.fetches });
    }
  }
  return Object.fromEntries(runtimes.map((rt) => {
    const r = rows[rt.key];
    const pick = (f) => spread(r.map(f));
    const fetchMs = (path) => quantile(r.flatMap((x) => x.fetches.filter((e) => e.path === path).map((e) => e.end - e.start)), 0.5);
    return [rt.key, {
      info: info[rt.key],
      requested: [...fetched[rt.key]],
      fetch_ms: Object.fromEntries([...fetched[rt.key]].map((p) => [p, fetchMs(p)])),
      console_warnings: [...warnings[rt.key]],
      init_ms: {
        loads,
        ...pick((x) => x.first),
        scripts_run: pick((x) => x.scripts),
        runtime_ready: pick((x) => x.ready),
        after_last_byte: pick((x) => x.first - x.last_byte),
        downloads_in_flight: pick((x) => x.downloading),
        without_downloads: pick((x) => x.first - x.downloading),
      },
    }];
  }));
}

/**
 * Inference timing and parity-row outputs: `rounds` fresh pages per runtime, runtimes
 * interleaved, timings pooled over the rounds (outputs are taken from the first).
 */
async function inference(browser, url, assets, runtimes, rows, rounds, transport) {
  const got = Object.fromEntries(runtimes.map((rt) => [rt.key, []]));
  for (let i = 0; i < rounds; i += 1) {
    for (const rt of runtimes) {
      const l = await load(browser, url, assets, rt, transport);
      try {
        got[rt.key].push(await l.page.evaluate(measureInPage, { rows, ...TIMING }));
      } finally {
        await l.context.close();
      }
    }
  }
  const stats = (parts) => {
    const each = parts.flatMap((p) => p.each_ms);
    const means = parts.flatMap((p) => p.block_means_us);
    const positive = each.filter((x) => x > 0);
    return {
      rows_per_call: parts[0].rows_per_call,
      calls: each.length,
      // Single calls at the timer's resolution: mostly 0 or one tick, shown for honesty.
      p50_us: quantile(each, 0.5) * 1000,
      p99_us: quantile(each, 0.99) * 1000,
      block_mean_us: { ...spread(means), blocks: means.length, calls_per_block: parts.map((p) => p.calls_per_block) },
      // The first block of each page, before warm-up (median over pages).
      first_block_mean_us: quantile(parts.map((p) => p.first_block_us), 0.5),
      timer_resolution_us: positive.length ? Math.min(...positive) * 1000 : null,
    };
  };
  return Object.fromEntries(runtimes.map((rt) => {
    const r = got[rt.key];
    return [rt.key, {
      single: stats(r.map((x) => x.single)),
      batch16: stats(r.map((x) => x.batch16)),
      warmup: r.map((x) => x.warmup),
      outputs: r[0].outputs,
    }];
  }));
}

/** The model's files a page fetched, sized, with their median fetch time. */
function payload(assets, requested, fetchMs) {
  const files = requested.filter((p) => assets.get(p)?.payload)
    .map((p) => ({ name: p, ...sizes(assets, p), fetch_ms_p50: fetchMs[p] ?? null }));
  const total = (k) => files.reduce((n, f) => n + f[k], 0);
  return { files, payload: { raw: total('raw'), gzip: total('gzip'), brotli: total('brotli') } };
}

/**
 * Measures every runtime. `transport`: 'route' serves /peers/ under `url` by playwright
 * routing; 'http' by a loopback server of our own (peers/http.mjs) passing the rest to `url`.
 */
export async function benchPeers(browser, url, { weightsPath = WEIGHTS, loads = LOADS, rounds = ROUNDS, transport = TRANSPORT } = {}) {
  const weights = JSON.parse(readFileSync(weightsPath, 'utf8'));
  const assets = peerAssets(ROOT, weights);
  const missing = reshelfMissing();
  const runtimes = RUNTIMES.filter((rt) => rt.key !== 'reshelf' || !missing);
  const { inputs, scores, logits } = weights.parity;

  const own = transport === 'http' ? await startPeerServer(assets, url) : null;
  const origin = own ? own.url : url;
  let init;
  let measured;
  try {
    init = await initTimes(browser, origin, assets, runtimes, loads, transport);
    measured = await inference(browser, origin, assets, runtimes, inputs, rounds, transport);
  } finally {
    await own?.stop();
  }
  const reference = measured.reshelf?.outputs.batch ?? null;

  const out = {};
  for (const rt of runtimes) {
    const { info, requested, init_ms, fetch_ms, console_warnings } = init[rt.key];
    const m = measured[rt.key];
    out[rt.key] = {
      label: rt.label,
      ...payload(assets, requested, fetch_ms),
      wasm_fetched: requested.filter((p) => p.endsWith('.wasm')),
      unserved: requested.filter((p) => !assets.has(p)),
      console_warnings,
      ...info,
      init_ms,
      single: m.single,
      batch16: m.batch16,
      warmup: m.warmup,
      max_abs_diff_vs_reshelf: maxAbsDiff(m.outputs.batch, reference),
      max_abs_diff_vs_reshelf_single_rows: maxAbsDiff(m.outputs.singles, reference),
      max_abs_diff_vs_native: maxAbsDiff(m.outputs.batch, scores),
      max_abs_logit_diff_vs_native: maxAbsDiff(m.outputs.logits, logits),
      probabilities: m.outputs.batch,
    };
  }
  if (missing) out.reshelf = { label: RUNTIMES[0].label, skipped: missing };
  return {
    measured: { date: new Date().toISOString(), browser: `Chromium ${browser.version()} (headless)`, transport, loads, rounds, ...TIMING },
    model: {
      version: weights.version,
      shape: [weights.input_width, ...weights.layers.map((l) => l.out)].join('→'),
      parameters: weights.layers.reduce((n, l) => n + l.weight.length + l.bias.length, 0),
      parity_rows: inputs.length,
      native_scores: scores,
    },
    runtimes: out,
  };
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const f = (n, d = 1) => (n === null || n === undefined ? '–' : Number(n).toFixed(d));
const sci = (n) => (n === null || n === undefined ? '–' : n === 0 ? '0' : n.toExponential(1));
const pq = (x, unit, d = 1) => `${f(x.p50, d)} ${unit} (${f(x.p99, d)})`;

const ROUTE_NOTE = `, which carries the bytes over the DevTools protocol
and so is slower than a plain loopback server, more so for large files`;

/** The BENCHMARKS.md section for `benchPeers`' results. */
export function renderPeers(r) {
  const all = Object.values(r.runtimes);
  const ran = all.filter((x) => !x.skipped);
  const hasRef = ran.some((x) => x === r.runtimes.reshelf);
  const tfw = r.runtimes['tfjs-wasm'];
  const m = r.measured;
  const main = ran.map((x) => `| ${x.label} | ${kb(x.payload.gzip)} | ${kb(x.payload.brotli)} | ${kb(x.payload.raw)} | ${pq(x.init_ms, 'ms')} | ${pq(x.single.block_mean_us, 'µs')} | ${pq(x.batch16.block_mean_us, 'µs')} | ${f(x.single.first_block_mean_us)} µs | ${hasRef ? sci(x.max_abs_diff_vs_reshelf) : '–'} | ${sci(x.max_abs_diff_vs_native)} |`);
  const phases = ran.map((x) => `| ${x.label} | ${pq(x.init_ms.scripts_run, 'ms')} | ${pq(x.init_ms.runtime_ready, 'ms')} | ${pq(x.init_ms, 'ms')} | ${pq(x.init_ms.downloads_in_flight, 'ms')} | ${pq(x.init_ms.without_downloads, 'ms')} |`);
  const files = ran.map((x) => `- ${x.label}: ${x.files.map((p) => `\`${p.name.split('/').pop()}\` ${kb(p.gzip)} (${f(p.fetch_ms_p50)} ms)`).join(', ')}`);
  const skipped = all.filter((x) => x.skipped).map((x) => `\n${x.label} was not measured: ${x.skipped}.\n`).join('');
  const resolution = ran[0]?.single.timer_resolution_us;
  const via = m.transport === 'route' ? 'by playwright request routing' : 'by a plain Node HTTP server';
  return `## Same model in TensorFlow.js and ONNX Runtime Web

The shipped intent network (${r.model.shape}, ${r.model.parameters.toLocaleString('en')} parameters, model ${r.model.version}) as exported by
\`reshelf-train export\`, rebuilt in TensorFlow.js ${tfw?.versions?.['tfjs-core'] ?? ''} (tfjs-core with the CPU or the WebAssembly
backend, one fused matmul + bias + ReLU per layer, weights as one float32 shard) and in ONNX
Runtime Web ${r.runtimes['ort-wasm']?.versions?.['onnxruntime-web'] ?? ''} (its wasm-only build; the .onnx is written by \`bench/peers/onnx.mjs\`), each
ending in reshelf's calibration of the logit. Each runtime gets a bare page in ${m.browser},
its files served same-origin over loopback ${via} (reshelf's too);
reshelf starts from its script tag as on a storefront, so its load time and payload are the
whole SDK's, not only the model's. The page is not cross-origin isolated (no
SharedArrayBuffer), so nothing runs threaded: ORT with \`numThreads = 1\`, TF.js's wasm backend
${tfw && !tfw.skipped ? `with SIMD ${tfw.simd ? 'on' : 'off'} and ${tfw.threads} thread (it fetched \`${tfw.wasm_fetched.map((w) => w.split('/').pop()).join(', ')}\`)` : 'with SIMD and one thread'}.

- **Payload**: the files each page fetched for the model — runtime, wasm, weights; not the
  bench's page and glue — at gzip level 9 / brotli quality 11. reshelf's weights are inside its wasm.
- **Load + init**: navigation start to the first inference's result, over ${m.loads} cold loads
  (fresh context each, runtimes interleaved, after one unrecorded load each); with ${m.loads} loads,
  p99 is the slowest.
- **Inference**: one row, or the ${r.model.parity_rows} parity rows as one batch, per call, from a Float32Array to
  calibrated probabilities read back — synchronously (TF.js \`dataSync()\`, reshelf
  \`scoreInputs()\`) or by awaiting ORT's \`session.run()\` (it has no synchronous API). On ${m.rounds}
  fresh pages per runtime, each after at least ${m.warmup} calls and ${m.warmupMs / 1000} s of warm-up.
  \`performance.now()\` resolves only ${f(resolution ?? 100, 0)} µs here, so calls are timed in blocks (${m.blocks} of each kind
  per page, each at least ${m.perBlock} calls and about ${m.blockMs} ms, single-row and batch blocks alternating):
  per-call mean of a block, p50 (p99) over blocks. A pause (GC, a timer) is spread over its
  block, so the p99 understates per-call tail latency. V8 runs wasm as baseline (Liftoff) code
  until it is hot, so "cold" is the first block of ${m.perBlock} single-row calls right after load,
  before any warm-up (median over pages).
- **Agreement**: the largest difference of a probability on the ${r.model.parity_rows} parity rows from reshelf's in
  the same browser (\`scoreInputs\`) and from reshelf's native build (the export's).

| runtime | gzip | brotli | raw | load + init p50 (p99) | 1 row p50 (p99) | ${r.model.parity_rows} rows p50 (p99) | 1 row, cold | max \\|Δp\\| vs reshelf | vs native |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${main.join('\n')}
${skipped}
Load + init in steps, ms since navigation start, p50 (p99): the runtime's scripts have run
(for reshelf, its script tag has run and started fetching the wasm), the runtime is ready
(backend and weights, session created, SDK started and model decoded), and the first result
is read. Then how long any of the model's files was downloading (the union of their fetches),
and the first result's time less that: compile, start-up and the first inference. On
loopback the downloads are short; over a real network they grow with the payload.

| runtime | scripts have run | runtime ready | first result | downloads in flight | first result less downloads |
| --- | ---: | ---: | ---: | ---: | ---: |
${phases.join('\n')}

Files fetched (gzip; median fetch time ${via}${m.transport === 'route' ? ROUTE_NOTE : ''}):

${files.join('\n')}
`;
}

/** An origin for the pages when no reshelf-server is built: every request is routed anyway. */
async function stubOrigin() {
  const server = createServer((_, res) => res.writeHead(404).end());
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${server.address().port}`, stop: () => new Promise((ok) => server.close(ok)) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name) => {
    const at = process.argv.indexOf(name);
    return at < 0 ? undefined : process.argv[at + 1];
  };
  const profile = ['release', 'debug'].find((p) => existsSync(join(ROOT, 'target', p, 'reshelf-server')));
  if (!profile) console.error('no target/*/reshelf-server: serving from a stub origin (reshelf sync requests will 404)');
  const server = profile ? await startServer({ profile }) : await stubOrigin();
  const chrome = await startBrowser();
  try {
    const r = await benchPeers(chrome.browser, server.url, {
      weightsPath: arg('--weights') ?? WEIGHTS,
      loads: arg('--loads') ? Number(arg('--loads')) : LOADS,
      rounds: arg('--rounds') ? Number(arg('--rounds')) : ROUNDS,
      transport: arg('--transport') ?? TRANSPORT,
    });
    console.log(JSON.stringify(r, null, 2));
    if (process.argv.includes('--md')) console.log(renderPeers(r));
  } finally {
    await chrome.close();
    await server.stop();
  }
}
