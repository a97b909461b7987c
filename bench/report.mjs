// Renders bench/results.json as BENCHMARKS.md.
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const f = (n, d = 2) => Number(n).toFixed(d);

export function render(r) {
  const m = r.machine;
  const sizeRows = Object.entries(r.sizes)
    .map(([name, s]) => `| ${name} | ${kb(s.raw)} | ${kb(s.gzip)} | ${kb(s.brotli)} |`)
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

## Payload

wasm after wasm-bindgen and \`wasm-opt -Oz\`; JS minified by esbuild. gzip level 9, brotli
quality 11. The script-tag row is everything a storefront page downloads for reshelf.

| artefact | raw | gzip | brotli |
| --- | ---: | ---: | ---: |
${sizeRows}

### What the intent model costs in payload

| | raw | gzip | brotli |
| --- | ---: | ---: | ---: |
| wasm without the model (commit ${r.before_burn.commit}) | ${kb(r.before_burn.wasm.raw)} | ${kb(r.before_burn.wasm.gzip)} | ${kb(r.before_burn.wasm.brotli)} |
| wasm with Burn (flex backend, inference only) and the weights | ${kb(r.sizes['reshelf_wasm_bg.wasm'].raw)} | ${kb(r.sizes['reshelf_wasm_bg.wasm'].gzip)} | ${kb(r.sizes['reshelf_wasm_bg.wasm'].brotli)} |
| **added by Burn and the weights** | **${kb(r.sizes['reshelf_wasm_bg.wasm'].raw - r.before_burn.wasm.raw)}** | **${kb(r.sizes['reshelf_wasm_bg.wasm'].gzip - r.before_burn.wasm.gzip)}** | ${kb(r.sizes['reshelf_wasm_bg.wasm'].brotli - r.before_burn.wasm.brotli)} |
| of which the weights file (\`models/intent.bin\`) | ${kb(r.weights_bytes)} | | |

Burn is built with \`default-features = false, features = ["flex"]\` (no std, no SIMD, no
rayon), the crate with \`opt-level = "z"\`, LTO, one codegen unit and \`panic = "abort"\`, then
\`wasm-opt -Oz\`. Most of the added size is Burn's tensor-op dispatch for the flex backend,
which is linked whole; the whole-SDK gzip budget (200 KB) is not met with Burn in the bundle.

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

## Start-up

Over ${r.init.loads} cold loads of the home page (fresh browser context each).

| | p50 | p99 |
| --- | ---: | ---: |
| \`init()\` to ready (wasm download wait, compile, start) | ${f(r.init.init_to_ready_ms.p50)} ms | ${f(r.init.init_to_ready_ms.p99)} ms |
| of which \`start()\` in wasm (resume session, install listeners) | ${f(r.init.start_ms.p50)} ms | ${f(r.init.start_ms.p99)} ms |
| ready relative to DOMContentLoaded | ${f(r.init.ready_after_dcl_ms.p50)} ms | ${f(r.init.ready_after_dcl_ms.p99)} ms |

The demo pages preload the wasm (\`<link rel="preload" as="fetch">\`), so its download overlaps
the script's. Marks \`reshelf:init\`, \`reshelf:wasm-loaded\` and \`reshelf:ready\` are left in
the page's User Timing for anyone to inspect.

## Intent inference in the page

\`intentNow()\`: the live session's features plus one forward pass of the Burn model (flex
backend, compiled to wasm), ${r.inference.calls.toLocaleString('en')} calls after warm-up, in rounds of
100. \`performance.now()\` resolves only ${f(r.inference.timer_resolution_us, 0)} µs in this (not
cross-origin-isolated) page, too coarse to time one call, so the figures are per-call means of
each round: p50 and p99 over rounds. A single slow call (GC, a timer) lifts its round's mean by
1/100 of its excess, so the p99 here understates per-call tail latency.

| | p50 | p99 |
| --- | ---: | ---: |
| per call, mean of a round of 100 | ${f(r.inference.round_mean_us.p50, 1)} µs | ${f(r.inference.round_mean_us.p99, 1)} µs |
| model initialisation (decode the embedded weights) | ${f(r.init.model_init_ms.p50)} ms | ${f(r.init.model_init_ms.p99)} ms |

Budgets: inference p50 ≤ 100 µs and p99 ≤ 500 µs — ${budget(r.inference.round_mean_us.p50 <= 100 && r.inference.round_mean_us.p99 <= 500)} (p99 as above);
model initialisation ≤ 20 ms — ${budget(r.init.model_init_ms.p50 <= 20)}.

## Decision rounds

A page with a 50-item slot below the fold and a two-variant section. Each call of
\`decide()\` runs a full round: session features, inference, ranking the slot, choosing the
variant and — in the treatment arm — reordering the DOM. Ten rounds per measurement (each after
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
\`reshelf-train replay\` runs the stream through the same core policy the SDK uses and ranks,
at every click on a slot item, where that item stood in the personalised order and in the
page's original order (${r.replay.clicks_scored} clicks).

| order | mean reciprocal rank | mean rank |
| --- | ---: | ---: |
| page's original order | ${f(r.replay.mrr_original, 3)} | ${f(r.replay.mean_rank_original, 2)} |
| **reshelf's personalised order** | **${f(r.replay.mrr_personalised, 3)}** | **${f(r.replay.mean_rank_personalised, 2)}** |

The shoppers are scripted, so this shows the policy doing what it is designed to do on the
demo's markup, not a measured lift on real shoppers; the holdout arm is what measures that.

## Long tasks

Long tasks (> 50 ms) observed by a \`PerformanceObserver\` registered before any page script:

| | long tasks |
| --- | ---: |
| during page load (worst of ${r.init.loads} loads) | ${r.init.long_tasks_during_load} |
| scripted browsing session (${r.browsing.pages} pages, clicks, scrolls, add to cart) | ${r.browsing.long_tasks} |

Budget: zero long tasks caused by reshelf — ${budget(r.init.long_tasks_during_load === 0 && r.browsing.long_tasks === 0)}.
`;
}
