// The page's side of the model engine in a dedicated worker (`engine: 'worker'`, the
// default). It lives in reshelf.js so that a worker engine needs no script on the page: the
// engine's script (pkg/reshelf-engine-worker.<hash>.js) runs only as the worker, and is added to the
// page only for `engine: 'main'` (engine-start.js).
import { newerRefused } from './describe.js';
import { scriptUrl } from './trusted.js';

/** `url` resolved against the page: the worker resolves relative URLs against its own script. */
const absolute = (url) => {
  try {
    return new URL(url, location.href).href;
  } catch (_) {
    return String(url);
  }
};

/**
 * Starts the engine in a worker running the engine's script at `how.workerUrl`, which
 * loads the engine module (`how.url`, checked against `how.integrity`) and, with
 * `how.modelUrl`, newer intent weights (checked against `modelSha256` and `modelVersion`).
 * Resolves to a stand-in with the engine's methods whose scores arrive later (`deferred`):
 * `request(id, ranker, rows)` copies the rows, and the requests of one task (a decision round
 * asks for intent and every slot at once) go in one message, whose answers come back together
 * to `onScores([{ id, scores }, …])`. Rejects when the worker cannot start or load the engine;
 * `onFailed(reason)` is called once if it fails after it was ready.
 */
export function workerEngine({ url, integrity, workerUrl, ranker, modelUrl, modelSha256, modelVersion }, onScores, onFailed) {
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
        if (m.newerRefused !== null) console.warn(`reshelf: ${newerRefused(m.newerRefused)}`);
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
    const newer = modelUrl ? { modelUrl: absolute(modelUrl), modelSha256, modelVersion } : null;
    worker.postMessage({ type: 'load', url: absolute(url), integrity, ranker: ranker !== 'heuristic', newer });
  });
}
