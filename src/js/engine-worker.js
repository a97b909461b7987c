// The model engine's script, in one of two places.
//
// In a dedicated worker (`engine: 'worker'`, the default) it loads the engine module and
// answers scoring requests, so inference never runs on the page's main thread. Messages in:
//   { type: 'load', url, integrity, ranker, model? }  → { type: 'ready', …, problems, newerRefused }
//                                                       or { type: 'failed', message }
//   { type: 'score', batch: [{ id, ranker, rows }] }   → { type: 'scores', batch: [{ id, scores }] }
// `model` is newer intent weights ({ bytes, sha256, version }, from modelUrl).
//
// On the page, reshelf adds it after first paint as a <script> whose integrity is the hash of
// this file, built into reshelf.js, and it hands `startEngine` (engine-start.js) to that
// element (`reshelfEngine`); it runs nothing itself. startEngine then runs this same file as
// the worker, or with `engine: 'main'` the engine on the page with the glue bundled here: one
// copy of the glue serves both places, and reshelf.js carries none of the engine's code.
import initEngine, { Engine } from 'reshelf:engine-glue';
import { describe } from './describe.js';
import { startEngine } from './engine-start.js';

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
        if (m.model) {
          try {
            engine.replaceIntent(m.model.bytes, m.model.sha256, m.model.version);
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
