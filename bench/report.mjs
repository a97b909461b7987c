// Renders bench/results.json as BENCHMARKS.md.
import { renderPeers } from './peers.mjs';
import { renderTracker } from './tracker.mjs';
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const f = (n, d = 2) => Number(n).toFixed(d);
/** A figure in ms, or a dash where an older run did not measure it. */
const opt = (n) => (Number.isFinite(n) ? `${f(n)} ms` : '—');

export function render(r) {
  const m = r.machine;
  const sizeRows = Object.entries(r.sizes)
    .map(([name, s]) => `| ${name} | ${kb(s.raw)} | ${kb(s.gzip)} | ${s.gzip_9 === undefined ? '—' : kb(s.gzip_9)} | ${kb(s.brotli)} |`)
    .join('\n');
  const pe = r.per_event;
  const budget = (ok) => (ok ? 'within budget' : '**over budget**');
  return `# reshelf benchmarks

Measured by \`make bench\` (release build, headless Chromium, the demo store served by
\`reshelf-server\` over loopback). Every figure below comes from \`bench/results.json\` of the
run described here; rerun \`make bench\` to reproduce on your machine.

| | |
| --- | --- |
| date | ${m.date} |
| commit | ${m.commit} |
| machine | ${m.cpu}, ${m.cores} cores, ${m.memory_gib} GiB |
| browser | ${m.browser} |
| node | ${m.node} |

${r.budgets ? budgetsSection(r.budgets) : ''}
## Payload

wasm after wasm-bindgen and \`wasm-opt -Oz\`; JS minified by esbuild. gzip is the build's
precompressed \`.gz\` copy, made by Zopfli: what reshelf-server and any server that serves
precompressed files (nginx's \`gzip_static\`, most static hosts) send, and what the size
budgets count. gzip -9 is zlib at level 9, what a server compressing each response as it
goes sends at best. Brotli at quality 11. A KB is 1,024 bytes here and in the budgets. The script tag's all-in row is
everything a storefront page downloads for reshelf, the engine in a worker or on the main
thread alike (the engine's script holds the engine module's glue for both), the sync script
(loaded after first paint) included.

| artefact | raw | gzip | gzip -9 | brotli |
| --- | ---: | ---: | ---: | ---: |
${sizeRows}

### The two modules

The capture module (\`reshelf_capture.<hash>.wasm\`: events, session state, features,
summary, sync, applying) is on the critical path; the model engine
(\`reshelf_engine.<hash>.wasm\`: Burn's flex backend, the intent model and the ranker, their
weights) is fetched after first paint. Both are built from the one workspace over
\`reshelf-core\`, the capture module without core's \`inference\` feature.

${r.twiggy ? twiggySection(r.twiggy) : ''}
${r.size_steps ? sizeStepsSection(r.size_steps) : ''}
## Per-event cost in the page

${pe.events.toLocaleString('en')} synthetic events (clicks on product tiles, scroll events,
\`track()\` calls) in rounds of ${pe.batch}; each round runs with reshelf and then again after
\`shutdown()\`, and reshelf's cost is the paired difference per round (median and p99 over
rounds). Per-event figures are round means; the page's own click handler runs in both.

| | p50 | p99 |
| --- | ---: | ---: |
| dispatch with reshelf | ${f(pe.with_sdk_us.p50)} µs | ${f(pe.with_sdk_us.p99)} µs |
| dispatch without reshelf | ${f(pe.without_sdk_us.p50)} µs | ${f(pe.without_sdk_us.p99)} µs |
| **reshelf's cost per event** | **${f(pe.sdk_cost_us_p50)} µs** | ${f(pe.sdk_cost_us_p99)} µs |

Budget: ≤ 5 µs median — ${budget(pe.sdk_cost_us_p50 <= 5)}.
${pe.by_kind_us ? `
Each kind alone (median over 10 paired rounds of ${pe.batch}): a scroll event
${f(pe.by_kind_us.scroll)} µs, a click on a tile of a slot ${f(pe.by_kind_us.tile_click)} µs, a click
elsewhere ${f(pe.by_kind_us.plain_click)} µs, a \`track()\` call ${f(pe.by_kind_us.track)} µs. Tile
clicks, 60% of the mix, carry its cost: each reads every tile's id (to count the slot) and the
attributes of the clicked tile and the two above it, and computes their ranking features for
the session's ranking example. Reading a click's marks in one call
into JS, rather than one binding call per path node and attribute, was tried and measured no
faster (tile clicks 15.0–19.6 µs before, 17.4–30.6 µs after, three paired runs), so the
boundary crossings are not where that time goes; it was not kept.
` : ''}
## Start-up

