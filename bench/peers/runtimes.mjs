// The four configurations measured, each as a minimal page holding what a site would include
// for that runtime (its script tags), then the bench glue in page/. No page is the demo
// store: all four pages are equally bare, so their load times compare.
//
// Contract between a page and the bench (../peers.mjs): the page's inline bootstrap sets
// `window.peerConfig` ({ input_width, probe, base, backend }), and the glue calls
// `peerMark('scripts')` when it starts, then `peerDone(peer)` once the model can run, where
// `peer` is { async, run(x, rows), logits(x, rows) | null, info }: `x` a Float32Array of
// `rows` × input_width floats, `run` answering calibrated probabilities (a Promise of them
// when `async`). The bootstrap then runs the first inference on `probe` and sets
// `window.peerMarks` ({ scripts, ready, first }, ms since navigation start), `window.peer`
// and `window.peerFirst`; or `peerFail(err)` sets `window.peerError`.

const MODEL = '/peers/model/';

export const RUNTIMES = [
  {
    key: 'reshelf',
    label: 'reshelf (Burn, flex backend, wasm)',
    tags: [
      // As on the demo pages (site key included, so its sync is accepted), minus the preload,
      // with the engine on the main thread: inference in the page, as the peers run theirs
      // (in a worker, the default, scoreInputs() has no synchronous answer).
      '<script src="/peers/reshelf/reshelf.js" data-site="demo" data-endpoint="/v1" data-key="demo-public-key" data-holdout="0" data-engine="main"></script>',
      '<script src="/peers/page/reshelf.js"></script>',
    ],
  },
  {
    key: 'tfjs-cpu',
    label: 'TensorFlow.js, CPU backend (JavaScript)',
    backend: 'cpu',
    tags: [
      '<script src="/peers/tfjs/tf-core.min.js"></script>',
      '<script src="/peers/tfjs/tf-backend-cpu.min.js"></script>',
      '<script src="/peers/page/tfjs.js"></script>',
    ],
  },
  {
    key: 'tfjs-wasm',
    label: 'TensorFlow.js, WebAssembly backend',
    backend: 'wasm',
    tags: [
      '<script src="/peers/tfjs/tf-core.min.js"></script>',
      '<script src="/peers/tfjs/tf-backend-wasm.min.js"></script>',
      '<script src="/peers/page/tfjs.js"></script>',
    ],
  },
  {
    key: 'ort-wasm',
    label: 'ONNX Runtime Web, wasm execution provider',
    tags: [
      // The glue imports ORT; preloading it fetches both at once, as a site's bundle would.
      '<link rel="modulepreload" href="/peers/ort/ort.wasm.min.mjs">',
      '<script type="module" src="/peers/page/ort.mjs"></script>',
    ],
  },
];

/** The bootstrap: marks, then the first inference, timed the same way for every runtime. */
const BOOTSTRAP = () => {
  window.peerMarks = {};
  window.peerMark = (name) => (window.peerMarks[name] = performance.now());
  window.peerFail = (err) => (window.peerError = String((err && err.stack) || err));
  window.peerDone = async (peer) => {
    try {
      window.peerMark('ready');
      const probe = new Float32Array(window.peerConfig.probe);
      const out = peer.async ? await peer.run(probe, 1) : peer.run(probe, 1);
      if (!out || out.length !== 1) throw new Error(`first inference answered ${out}`);
      window.peerMark('first');
      window.peerFirst = Array.from(out);
      window.peer = peer;
    } catch (err) {
      window.peerFail(err);
    }
  };
};

/** The page for one runtime; `config` is what the glue reads as `window.peerConfig`. */
export function pageHtml(runtime, { input_width, probe }) {
  const config = { input_width, probe, base: MODEL, backend: runtime.backend ?? null };
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${runtime.key}</title><link rel="icon" href="data:,">
<script>window.peerConfig = ${JSON.stringify(config)};
(${BOOTSTRAP})();</script>
${runtime.tags.join('\n')}
</head><body>${runtime.label}</body></html>
`;
}
