// The performance budgets of BENCHMARKS.md, checked against one run's results. A budget whose
// figures were not measured in this results file is reported as not measured, never as met.
const KB = 1024;

const UNITS = {
  kb: (n) => `${(n / KB).toFixed(1)} KB`,
  ms: (n) => `${n.toFixed(1)} ms`,
  us: (n) => `${n.toFixed(1)} µs`,
  x: (n) => `${n.toFixed(1)}×`,
  n: (n) => String(n),
};

const budget = (name, limit, unit, measured, met) =>
  measured === undefined || measured === null || Number.isNaN(measured)
    ? { name, limit, measured: null, shown: 'not measured', met: null }
    : { name, limit, measured, shown: UNITS[unit](measured), met: Boolean(met) };

export function checkBudgets(r) {
  const script = r.sizes?.['script tag (reshelf.js + wasm)'];
  const peers = r.peers?.runtimes;
  const inferP50 = (k) => peers?.[k]?.single?.block_mean_us?.p50;
  const payload = (k) => peers?.[k]?.payload?.gzip;
  const fastestPeer = peers ? Math.min(inferP50('tfjs-wasm'), inferP50('ort-wasm')) : undefined;
  const smallestPeer = peers ? Math.min(payload('tfjs-wasm'), payload('ort-wasm')) : undefined;
  const t = r.tracker;
  const longTasks = [r.init?.long_tasks_during_load, r.browsing?.long_tasks, t?.reshelf?.long_tasks?.max]
    .filter((n) => n !== undefined);
  return [
    budget('SDK, script tag all-in, gzip', '≤ 200 KB', 'kb', script?.gzip, script?.gzip <= 200 * KB),
    budget('reshelf inference, 1 row (p50 of block means) vs the faster of TF.js-wasm and ONNX Runtime Web',
      `≤ ${fastestPeer?.toFixed(1)} µs`, 'us', inferP50('reshelf'), inferP50('reshelf') <= fastestPeer),
    budget('reshelf payload (gzip) vs the smaller of TF.js-wasm and ONNX Runtime Web',
      `< ${smallestPeer === undefined ? '?' : UNITS.kb(smallestPeer)}`, 'kb', payload('reshelf'), payload('reshelf') < smallestPeer),
    budget('main-thread time in the SDK over the scripted session, reshelf vs posthog-js',
      `< ${t?.posthog?.sdk_ms?.p50?.toFixed(1)} ms`, 'ms', t?.reshelf?.sdk_ms?.p50, t?.comparison?.budget?.main_thread_below_posthog),
    budget('bytes sent per session, posthog-js ÷ reshelf', '≥ 20×', 'x', t?.comparison?.sent_bytes_ratio,
      t?.comparison?.budget?.bytes_20x_fewer),
    budget('init: ready after DOMContentLoaded (p50)', '≤ 50 ms', 'ms', r.init?.ready_after_dcl_ms?.p50, r.init?.ready_after_dcl_ms?.p50 <= 50),
    budget('decision round incl. applying (p50)', '≤ 1000 µs', 'us', r.rounds?.decision_and_apply_us?.p50,
      r.rounds?.decision_and_apply_us?.p50 <= 1000),
    budget('long tasks (page loads, scripted sessions)', '0', 'n', longTasks.length ? longTasks.reduce((a, b) => a + b, 0) : undefined,
      longTasks.every((n) => n === 0)),
  ];
}