Over ${r.init.loads} fresh browser contexts, each loading the home page twice: a first load
(empty HTTP cache) and a repeat load (reshelf.js, fresh for five minutes, and both modules
and the engine's and sync scripts, served \`immutable\`, from the HTTP cache without a request;
the modules' compiled code from the browser's code cache).

| | first load p50 | p99 | repeat load p50 | p99 |
| --- | ---: | ---: | ---: | ---: |
| capture module running, relative to DOMContentLoaded | ${f(r.init.first.ready_after_dcl_ms.p50)} ms | ${f(r.init.first.ready_after_dcl_ms.p99)} ms | ${f(r.init.repeat.ready_after_dcl_ms.p50)} ms | ${f(r.init.repeat.ready_after_dcl_ms.p99)} ms |
| reshelf.js received, relative to DOMContentLoaded | ${opt(r.init.first.script_loaded_after_dcl_ms?.p50)} | ${opt(r.init.first.script_loaded_after_dcl_ms?.p99)} | ${opt(r.init.repeat.script_loaded_after_dcl_ms?.p50)} | ${opt(r.init.repeat.script_loaded_after_dcl_ms?.p99)} |
| reshelf.js runs (\`init()\`), relative to DOMContentLoaded | ${opt(r.init.first.init_after_dcl_ms?.p50)} | ${opt(r.init.first.init_after_dcl_ms?.p99)} | ${opt(r.init.repeat.init_after_dcl_ms?.p50)} | ${opt(r.init.repeat.init_after_dcl_ms?.p99)} |
| capture listens (\`reshelf:listen\`), relative to DOMContentLoaded | ${opt(r.init.first.listen_after_dcl_ms?.p50)} | ${opt(r.init.first.listen_after_dcl_ms?.p99)} | ${opt(r.init.repeat.listen_after_dcl_ms?.p50)} | ${opt(r.init.repeat.listen_after_dcl_ms?.p99)} |
| \`init()\` to ready (capture module download wait, compile, start) | ${f(r.init.first.init_to_ready_ms.p50)} ms | ${f(r.init.first.init_to_ready_ms.p99)} ms | ${f(r.init.repeat.init_to_ready_ms.p50)} ms | ${f(r.init.repeat.init_to_ready_ms.p99)} ms |
| of which the capture module's response complete, after \`init()\` | ${opt(r.init.first.capture_response_ms?.p50)} | ${opt(r.init.first.capture_response_ms?.p99)} | ${opt(r.init.repeat.capture_response_ms?.p50)} | ${opt(r.init.repeat.capture_response_ms?.p99)} |
| of which \`start()\` in wasm (resume session, install listeners) | ${f(r.init.first.start_ms.p50)} ms | ${f(r.init.first.start_ms.p99)} ms | ${f(r.init.repeat.start_ms.p50)} ms | ${f(r.init.repeat.start_ms.p99)} ms |
| engine attached (first intent score and model-ranked decision) after the load event | ${f(r.init.first.engine_after_load_ms.p50)} ms | ${f(r.init.first.engine_after_load_ms.p99)} ms | ${f(r.init.repeat.engine_after_load_ms.p50)} ms | ${f(r.init.repeat.engine_after_load_ms.p99)} ms |
| of which fetching, compiling and decoding the engine | ${f(r.init.first.engine_load_ms.p50)} ms | ${f(r.init.first.engine_load_ms.p99)} ms | ${f(r.init.repeat.engine_load_ms.p50)} ms | ${f(r.init.repeat.engine_load_ms.p99)} ms |

The home page again with one of the README's optional tags first in its \`<head>\` (the
same page, served by the same server from a copy of the store at \`/variants/<tag>/\`), over
${r.init_snippet ? r.init_snippet.loads : '—'} more contexts each. With the inline snippet (\`pkg/snippet.json\`):

| | first load p50 | p99 | repeat load p50 | p99 |
| --- | ---: | ---: | ---: | ---: |
| capture listens (the snippet ran), relative to DOMContentLoaded | ${opt(r.init_snippet?.first.listen_after_dcl_ms?.p50)} | ${opt(r.init_snippet?.first.listen_after_dcl_ms?.p99)} | ${opt(r.init_snippet?.repeat.listen_after_dcl_ms?.p50)} | ${opt(r.init_snippet?.repeat.listen_after_dcl_ms?.p99)} |
| capture module running, relative to DOMContentLoaded | ${opt(r.init_snippet?.first.ready_after_dcl_ms?.p50)} | ${opt(r.init_snippet?.first.ready_after_dcl_ms?.p99)} | ${opt(r.init_snippet?.repeat.ready_after_dcl_ms?.p50)} | ${opt(r.init_snippet?.repeat.ready_after_dcl_ms?.p99)} |

With the capture module preloaded (\`<link rel="preload" as="fetch" crossorigin>\`):

| | first load p50 | p99 | repeat load p50 | p99 |
| --- | ---: | ---: | ---: | ---: |
| capture module running, relative to DOMContentLoaded | ${opt(r.init_preload?.first.ready_after_dcl_ms?.p50)} | ${opt(r.init_preload?.first.ready_after_dcl_ms?.p99)} | ${opt(r.init_preload?.repeat.ready_after_dcl_ms?.p50)} | ${opt(r.init_preload?.repeat.ready_after_dcl_ms?.p99)} |
| of which the capture module's response complete, after \`init()\` | ${opt(r.init_preload?.first.capture_response_ms?.p50)} | ${opt(r.init_preload?.first.capture_response_ms?.p99)} | ${opt(r.init_preload?.repeat.capture_response_ms?.p50)} | ${opt(r.init_preload?.repeat.capture_response_ms?.p99)} |

Capture listens from \`init()\`, or from \`<head>\` with the inline snippet: reshelf.js (or
the snippet) hears clicks (with their composed paths) and the window's scroll depth until the
module runs, and the module folds them into the session at
their own times, as if its listeners had heard them (\`src/js/early.js\`,
\`src/capture/early.rs\`). Dwell on tiles, route changes and scrolling inside elements start
when the module runs.

The engine waits for a frame to be painted and then for the browser to be idle (at most 200
ms). Marks \`reshelf:listen\` (capture listens from here), \`reshelf:init\`, \`reshelf:wasm-loaded\`, \`reshelf:ready\`,
\`reshelf:engine-start\` and \`reshelf:engine-ready\` are left in the page's User Timing for
anyone to inspect. The script and capture-module rows come from Resource Timing: the
\`async\` reshelf.js is received before DOMContentLoaded but Chromium runs it after, so
capture cannot be ready before that point however small the module.

Up to 04ac4b1 reshelf.js was served \`no-cache\`, so a repeat load revalidated it. In a trace
of a repeat load at 04ac4b1 (categories as below), that request was sent as the HTML's first
bytes were parsed and answered 26 ms later, after DOMContentLoaded and the first paint, while
the page's own script, stylesheet and images came from the cache at once; reshelf.js ran
13 ms after DOMContentLoaded. Since 80bc01d reshelf-server serves it \`max-age=300,
stale-while-revalidate=86400\`, and the engine's and sync scripts under content-named files,
\`immutable\`: a repeat load within a day makes no request for any of them. The repeat-load
rows above are loads within the five fresh minutes; one between five minutes and a day runs
the cached copy as well and revalidates it in the background.

Where a repeat load's time goes, from one Chromium trace (the fourth load of the home page in
one context, categories \`devtools.timeline\`, \`v8.wasm\`, \`loading\`; at 1a807be): \`init()\`
sends the capture module's request within 1 ms; the page's own load-event layout (5 ms) and
first paint (11.6 ms) then hold the main thread, and the response, from the HTTP cache, is
handed to the page 19.6 ms after \`init()\`; streaming its bytes takes 1.3 ms, the compiled code
comes from V8's module cache (\`wasm.GetNativeModuleFromCache\`, 0.1 ms, off the main thread)
and instantiating takes 0.5 ms; \`start()\` then takes 4.3 ms. Compilation is no longer in the
way on a repeat load; the page's rendering, which runs first, is. On the second view of a given
reshelf.js, V8 also writes the script's code cache on the main thread right after it runs
(\`v8.produceCache\`, 12.7 ms in a trace of that view); later views read it.

## Intent inference in the page

\`intentNow()\`: the live session's features plus one forward pass of the Burn model (flex
backend, compiled to wasm), with the engine on the main thread (\`data-engine="main"\`, the default; in a worker the call
returns the worker's latest answer), ${r.inference.calls.toLocaleString('en')} calls after warm-up, in rounds of
100. \`performance.now()\` resolves only ${f(r.inference.timer_resolution_us, 0)} µs in this (not
cross-origin-isolated) page, too coarse to time one call, so the figures are per-call means of
each round: p50 and p99 over rounds. A single slow call (GC, a timer) lifts its round's mean by
1/100 of its excess, so the p99 here understates per-call tail latency.

| | p50 | p99 |
| --- | ---: | ---: |
| per call, mean of a round of 100 | ${f(r.inference.round_mean_us.p50, 1)} µs | ${f(r.inference.round_mean_us.p99, 1)} µs |

Budgets: inference p50 ≤ 100 µs and p99 ≤ 500 µs — ${budget(r.inference.round_mean_us.p50 <= 100 && r.inference.round_mean_us.p99 <= 500)} (p99 as above).

## Decision rounds

A page with a 50-item slot below the fold and a two-variant section. Each call of
\`decide()\` runs a full round: session features, inference, ranking the slot, choosing the
variant and — in the treatment arm — reordering the DOM. The engine runs on the main thread
here (\`data-engine="main"\`, the default), so each round includes its inference; with the
engine in a worker, inference is not in the round. Ten rounds per measurement (each after
a \`track('add_to_cart')\` that shifts interest between two categories), 30 measurements.

| | p50 | p99 |
| --- | ---: | ---: |
| decision round, control arm (nothing applied) | ${f(r.rounds.decision_us.p50 / 1000, 3)} ms | ${f(r.rounds.decision_us.p99 / 1000, 3)} ms |
| decision round + applying the reorder, treatment arm | ${f(r.rounds.decision_and_apply_us.p50 / 1000, 3)} ms | ${f(r.rounds.decision_and_apply_us.p99 / 1000, 3)} ms |
| applying a 50-item reorder (difference of the medians) | ${f(r.rounds.apply_us_p50 / 1000, 3)} ms | |

Budgets: decision round ≤ 1 ms p50 — ${budget(r.rounds.decision_us.p50 <= 1000)}; applying a 50-item
reorder ≤ 2 ms — ${budget(r.rounds.apply_us_p50 <= 2000)}.

## Offline replay: does personalisation rank the next click higher?

\`bench/record-stream.mjs\` browses the demo store as ${r.replay.sessions} scripted shoppers, each with a
favourite category (they browse it, then click a recommended item on the home page — from
their favourite four times in five), and records the events as JSON Lines.
\`reshelf-train replay\` runs the stream through the same core code the SDK uses and ranks,
at every click on a slot item, where that item stood in the learned ranker's order
(\`${r.replay.ranker ?? 'ranker'}\`, what the SDK ships), the hand-set order and the page's
original order (${r.replay.clicks_scored} clicks). The ranker itself is judged on real
shoppers' clicks in models/RANKER_CARD.md.

| order | mean reciprocal rank | Recall@5 |
| --- | ---: | ---: |
| page's original order | ${f(r.replay.mrr_original, 3)} | ${f(r.replay.recall_at_5_original, 3)} |
| hand-set order (\`ranker: 'heuristic'\`) | ${f(r.replay.mrr_heuristic, 3)} | ${f(r.replay.recall_at_5_heuristic, 3)} |
| **reshelf's learned ranker** | **${f(r.replay.mrr_personalised, 3)}** | **${f(r.replay.recall_at_5_personalised, 3)}** |

The shoppers are scripted, so this shows the policy doing what it is designed to do on the
demo's markup, not a measured lift on real shoppers; the holdout arm is what measures that.

## Long tasks

Long tasks (> 50 ms) observed by a \`PerformanceObserver\` registered before any page script:

| | long tasks |
| --- | ---: |
| during page load (worst of ${r.init.loads} first and ${r.init.loads} repeat loads) | ${Math.max(r.init.first.long_tasks_during_load, r.init.repeat.long_tasks_during_load)} |
| scripted browsing session (${r.browsing.pages} pages, clicks, scrolls, add to cart) | ${r.browsing.long_tasks} |

Budget: zero long tasks caused by reshelf — ${budget(r.init.first.long_tasks_during_load === 0 && r.init.repeat.long_tasks_during_load === 0 && r.browsing.long_tasks === 0)}.
${r.heap ? heapSection(r.heap) : ''}${r.peers ? `\n${renderPeers(r.peers)}\n` : ''}${r.tracker ? `\n${renderTracker(r.tracker)}\n` : ''}${r.tracker?.reshelf_main ? engineWhereSection(r.tracker) : ''}${r.server ? serverSection(r.server) : ''}${r.ingest_ab ? ingestAbSection(r.ingest_ab) : ''}${r.reads ? readsSection(r.reads) : ''}`;
}

