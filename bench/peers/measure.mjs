// Runs inside a peer page (handed to page.evaluate, so it must stay self-contained): times
// `peer.run` on single rows and on 16-row batches, and returns the outputs on the parity rows
// for the agreement check.
//
// performance.now() is coarsened (to 100 µs in this headless, not cross-origin-isolated
// Chromium), too coarse for one call, so calls are also timed in blocks of ~10 ms: the
// per-call mean of each block is the figure to trust; single calls are timed too, to show the
// resolution.
//
// The warm-up runs for a minimum time as well as a minimum count, because V8 tiers wasm up
// (Liftoff → TurboFan) in background threads, which on a busy machine take a while; the one
// block before it is kept apart, as the cold figure. Single-row and batch blocks then
// alternate (in alternating order), so any drift left hits both alike.
export async function measureInPage({ rows, warmup, warmupMs, blocks, perBlock, blockMs }) {
  const peer = window.peer;
  const singles = rows.map((r) => new Float32Array(r));
  const batch = [new Float32Array(rows.flat())];

  // One block of `calls` calls on `inputs` (cycled) of `n` rows each; written twice so that
  // synchronous runtimes are not charged for an `await`.
  let next = 0;
  const blockSync = (inputs, n, each, calls) => {
    const t0 = performance.now();
    for (let j = 0; j < calls; j += 1) {
      const a = performance.now();
      peer.run(inputs[next++ % inputs.length], n);
      each.push(performance.now() - a);
    }
    return ((performance.now() - t0) * 1000) / calls;
  };
  const blockAsync = async (inputs, n, each, calls) => {
    const t0 = performance.now();
    for (let j = 0; j < calls; j += 1) {
      const a = performance.now();
      await peer.run(inputs[next++ % inputs.length], n);
      each.push(performance.now() - a);
    }
    return ((performance.now() - t0) * 1000) / calls;
  };
  const block = peer.async ? blockAsync : blockSync;

  const kinds = {
    single: { inputs: singles, n: 1, each: [], means: [], calls: perBlock },
    batch16: { inputs: batch, n: rows.length, each: [], means: [], calls: perBlock },
  };
  // The first block of each, before any warm-up: what a page calling the model now and then
  // gets (V8 runs new wasm as Liftoff baseline code until a function is hot).
  const scratch = [];
  const first_block_us = {};
  for (const [name, k] of Object.entries(kinds)) first_block_us[name] = await block(k.inputs, k.n, scratch, perBlock);
  const started = performance.now();
  const fastest = { single: Infinity, batch16: Infinity };
  for (let done = 0; done < warmup || performance.now() - started < warmupMs; done += perBlock) {
    for (const [name, k] of Object.entries(kinds)) {
      fastest[name] = Math.min(fastest[name], await block(k.inputs, k.n, scratch, perBlock));
    }
    scratch.length = 0;
  }
  const warmup_done = { calls_each: next / 2, ms: performance.now() - started };
  // Blocks of at least `perBlock` calls and at least about `blockMs` (at the fastest warm-up
  // block's speed), so that one timer tick is at most ~1% of a block.
  for (const [name, k] of Object.entries(kinds)) {
    k.calls = Math.max(perBlock, Math.ceil((blockMs * 1000) / Math.max(fastest[name], 0.1) / 100) * 100);
  }
  for (let b = 0; b < blocks; b += 1) {
    const order = b % 2 ? [kinds.batch16, kinds.single] : [kinds.single, kinds.batch16];
    for (const k of order) k.means.push(await block(k.inputs, k.n, k.each, k.calls));
  }

  const out = async (fn, x, n) => Array.from(await fn(x, n));
  const outputs = {
    batch: await out(peer.run, batch[0], rows.length),
    singles: [],
    logits: peer.logits ? await out(peer.logits, batch[0], rows.length) : null,
  };
  for (const x of singles) outputs.singles.push(...(await out(peer.run, x, 1)));

  // Raw timings (ms per call, µs per call for block means): ../peers.mjs pools pages.
  const raw = (k) => ({ rows_per_call: k.n, calls_per_block: k.calls, each_ms: k.each, block_means_us: k.means });
  return {
    single: { ...raw(kinds.single), first_block_us: first_block_us.single },
    batch16: { ...raw(kinds.batch16), first_block_us: first_block_us.batch16 },
    warmup: warmup_done,
    outputs,
  };
}
