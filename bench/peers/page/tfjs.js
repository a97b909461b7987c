// In-page glue for TensorFlow.js (tfjs-core + one backend, loaded by the page before this
// script): rebuilds the intent network from the weights shard, the way a site shipping the
// model in TF.js would, then reports to the bench page (see ../runtimes.mjs for the contract).
(async () => {
  window.peerMark('scripts'); // tfjs-core and the backend bundle are loaded and have run
  const { backend, base } = window.peerConfig;
  try {
    tf.env().set('PROD', true); // no debug checks, as a production site would run it
    // Weights are fetched while the backend starts: nothing in TF.js depends on them.
    const weights = Promise.all([
      fetch(`${base}intent-tfjs.json`).then((r) => r.json()),
      fetch(`${base}intent-tfjs.bin`).then((r) => r.arrayBuffer()),
    ]);
    if (backend === 'wasm') tf.wasm.setWasmPaths('/peers/tfjs/'); // served next to the bundles
    if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
    await tf.ready();
    const [manifest, bin] = await weights;
    let at = 0;
    const take = (n) => new Float32Array(bin, (at += n * 4) - n * 4, n);
    const layers = manifest.layers.map((l) => ({
      w: tf.tensor2d(take(l.in * l.out), [l.in, l.out]),
      b: tf.tensor1d(take(l.out)),
      activation: l.activation === 'relu' ? 'relu' : 'linear',
    }));
    const a = tf.scalar(manifest.calibration.a);
    const b = tf.scalar(manifest.calibration.b);
    const width = manifest.input_width;
    // One fused matmul+bias+activation kernel per layer (what tf.layers.dense uses), then the
    // calibration reshelf applies: sigmoid(a · logit + b).
    const forward = (x, rows) => {
      const logit = layers.reduce((h, l) => tf.fused.matMul({ a: h, b: l.w, bias: l.b, activation: l.activation }),
        tf.tensor2d(x, [rows, width]));
      return { logit, probability: tf.sigmoid(tf.add(tf.mul(logit, a), b)) };
    };
    // dataSync(): a synchronous read-back, like reshelf's scoreInputs (both backends here
    // compute on the CPU, so it does not stall a GPU pipeline).
    const read = (key) => (x, rows) => {
      const out = tf.tidy(() => forward(x, rows)[key]);
      const data = out.dataSync();
      out.dispose();
      return data;
    };
    window.peerDone({
      async: false,
      run: read('probability'),
      logits: read('logit'),
      info: {
        backend: tf.getBackend(),
        versions: { 'tfjs-core': tf.version_core, [`tfjs-backend-${backend}`]: backend === 'wasm' ? tf.wasm.version_wasm : tf.version_cpu },
        simd: backend === 'wasm' ? await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') : false,
        threads: backend === 'wasm' && (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) ? navigator.hardwareConcurrency : 1,
        read_back: 'dataSync()',
      },
    });
  } catch (err) {
    window.peerFail(err);
  }
})();