/** Every budget of the performance issue, as checked by bench/budgets.mjs on this run. */
function budgetsSection(budgets) {
  const rows = budgets.map((b) => `| ${b.name} | ${b.limit} | ${b.shown} | ${b.met === null ? 'not measured' : b.met ? 'met' : '**not met**'} |`).join('\n');
  return `## Budgets

| budget | limit | measured | |
| --- | --- | ---: | --- |
${rows}

Each figure is explained in its section below.
`;
}

/** What the code changes and each build setting bought, in gzip bytes of the wasm. */
function sizeStepsSection(s) {
  const hist = s.history.steps.map((x) => `| ${x.commit} | ${x.change} | ${kb(x.wasm_gzip)} | ${x.script_tag_gzip ? kb(x.script_tag_gzip) : '—'} |`).join('\n');
  const rows = s.rows.map((x, i) => `| ${x.name} | ${kb(x.wasm.raw)} | ${kb(x.wasm.gzip)} | ${kb(x.wasm.brotli)} | ${i === 0 ? '' : `${x.gzip_vs_shipped >= 0 ? '+' : ''}${kb(x.gzip_vs_shipped)}`} |`).join('\n');
  return `### What each size step bought

Code changes, measured by \`make build\` at the commit named (${s.history.note.replace(/^Gzip (?:\(level 9\) )?sizes from /, 'from ').replace(/\.$/, '')}):

| commit | change | wasm gzip | script tag gzip |
| --- | --- | ---: | ---: |
${hist}

Build settings, measured in this run (commit ${s.measured.commit}) by rebuilding the capture
module, the one on the critical path, with one setting of the shipped build (\`[profile.release]\`
and the Makefile's \`SDK_CARGO\`, \`SDK_STD\`) undone at a time (\`bench/size-steps.mjs\`;
\`panic = "unwind"\` cannot be built for wasm32 on stable Rust, so it has no row):

| build | raw | gzip | brotli | gzip vs shipped |
| --- | ---: | ---: | ---: | ---: |
${rows}

The capture module links no Burn; what each module holds is in the twiggy section.
`;
}

