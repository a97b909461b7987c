// Starting the model engine from the page, in a dedicated worker or on the main thread. This
// lives in the engine's script (pkg/reshelf-engine-worker.js), which reshelf adds to the page
// after first paint, rather than in reshelf.js, which must arrive before capture listens.
import initEngine, { Engine } from 'reshelf:engine-glue';
import { describe } from './describe.js';

let engineLoaded = null;

const NEWER_REFUSED = (err) => `newer weights not used (${describe(err)}); the shipped model stays.`;

/**
 * Fetches newer intent weights (`modelUrl`) for the engine, which checks them against
 * `modelSha256` and `modelVersion`. Null, with a warning, when they cannot be fetched.
 */
async function fetchNewerModel(fetch, { modelUrl, modelSha256, modelVersion }) {
  try {
    if (typeof modelSha256 !== 'string' || typeof modelVersion !== 'string') {
      throw new Error('modelUrl needs modelSha256 and modelVersion');
    }
    const res = await fetch(modelUrl, { credentials: 'same-origin' });
    if (!res.ok) throw new Error(`${modelUrl} answered ${res.status}`);
    return { bytes: new Uint8Array(await res.arrayBuffer()), sha256: modelSha256, version: modelVersion };
  } catch (err) {
    console.warn(`reshelf: ${NEWER_REFUSED(err)}`);
    return null;
  }
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
      console.warn(`reshelf: ${NEWER_REFUSED(err)}`);
    }
  }
  return engine;
}

/**
 * The engine in a dedicated worker running this same script (see engine-worker.js). Resolves
 * to a stand-in with the engine's methods whose scores arrive later (`deferred`):
 * `request(id, ranker, rows)` copies the rows, and the requests of one task (a decision
 * round asks for intent and every slot at once) go in one message, whose answers come back
 * together to `onScores([{ id, scores }, …])`. `onFailed(reason)` is called once if the
 * worker fails after it was ready.
 */
function workerEngine(scriptUrl, { url, integrity, workerUrl, ranker }, newer, onScores, onFailed) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(scriptUrl(workerUrl));
    let ready = false;
    let batch = [];
    const post = () => {
      const asks = batch;
      batch = [];
      worker.postMessage({ type: 'score', batch: asks }, asks.map((a) => a.rows.buffer));
    };
    const fail = (reason) => {
      worker.terminate();
      if (ready) onFailed(reason);
      else reject(new Error(reason));
    };
    worker.onerror = (e) => {
      e.preventDefault?.();
      fail(e.message || 'the engine worker failed to start');
    };
    worker.onmessage = (e) => {
      const m = e.data || {};
      if (m.type === 'scores') {
        onScores(m.batch);
      } else if (m.type === 'failed') {
        fail(m.message);
      } else if (m.type === 'ready') {
        ready = true;
        for (const problem of m.problems) console.warn(`reshelf: ${problem}`);
        if (m.newerRefused !== null) console.warn(`reshelf: ${NEWER_REFUSED(m.newerRefused)}`);
        resolve({
          deferred: true,
          worker,
          intentVersion: m.intentVersion,
          rankerVersion: m.rankerVersion,
          intentPriors: () => m.priors,
          scoreIntent: () => undefined,
          scoreRanker: () => undefined,
          request: (id, ranker, rows) => {
            // A view into capture's memory: only the rows are copied and sent.
            if (batch.push({ id, ranker, rows: rows.slice() }) === 1) queueMicrotask(post);
          },
        });
      }
    };
    worker.postMessage({ type: 'load', url: String(new URL(url, location.href)), integrity, ranker: ranker !== 'heuristic', model: newer });
  });
}

/**
 * Starts the engine `where` says ('worker' or 'main') and resolves to what the capture
 * module's `attachEngine` takes. `how` holds the engine module's `url` and `integrity`, the
 * engine script's `workerUrl`, `ranker`, and the newer-weights options (`modelUrl`,
 * `modelSha256`, `modelVersion`). `page` is what reshelf.js holds once per page: `fetch`, the
 * browser's own (native.js), and `scriptUrl`, its Trusted Types policy (trusted.js; a page
 * allows one policy of that name, so this script must not make its own). Rejects when the
 * engine cannot load; a worker that fails later calls `onFailed(reason)`.
 */
export async function startEngine(where, how, { fetch, scriptUrl }, onScores, onFailed) {
  const newer = how.modelUrl ? await fetchNewerModel(fetch, how) : null;
  return where === 'worker'
    ? workerEngine(scriptUrl, how, newer, onScores, onFailed)
    : mainThreadEngine(fetch, how, newer);
}
