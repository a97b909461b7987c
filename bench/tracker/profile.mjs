// Main-thread time by owner, from a Chromium trace of one whole session.
//
// Why a browser-wide trace and not a CDP Profiler session on the page: each page of the
// journey is a new document, and when a document is left its pagehide/visibilitychange
// work (where both SDKs send what they hold) runs after DevTools has moved on to the next
// document, so a per-page CDP profile misses it. The trace's sampling profiler
// (`disabled-by-default-v8.cpu_profiler`) follows every renderer, before and after each
// navigation, unload included.
//
// Each sample's time (until the next sample) goes to the owner of the innermost frame that
// has a script URL: a native function (getBoundingClientRect, fetch, sendBeacon, ...)
// counts for the script that called it, wasm frames for reshelf (the only wasm on these
// pages). Samples with no script on the stack are V8's own buckets: (program) — parsing,
// style, layout, paint and everything else the renderer does outside JS — (garbage
// collector) and (idle). Loading a script is not JS either: its main-thread compile
// (`v8.compile` events, with the script's URL) and, for reshelf, the wasm module's
// streaming compile and instantiation (`v8.wasm` events) sample as (program), so
// (program) samples inside those events go to the script's owner ("load" time).

export const TRACE_CATEGORIES = ['-*', 'disabled-by-default-v8.cpu_profiler', 'v8', 'v8.wasm'];

// Lazy compilation of a wasm function runs inside the call that needs it, so its samples
// already carry the caller's frames; only the loading events outside any call are windows.
const WASM_IN_CALL = new Set(['wasm.CompileLazy']);
// V8 logs a wasm module's code for the profiler only while a profiler is attached
// (`WasmCode::ShouldBeLogged`): these events are the measurement's own cost, which no
// shopper's page pays. Their samples go to 'profiler', not to the module's owner.
const PROFILER_ONLY = new Set(['wasm.LogWasmCodes', 'wasm.LogCode']);

/** Windows [start, end, ...] sorted and merged where they overlap (a nested one counts as the outer). */
function merge(ws) {
  ws.sort((a, b) => a[0] - b[0]);
  const merged = [];
  for (const w of ws) {
    const last = merged[merged.length - 1];
    if (last && w[0] <= last[1]) last[1] = Math.max(last[1], w[1]);
    else merged.push([...w]);
  }
  return merged;
}

/**
 * Main-thread windows per renderer (pid), each list merged and sorted: `load`, script loading
 * as [start, end, owner, what] (the script's file name, or the wasm event's name), and
 * `profiler`, V8's logging of wasm code for the profiler, as [start, end].
 */