const int = (n) => Math.round(n).toLocaleString('en');
/** `a` next to `b` in words: "3.1× less than" / "1.4× more than". */
const vs = (a, b) => (a <= b ? `${f(b / a, 1)}× less than` : `${f(a / b, 1)}× more than`);
const met = (ok) => (ok ? 'met' : '**not met**');

/** The server's ingest: throughput, latency, memory, and bytes per session. */
function serverSection(s) {
  const m = s.measured;
  const st = s.setup;
  const row = (r, name) => (r.skipped
    ? `| ${name} | skipped: ${r.skipped} | | | | | | |`
    : `| ${name} | **${int(r.best.per_sec)}/s** (${r.best.connections} conn.) | ${int(r.raw_insert.baseline_per_sec)}/s | ${f(r.best.ratio_to_raw_insert)} | ${int(r.open_loop.achieved_per_sec)}/s | ${f(r.open_loop.latency_ms.p50, 1)} ms | ${f(r.open_loop.latency_ms.p99, 1)} ms (${r.open_loop.runs.map((x) => f(x.latency_ms.p99, 1)).join(' / ')}) | ${f(r.memory.peak_rss_mb, 1)} MB |`);
  const runs = (r, name) => (r.skipped ? [] : r.closed_loop.map((c) =>
    `| ${name} | ${c.connections} | ${int(c.per_sec)}/s | ${f(c.latency_ms.p50, 1)} ms | ${f(c.latency_ms.p99, 1)} ms | ${f(c.server_cpu_us_per_summary, 0)} µs |`));
  const rawRuns = (r, name) => (r.skipped ? [] : [`| ${name} | ${r.raw_insert.runs.map((x) => `${int(x.per_sec)}/s`).join(' | ')} |`]);
  const check = (r, name) => (r.skipped ? [] : [
    `| ${name} | ${int(r.verify.summaries_acked)} | ${int(r.verify.metrics.summaries_stored_total)} | ${r.verify.rows_in_database === null ? 'not counted' : int(r.verify.rows_in_database)} | ${r.verify.non_2xx_answers} | ${r.verify.ok ? 'yes' : '**no**'} |`]);
  const b = s.budgets;
  const ok = s.met.sqlite;
  const bytesRows = Object.values(s.summary_bytes).map((x) =>
    `| ${x.pages} pages | ${int(x.summary_bytes)} B | ${int(x.reshelf_bytes_sent)} B in ${x.reshelf_requests} | ${int(x.raw_bytes)} B in ${x.raw_requests} (${x.raw_events} events) | ${f(x.raw_bytes / x.reshelf_bytes_sent, 1)}× | ${int(x.reshelf_bytes_sent_gzip)} B | ${int(x.raw_bytes_gzip)} B |`).join('\n');
  const [short, long] = Object.values(s.summary_bytes);
  return `
## Server ingest

Measured ${m.date} at commit ${m.commit}${m.uncommitted_changes ? ' (with uncommitted changes in the tree)' : ''}
by \`node bench/run.mjs --only server\` (also part of \`make bench\`), on ${m.cpu}, ${m.cores} cores
(1-minute load average ${f(m.load_average_1m_at_start)} when it started).

\`POST /v1/summaries\` on \`reshelf-server\` (cargo profile \`server\`: opt-level 3, thin LTO;
default log level, one line per batch to a file) over loopback, with the load generator
(\`bench/ingest.mjs\`, Node ${m.node}, keep-alive connections) on the same machine, so the two
share its ${m.cores} cores. Requests are what the SDK's outbox sends: batches of ${st.batch} summaries
(each a copy of the ${long.pages}-page session's summary below, ${st.summary_template_bytes} bytes, with its own
\`sid\`), the key in the URL; the bench site's rate limit is lifted in its config.

- **Throughput**: closed loop — each of N connections posts its next batch when the last is
  answered — ${int(st.closed_loop_summaries)} summaries per run, after ${int(st.warmup_summaries)} to warm up; the best of
  ${st.connections.join(' and ')} connections.
- **Raw insert**: the store's insert, without HTTP/validation — \`Store::upsert\` of the same
  ${int(st.closed_loop_summaries)} rows in batches of ${st.batch} (\`server/examples/raw_insert.rs\`, rows built before the clock
  starts), into a fresh database in the same run; the fastest of ${st.raw_insert_concurrency.join(', ')} concurrent tasks.
- **Latency**: open loop at half the best throughput, ${st.open_loop_runs} runs of ${st.open_loop_secs} s — requests leave
  on a fixed schedule whether or not earlier ones were answered, and each latency runs from
  the request's scheduled start to its answer, so queueing counts (and so does any lateness
  of the load generator's timer). p50 and p99 are the median over the runs of each run's
  figure; each run's p99 is in brackets.
- **Memory**: the server's peak resident set (VmHWM) after all of the above.

| store | max ingest | raw insert | ratio | open loop at half | p50 | p99 (runs) | peak RSS |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${row(s.sqlite, 'SQLite')}
${row(s.postgres, 'PostgreSQL')}

Budgets (SQLite): ingest ≥ ${int(b.ingest_per_sec)} summaries/s — ${ok ? met(ok.ingest_per_sec) : 'not measured'}; p99 ≤ ${b.p99_ms_at_half_rate} ms at half that
rate — ${ok ? met(ok.p99_ms_at_half_rate) : 'not measured'}; server memory ≤ ${b.peak_rss_mb} MB under load — ${ok ? met(ok.peak_rss_mb) : 'not measured'}. PostgreSQL is measured
the same way for reference (local server, same machine).

Closed-loop runs (request latency under full load; server CPU time per stored summary):

| store | connections | summaries/s | request p50 | request p99 | server CPU per summary |
| --- | ---: | ---: | ---: | ---: | ---: |
${[...runs(s.sqlite, 'SQLite'), ...runs(s.postgres, 'PostgreSQL')].join('\n')}

Raw insert by concurrent tasks (${st.raw_insert_concurrency.join(', ')}):

| store | ${st.raw_insert_concurrency.map((c) => `${c} task${c > 1 ? 's' : ''}`).join(' | ')} |
| --- | ${st.raw_insert_concurrency.map(() => '---:').join(' | ')} |
${[...rawRuns(s.sqlite, 'SQLite'), ...rawRuns(s.postgres, 'PostgreSQL')].join('\n')}

Nothing acknowledged is lost: summaries in 2xx answers, against the server's
\`reshelf_summaries_stored_total\` and the rows in the database after it stopped.

| store | acknowledged | stored (/metrics) | rows in the database | non-2xx answers | all there |
| --- | ---: | ---: | ---: | ---: | --- |
${[...check(s.sqlite, 'SQLite'), ...check(s.postgres, 'PostgreSQL')].join('\n')}

### Bytes per session
${s.summary_bytes.measured ? `\n(Recomputed ${s.summary_bytes.measured.date} at commit ${s.summary_bytes.measured.commit} after the SDK's send schedule changed; the throughput figures above are from the run they name.)\n` : ''}
Two scripted sessions over the demo catalogue: the end-to-end tests' journey (${short.pages} pages: home,
a category, a product added to the cart, the shipping page) and a ${long.pages}-page browse (six
categories, two products each, two added to the cart, the cart), 11–15 s per page.
\`server/examples/session_summary.rs\` folds each through the core tracker the SDK runs (plus an
intent checkpoint per page and a slot decision per page with a slot) and prints the summary
at each moment \`src/js/sync.js\` sends one: at a 10 s tick on a page when the summary says
something new apart from the time on the page (the first tick on a page always does: the page
view is new), and a beacon with the final summary when the shopper leaves the site (following
a link within the store hands the session to the next page and sends nothing) — each alone in
the outbox's envelope. Pages this long (11–15 s) get a tick each; the measured session against
posthog-js below, with 2 s pages, sends one summary per visit. The raw-event tracker is modelled on analytics.js-style
trackers: one JSON event per page view, click, scroll-depth milestone (25/50/75/100 %) and add
to cart, each with an event id, ISO timestamp, anonymous and session ids, the page's URL,
path, title and referrer; page views add viewport, screen, locale and user agent; clicks the
element's CSS selector, text, coordinates and the item; one batch per page, sent on leaving
it. Bytes are request bodies without HTTP headers; the SDK sends them uncompressed
(text/plain, by \`fetch\` or \`sendBeacon\`); gzip (level 9, per request) is shown for comparison.

| session | one summary | reshelf sends (requests) | raw-event tracker (requests) | raw / reshelf | reshelf gzip | raw gzip |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
${bytesRows}

A summary stays small however long the session (${short.summary_bytes} B after ${short.pages} pages, ${long.summary_bytes} B after
${long.pages}), but the SDK sends the whole summary again at every tick that finds something new, so what
goes over the wire grows with the pages where the shopper stays past a tick: at ${f(long.reshelf_requests / long.pages, 1)} sends per page, the ${long.pages}-page session sends
${vs(long.reshelf_bytes_sent, long.raw_bytes)} the raw-event tracker uncompressed and ${vs(long.reshelf_bytes_sent_gzip, long.raw_bytes_gzip)} it with both
gzipped (the ${short.pages}-page journey: ${vs(short.reshelf_bytes_sent, short.raw_bytes)} and ${vs(short.reshelf_bytes_sent_gzip, short.raw_bytes_gzip)}). The server keeps one row
per session (its latest summary) where a raw-event store keeps every event.
`;
}

