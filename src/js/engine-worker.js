// The model engine's script, in one of two places.
//
// In a dedicated worker (`engine: 'worker'`, the default; reshelf.js starts it, see
// engine-client.js) it loads the engine module and answers scoring requests, so inference
// never runs on the page's main thread. Messages in:
//   { type: 'load', url, integrity, ranker, newer? }   → { type: 'ready', …, problems, newerRefused }
//                                                       or { type: 'failed', message }
//   { type: 'score', batch: [{ id, ranker, rows }] }   → { type: 'scores', batch: [{ id, scores }] }
// `newer` is where newer intent weights are ({ modelUrl, modelSha256, modelVersion }); the
// worker fetches them itself.
//
// With `engine: 'main'`, reshelf adds it to the page after first paint as a <script> whose
// integrity is the hash of this file, built into reshelf.js, and it hands `startEngine`
// (engine-start.js) to that element (`reshelfEngine`), which runs the engine on the page with
// the glue bundled here: one copy of the glue serves both places, and reshelf.js carries none
// of the engine's code.
import initEngine, { Engine } from 'reshelf:engine-glue';
import { describe } from './describe.js';
import { fetchNewerModel, startEngine } from './engine-start.js';

if (typeof document === 'undefined') {
  let engine = null;

  self.onmessage = async (event) => {
    const m = event.data || {};
    if (m.type === 'load') {
      try {
        await initEngine({
          module_or_path: fetch(m.url, { credentials: 'same-origin', ...(typeof m.integrity === 'string' ? { integrity: m.integrity } : {}) }),
        });
        engine = new Engine(m.ranker);
        let newerRefused = null;
        if (m.newer) {
          try {
            const model = await fetchNewerModel(fetch, m.newer);
            engine.replaceIntent(model.bytes, model.sha256, model.version);
          } catch (err) {
            newerRefused = describe(err);
          }
        }
        self.postMessage({
          type: 'ready',
          intentVersion: engine.intentVersion,
          rankerVersion: engine.rankerVersion,
          priors: engine.intentPriors(),
          problems: engine.problems(),
          newerRefused,
        });
      } catch (err) {
        self.postMessage({ type: 'failed', message: describe(err) });
      }
    } else if (m.type === 'score' && engine) {
      // One answer for the batch: the page takes it in with one decision round.
      const batch = [];
      for (const { id, ranker, rows } of m.batch) {
        let scores;
        try {
          scores = ranker ? engine.scoreRanker(rows) : engine.scoreIntent(rows);
        } catch (err) {
          // A trap leaves the engine unusable: say so, and answer nothing more.
          engine = null;
          self.postMessage({ type: 'failed', message: describe(err) });
          return;
        }
        batch.push({ id, scores: scores ?? new Float32Array(0) });
      }
      self.postMessage({ type: 'scores', batch }, batch.map((a) => a.scores.buffer));
    }
  };
} else {
  const me = document.currentScript;
  if (me) me.reshelfEngine = { startEngine };
}