function loadWindows(events, relevantMain, owner) {
  const load = new Map();
  const profiler = new Map();
  const add = (into, pid, w) => {
    if (!into.has(pid)) into.set(pid, []);
    into.get(pid).push(w);
  };
  for (const e of events) {
    if (e.ph !== 'X' || !relevantMain.has(`${e.pid}:${e.tid}`)) continue;
    const span = [e.ts, e.ts + (e.dur || 0)];
    if (/^v8\.compile(Module)?$/.test(e.name) && e.args && e.args.data && e.args.data.url) {
      add(load, e.pid, [...span, owner(e.args.data.url), e.args.data.url.replace(/^.*\//, '').replace(/\?.*$/, '')]);
    } else if (PROFILER_ONLY.has(e.name)) {
      add(profiler, e.pid, span);
    } else if (e.name.startsWith('wasm.') && !WASM_IN_CALL.has(e.name)) {
      add(load, e.pid, [...span, owner('wasm://'), e.name]);
    }
  }
  for (const windows of [load, profiler]) for (const [pid, ws] of windows) windows.set(pid, merge(ws));
  return { load, profiler };
}

/** Walks sorted, merged `windows` with times that only grow: the window holding `t`, if any. */
function cursor(windows) {
  let i = 0;
  return (t) => {
    while (i < windows.length && windows[i][1] < t) i += 1;
    return i < windows.length && windows[i][0] <= t ? windows[i] : null;
  };
}

/** Each owner's `n` largest entries of `byOwner` ({ owner: { function: ms } }), largest first. */
const top = (byOwner, n) => Object.fromEntries(Object.entries(byOwner).map(([who, f]) => [who, Object.fromEntries(Object.entries(f).sort((a, b) => b[1] - a[1]).slice(0, n))]));

/** `name file:line:column` (1-based, as editors and source maps count) of a profile node's frame. */
const frameName = (f) => `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\//, '').replace(/\?.*$/, '')}:${f.lineNumber + 1}:${f.columnNumber + 1}`;

const SPECIAL = { '(idle)': 'idle', '(program)': 'program', '(garbage collector)': 'gc', '(root)': 'program' };

/**
 * `trace`: the JSON text (or Buffer) from `browser.stopTracing()`. `owner(url)` names the
 * owner of a script URL. `pageOrigin`: only renderers that ran a script from this origin
 * count (headless Chromium runs WebUI renderers of its own alongside).
 * `topFunctions`: how many of each SDK's functions to report, by self time (a function's
 * own samples and its native calls) and by inclusive time (every sample it is on the stack of).
 * Returns milliseconds by owner (`idle` excluded from `busy_ms`; load time included), the
 * SDK files' shares ('(load)' for loading), the load time by owner (sampled, and the
 * events' own durations beside) and sampling facts.
 */
export function mainThreadByOwner(trace, owner, pageOrigin, { topFunctions = 8 } = {}) {
  const events = JSON.parse(String(trace)).traceEvents;
  const threadName = new Map();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') threadName.set(`${e.pid}:${e.tid}`, e.args.name);
  const profiles = new Map();
  for (const e of events) {
    if (e.name === 'Profile' && threadName.get(`${e.pid}:${e.tid}`) === 'CrRendererMain') {
      profiles.set(`${e.pid}:${e.id}`, { pid: e.pid, tid: e.tid, start: e.args.data.startTime, nodes: new Map(), chunks: [] });
    }
  }
  for (const e of events) {
    if (e.name !== 'ProfileChunk') continue;
    const p = profiles.get(`${e.pid}:${e.id}`);
    if (p) p.chunks.push(e);
  }
  const ms = { busy_ms: 0 };
  const files = {};
  const load = {};
  const functions = {};
  const inclusive = {};
  let samples = 0;
  const intervals = [];
  const kept = [];
  for (const p of profiles.values()) {
    p.order = [];
    p.deltas = [];
    for (const c of p.chunks.sort((a, b) => a.ts - b.ts)) {
      const d = c.args.data;
      for (const n of (d.cpuProfile && d.cpuProfile.nodes) || []) p.nodes.set(n.id, n);
      p.order.push(...((d.cpuProfile && d.cpuProfile.samples) || []));
      p.deltas.push(...(d.timeDeltas || []));
    }
    if ([...p.nodes.values()].some((n) => (n.callFrame.url || '').startsWith(pageOrigin))) kept.push(p);
  }
  const windows = loadWindows(events, new Set(kept.map((p) => `${p.pid}:${p.tid}`)), owner);
  for (const p of kept) {
    const { order, deltas } = p;
    const loadingAt = cursor(windows.load.get(p.pid) || []);
    const loggingAt = cursor(windows.profiler.get(p.pid) || []);
    let t = p.start;
    // Owner and attributed URL of each sampled node: V8's own buckets as such, else the
    // innermost frame with a URL up the parent chain (memoised); JS with no URL anywhere on
    // its stack (Playwright's injected scripts, DevTools evaluations) is 'other'.
    const memo = new Map();
    const walk = (id) => {
      if (memo.has(id)) return memo.get(id);
      const n = p.nodes.get(id);
      let r;
      if (!n || n.parent === undefined) r = { who: 'other', url: '', fn: '' };
      else if (n.callFrame.url) r = { who: owner(n.callFrame.url), url: n.callFrame.url, fn: frameName(n.callFrame) };
      else r = walk(n.parent);
      memo.set(id, r);
      return r;
    };
    // Every distinct frame with a URL on a sampled stack: inclusive ("total") time.
    const stackMemo = new Map();
    const stackOf = (id) => {
      if (stackMemo.has(id)) return stackMemo.get(id);
      const names = new Set();
      for (let n = p.nodes.get(id); n && n.parent !== undefined; n = p.nodes.get(n.parent)) {
        if (n.callFrame.url) names.add(frameName(n.callFrame));
      }
      stackMemo.set(id, names);
      return names;
    };
    const ownerOf = (id) => {
      const n = p.nodes.get(id);
      const special = n && SPECIAL[n.callFrame.functionName];
      return special && !n.callFrame.url ? { who: special, url: '', fn: '' } : walk(id);
    };
    for (let i = 0; i + 1 < order.length; i += 1) {
      t += deltas[i];
      const us = Math.max(0, deltas[i + 1]);
      intervals.push(us);
      let { who, url, fn } = ownerOf(order[i]);
      const loading = loadingAt(t);
      const logging = loggingAt(t);
      if (who === 'program' && logging) {
        who = 'profiler';
      } else if (who === 'program' && loading) {
        who = loading[2];
        url = '(load)';
        fn = `(load) ${loading[3]}`;
        load[who] = (load[who] || 0) + us / 1000;
      }
      ms[who] = (ms[who] || 0) + us / 1000;
      if (who !== 'idle') ms.busy_ms += us / 1000;
      if (who === 'reshelf' || who === 'posthog') {
        const key = url.replace(/^https?:\/\/[^/]+/, '').replace(/\?.*$/, '');
        files[key] = (files[key] || 0) + us / 1000;
        const f = (functions[who] ||= {});
        f[fn] = (f[fn] || 0) + us / 1000;
        if (url !== '(load)') {
          const inc = (inclusive[who] ||= {});
          for (const name of stackOf(order[i])) inc[name] = (inc[name] || 0) + us / 1000;
        }
      }
      samples += 1;
    }
  }
  // The loading events' own durations, for comparison with the sampled load time.
  const loadEvents = {};
  for (const ws of windows.load.values()) for (const [a, b, who] of ws) loadEvents[who] = (loadEvents[who] || 0) + (b - a) / 1000;
  intervals.sort((a, b) => a - b);
  return {
    ...ms,
    sdk_files_ms: files,
    top_functions_ms: top(functions, topFunctions),
    top_functions_inclusive_ms: top(inclusive, topFunctions),
    load_ms: load,
    load_events_ms: loadEvents,
    samples,
    renderers: kept.length,
    sample_interval_us_p50: intervals.length ? intervals[intervals.length >> 1] : null,
  };
}