function heapSection(h) {
  const rows = h.samples
    .map((x) => `| ${x.events.toLocaleString('en')} | ${x.recorded.toLocaleString('en')} | ${(x.heap_bytes / 2 ** 20).toFixed(2)} MiB | ${x.state_bytes.toLocaleString('en')} B |`)
    .join('\n');
  return `## WebAssembly heap over a long session

Measured ${h.measured.date} at commit ${h.measured.commit} by \`node bench/run.mjs --only heap\`
(also part of \`make bench\`). A 30-minute visit compressed in time on the demo's shoes
category: 60 route changes (page views) and ${h.events.toLocaleString('en')} dispatched events — clicks on
tiles, scrolls, tracked events — with the wasm linear memory (\`heapBytes()\`) and the size of
the session's snapshot (\`state()\` as JSON) read every 10 pages. Scrolls are coalesced per animation frame, so fewer events
are recorded than dispatched.

| dispatched events | recorded | wasm heap | session snapshot |
| ---: | ---: | ---: | ---: |
${rows}

Growth over the second half: ${h.heap_growth_second_half_bytes} bytes — ${h.bounded ? 'bounded: no growth per event beyond the session state, whose tables are capped' : '**still growing**'}.

`;
}

/** Where each module's bytes are, from bench/twiggy.mjs. */
function twiggySection(t) {
  if (t.skipped) return `### Where the bytes are\n\nNot measured: ${t.skipped}.\n`;
  const part = (name, m) => `#### ${name}: ${kb(m.total)} before wasm-opt

| crate | bytes | share |
| --- | ---: | ---: |
${m.crates.map((c) => `| ${c.crate} | ${c.bytes.toLocaleString('en')} | ${((100 * c.bytes) / m.total).toFixed(1)}% |`).join('\n')}

Largest functions: ${m.largest.slice(0, 6).map((l) => `\`${l.item.replace(/`/g, "'")}\` (${l.bytes.toLocaleString('en')} B)`).join(', ')}.
`;
  return `### Where the bytes are (twiggy, measured ${t.measured.date})

