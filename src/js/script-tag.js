// The script-tag bundle: `<script async src=".../reshelf.js" data-site=…>` starts reshelf from
// the tag's data- attributes and exposes `window.reshelf.ready`, a promise of the instance.
import { init } from './index.js';

(function autoInit() {
  const script = document.currentScript;
  const data = (script && script.dataset) || {};
  const options = {};
  // Each option the tag can set, by how its attribute's text is read. A table rather than a
  // line per option: this file is on the critical path.
  const read = {
    text: (v) => v,
    number: Number,
    flag: (v) => v !== 'false',
    worker: (v) => v || true, // data-service-worker="" asks for the one next to the script
  };
  const ATTRIBUTES = {
    text: ['site', 'endpoint', 'key', 'consent', 'ranker', 'kioskHome', 'wasmIntegrity', 'engineIntegrity', 'engine', 'modelUrl', 'modelSha256', 'modelVersion'],
    number: ['holdout', 'syncInterval', 'kioskIdle'],
    flag: ['persist', 'respectDnt', 'hashRoutes', 'kiosk'],
    worker: ['serviceWorker'],
  };
  for (const [kind, names] of Object.entries(ATTRIBUTES)) {
    for (const name of names) if (data[name] !== undefined) options[name] = read[kind](data[name]);
  }
  // Classic scripts have no import.meta: the modules sit next to this file, also for init()
  // called later by the page (e.g. again after shutdown()).
  const base = script && script.src;
  const located = (o) => {
    if (!base || o === null || typeof o !== 'object' || Array.isArray(o)) return o;
    const out = { ...o };
    if (out.wasmUrl === undefined) out.wasmUrl = new URL(__CAPTURE_WASM__, base);
    if (out.engineUrl === undefined) out.engineUrl = new URL(__ENGINE_WASM__, base);
    if (out.engineWorkerUrl === undefined) out.engineWorkerUrl = new URL(__ENGINE_SCRIPT__, base);
    if (out.syncScriptUrl === undefined) out.syncScriptUrl = new URL(__SYNC_SCRIPT__, base);
    if (out.serviceWorker === true) out.serviceWorker = new URL('reshelf-sw.js', base).href;
    return out;
  };
  const api = window.reshelf && typeof window.reshelf === 'object' ? window.reshelf : {};
  api.init = (o) => init(located(o));
  api.ready = init(located(options));
  window.reshelf = api;
})();
