// In-page glue for reshelf: the SDK is started by its script tag as on any storefront; the
// bench waits for `reshelf.ready` and uses the diagnostic `scoreInputs`, which runs the Burn
// model (flex backend, in wasm) on rows already laid out as the network's input and returns
// calibrated probabilities. Reports to the bench page (see ../runtimes.mjs for the contract).
(async () => {
  window.peerMark('scripts'); // reshelf.js has run: init() has started fetching the wasm
  try {
    const r = await window.reshelf.ready;
    if (!r.active) throw new Error(`reshelf did not start: ${r.error}`);
    if (typeof r.scoreInputs !== 'function') throw new Error('this build of reshelf has no scoreInputs()');
    // The SDK decodes its embedded model in a task of its own after `ready` (scoreInputs
    // answers null until then): yield to the event loop until it has run.
    const probe = new Float32Array(window.peerConfig.probe);
    for (const until = performance.now() + 10_000; r.scoreInputs(probe) === null;) {
      if (performance.now() > until) throw new Error('no model 10 s after ready');
      await new Promise((ok) => setTimeout(ok, 0));
    }
    window.peerDone({
      async: false,
      run: (x) => r.scoreInputs(x),
      logits: null, // the SDK only exposes calibrated probabilities
      info: { backend: 'Burn flex (wasm)', versions: {}, simd: false, threads: 1, read_back: 'scoreInputs() (synchronous)' },
    });
  } catch (err) {
    window.peerFail(err);
  }
})();