\`twiggy top\` on wasm-bindgen's output, before wasm-opt (which strips the function names and
shrinks code), every item grouped by the crate its name starts with; \`core\` and \`alloc\` are
the standard library's code monomorphised for reshelf's types (collections, formatting).

${part('Capture module', t.capture)}
${part('Model engine', t.engine)}`;
}

/** The scripted session with the model engine on the main thread (default) and in a worker. */
function engineWhereSection(t) {
  const ph = t.posthog;
  const row = (label, re) =>
    `| ${label} | ${re.sdk_ms.p50.toFixed(1)} ms (${re.sdk_ms.max.toFixed(1)} ms) | ${((100 * re.sdk_ms.p50) / ph.sdk_ms.p50).toFixed(1)}% | ${re.sdk_load_ms.p50.toFixed(1)} ms | ${re.long_tasks.max} | ${re.long_task_max_ms.max.toFixed(1)} ms |`;
  return `
### Where the model engine runs

The same run, with reshelf a fourth variant interleaved with the others: its model engine on
the main thread (\`data-engine="main"\` on the tag) beside the default, a dedicated worker.
posthog-js's main-thread time in this run is ${ph.sdk_ms.p50.toFixed(1)} ms (p50).

| engine | reshelf main-thread time (p50, max) | share of posthog-js's | of which loading | long tasks (max over sessions) | longest |
| --- | ---: | ---: | ---: | ---: | ---: |
${row('worker (default)', t.reshelf)}
${row('main thread', t.reshelf_main)}

Budget: ≤ 40% of posthog-js's main-thread time.
`;
}

