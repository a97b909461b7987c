// Starting the model engine on the main thread (`engine: 'main'`). This lives in the engine's
// script (pkg/reshelf-engine-worker.<hash>.js), which reshelf adds to the page after first paint
// with that setting, rather than in reshelf.js, which must arrive before capture listens.
import initEngine, { Engine } from 'reshelf:engine-glue';
import { newerRefused } from './describe.js';

let engineLoaded = null;

/**
 * Newer intent weights (`modelUrl`) for the engine, which checks them against `modelSha256`
 * and `modelVersion`: { bytes, sha256, version }. Throws when they cannot be fetched. Used on
 * the page and in the worker alike.
 */
export async function fetchNewerModel(fetch, { modelUrl, modelSha256, modelVersion }) {
  if (typeof modelSha256 !== 'string' || typeof modelVersion !== 'string') {
    throw new Error('modelUrl needs modelSha256 and modelVersion');
  }
  const res = await fetch(modelUrl, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`${modelUrl} answered ${res.status}`);
  return { bytes: new Uint8Array(await res.arrayBuffer()), sha256: modelSha256, version: modelVersion };
}

/**
 * The engine on the main thread: the engine module's own `Engine`, answering at once. The
 * module is fetched and compiled once per page (an instance started again after shutdown()
 * reuses it), streaming from the response so the browser can cache the compiled code; with
 * `integrity`, a module whose hash differs is refused.
 */
async function mainThreadEngine(fetch, { url, integrity, ranker }, newer) {
  engineLoaded ??= initEngine({
    module_or_path: fetch(url, {
      credentials: 'same-origin',
      ...(typeof integrity === 'string' ? { integrity } : {}),
    }),
  }).catch((err) => {
    engineLoaded = null;
    throw err;
  });
  await engineLoaded;
  const engine = new Engine(ranker !== 'heuristic');
  for (const problem of engine.problems()) console.warn(`reshelf: ${problem}`);
  if (newer) {
    try {
      engine.replaceIntent(newer.bytes, newer.sha256, newer.version);
    } catch (err) {
      console.warn(`reshelf: ${newerRefused(err)}`);
    }
  }
  return engine;
}

/**
 * Starts the engine on the main thread (`engine: 'main'`; a worker engine is started by
 * reshelf.js itself, engine-client.js) and resolves to what the capture module's
 * `attachEngine` takes. `how` holds the engine module's `url` and `integrity`, `ranker`, and
 * the newer-weights options (`modelUrl`, `modelSha256`, `modelVersion`). `fetch` is the
 * browser's own (native.js), which reshelf.js holds once per page. Rejects when the engine
 * cannot load.
 */
export async function startEngine(how, { fetch }) {
  let newer = null;
  if (how.modelUrl) {
    try {
      newer = await fetchNewerModel(fetch, how);
    } catch (err) {
      console.warn(`reshelf: ${newerRefused(err)}`);
    }
  }
  return mainThreadEngine(fetch, how, newer);
}
