// In-page glue for ONNX Runtime Web, wasm-only build (no WebGPU/WebNN/JSEP): loads the
// .onnx written by ../onnx.mjs into an InferenceSession and reports to the bench page (see
// ../runtimes.mjs for the contract). A module script, as ORT's ESM bundle needs.
import * as ort from '/peers/ort/ort.wasm.min.mjs';

window.peerMark('scripts'); // ORT's ESM bundle is loaded and evaluated

const { base, input_width: width } = window.peerConfig;
try {
  // The page is not cross-origin isolated (no SharedArrayBuffer), so ORT could not use its
  // thread pool anyway; one thread, said explicitly, and no proxy worker.
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmPaths = '/peers/ort/'; // its .mjs glue and .wasm, same origin
  const session = await ort.InferenceSession.create(`${base}intent.onnx`, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
  });
  // session.run is asynchronous; the bench awaits every call.
  const read = (key) => async (x, rows) => (await session.run({ x: new ort.Tensor('float32', x, [rows, width]) }, [key]))[key].data;
  window.peerDone({
    async: true,
    run: read('probability'),
    logits: read('logit'),
    info: {
      backend: 'wasm',
      execution_providers: ['wasm'],
      versions: { 'onnxruntime-web': ort.env.versions.web },
      simd: true, // 1.30 ships only the SIMD build (ort-wasm-simd-threaded.wasm)
      threads: ort.env.wasm.numThreads,
      cross_origin_isolated: self.crossOriginIsolated,
      read_back: 'await session.run()',
    },
  });
} catch (err) {
  window.peerFail(err);
}