function ingestAbSection(a) {
  const m = a.measured;
  const rows = ['sqlite', 'postgres'].map((store) => {
    const x = a[store];
    const name = store === 'sqlite' ? 'SQLite' : 'PostgreSQL';
    if (!x || x.skipped) return `| ${name} | skipped${x?.skipped ? `: ${x.skipped}` : ''} | | | | |`;
    return `| ${name} | ${int(x.base_median_per_sec)}/s | ${int(x.current_median_per_sec)}/s | **${f(x.ratio_median, 2)}** | ${f(x.ratio_min, 2)}–${f(x.ratio_max, 2)} (${x.rounds.map((r) => f(r.ratio, 2)).join(', ')}) | ${met(a.met[store])} |`;
  });
  return `
### Ingest against the server before the rollups

Measured ${m.date} at commit ${m.commit}${m.uncommitted_changes ? ' (with uncommitted changes in the tree)' : ''} by
\`RESHELF_BENCH_BASE=<tree at ${a.setup.base_commit}> node bench/run.mjs --only ingest_ab\` (\`bench/ingest-ab.mjs\` says
how to build the base). This tree's server and the one built from ${a.setup.base_commit} (the last commit
before the typed columns and rollups) take turns, ${a.setup.rounds} rounds each, the order swapped every
round; a run is ${int(a.setup.summaries_per_run)} summaries in batches of 50 on a fresh store, closed loop
with ${a.setup.connections.sqlite} connections on SQLite and ${a.setup.connections.postgres} on PostgreSQL. Budget: the median over
rounds of this tree's throughput ÷ the base's ≥ ${f(a.budget_ratio, 2)}.

| store | before the rollups (median) | with the rollups (median) | ratio, median of rounds | ratio per round | |
| --- | ---: | ---: | ---: | --- | --- |
${rows.join('\n')}
`;
}

