// The script-tag bundle: `<script async src=".../reshelf.js" data-site=…>` starts reshelf from
// the tag's data- attributes and exposes `window.reshelf.ready`, a promise of the instance.
import { init } from './index.js';

(function autoInit() {
  const script = document.currentScript;
  const data = (script && script.dataset) || {};
  const options = {};
  if (data.site !== undefined) options.site = data.site;
  if (data.endpoint !== undefined) options.endpoint = data.endpoint;
  if (data.key !== undefined) options.key = data.key;
  if (data.holdout !== undefined) options.holdout = Number(data.holdout);
  if (data.persist !== undefined) options.persist = data.persist !== 'false';
  if (data.consent !== undefined) options.consent = data.consent;
  if (data.respectDnt !== undefined) options.respectDnt = data.respectDnt !== 'false';
  if (data.syncInterval !== undefined) options.syncInterval = Number(data.syncInterval);
  if (data.ranker !== undefined) options.ranker = data.ranker;
  if (data.hashRoutes !== undefined) options.hashRoutes = data.hashRoutes !== 'false';
  if (data.kiosk !== undefined) options.kiosk = data.kiosk !== 'false';
  if (data.kioskIdle !== undefined) options.kioskIdle = Number(data.kioskIdle);
  if (data.kioskHome !== undefined) options.kioskHome = data.kioskHome;
  if (data.serviceWorker !== undefined) options.serviceWorker = data.serviceWorker || true;
  if (data.wasmIntegrity !== undefined) options.wasmIntegrity = data.wasmIntegrity;
  if (data.engineIntegrity !== undefined) options.engineIntegrity = data.engineIntegrity;
  if (data.engine !== undefined) options.engine = data.engine;
  if (data.modelUrl !== undefined) options.modelUrl = data.modelUrl;
  if (data.modelSha256 !== undefined) options.modelSha256 = data.modelSha256;
  if (data.modelVersion !== undefined) options.modelVersion = data.modelVersion;
  // Classic scripts have no import.meta: the modules sit next to this file, also for init()
  // called later by the page (e.g. again after shutdown()).
  const base = script && script.src;
  const located = (o) => {
    if (!base || o === null || typeof o !== 'object' || Array.isArray(o)) return o;
    const out = { ...o };
    if (out.wasmUrl === undefined) out.wasmUrl = new URL(__CAPTURE_WASM__, base);
    if (out.engineUrl === undefined) out.engineUrl = new URL(__ENGINE_WASM__, base);
    if (out.engineWorkerUrl === undefined) out.engineWorkerUrl = new URL('reshelf-engine-worker.js', base);
    if (out.syncScriptUrl === undefined) out.syncScriptUrl = new URL('reshelf-sync.js', base);
    if (out.serviceWorker === true) out.serviceWorker = new URL('reshelf-sw.js', base).href;
    return out;
  };
  const api = window.reshelf && typeof window.reshelf === 'object' ? window.reshelf : {};
  api.init = (o) => init(located(o));
  api.ready = init(located(options));
  window.reshelf = api;
})();