function readsSection(r) {
  const rows = [];
  for (const backend of ['sqlite', 'postgres']) {
    const runs = r[backend];
    if (!Array.isArray(runs)) {
      if (runs?.skipped) rows.push(`| ${backend} | skipped: ${runs.skipped} | | | | | | |`);
      continue;
    }
    for (const x of runs) {
      rows.push(`| ${backend} | ${int(x.rows)}${x.measured ? ` (measured ${x.measured.date.slice(0, 10)} at ${x.measured.commit}, \`RESHELF_BENCH_READS_SIZES=${x.rows}\`)` : ''} | ${f(x.insights_90d.p50_ms, 1)} / ${f(x.insights_90d.p99_ms, 1)} ms | ${f(x.insights_400d.p50_ms, 1)} / ${f(x.insights_400d.p99_ms, 1)} ms | ${f(x.page_stats_first_ms, 1)} ms | ${f(x.page_stats.p50_ms, 1)} / ${f(x.page_stats.p99_ms, 1)} ms | ${f(x.peak_rss_mb, 1)} MB | ${int(x.generator.per_sec)}/s |`);
    }
  }
  return `
## Read routes over a year of sessions (\`node bench/run.mjs --only reads\`, measured ${r.measured.date} at commit ${r.measured.commit})

Sessions spread over ${r.setup.spread_days} days by \`raw_insert --spread-days\` (written through
\`Store::upsert\`, rollups maintained), then ${r.setup.requests} requests one at a time per route
against reshelf-server (profile \`server\`). Page-stats after the first request come from the
server's single-flight cache; the first one reads the rollups. Budgets: p50 ≤ ${r.budgets.p50_ms} ms,
p99 ≤ ${r.budgets.p99_ms} ms, peak RSS ≤ ${r.budgets.peak_rss_mb} MB — latency ${met(r.met.latency)}, memory ${met(r.met.memory)}.

| store | sessions | insights 90 d p50 / p99 | insights 400 d p50 / p99 | page-stats first | page-stats p50 / p99 | server peak RSS | generator (ingest with rollups) |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}
`;
}
