// What the peer pages load, under /peers/: the libraries from disk, the model files built
// here in memory, and the pages. Served by http.mjs (a loopback server) or, under the reshelf
// server's own origin, by playwright routing (`routePeers`), so every runtime — reshelf
// included — is fetched the same way, same-origin over loopback. Also sizes files raw /
// gzip -9 / brotli q11.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { onnxModel } from './onnx.mjs';
import { pageHtml, RUNTIMES } from './runtimes.mjs';

const TYPES = {
  html: 'text/html', js: 'text/javascript', mjs: 'text/javascript', wasm: 'application/wasm',
  json: 'application/json', bin: 'application/octet-stream', onnx: 'application/octet-stream',
};

/** Where each served library file comes from on disk. */
function libraries(root) {
  const nm = join(root, 'bench/node_modules');
  const tfjs = (pkg, file) => join(nm, '@tensorflow', pkg, 'dist', file);
  const files = {
    'tfjs/tf-core.min.js': tfjs('tfjs-core', 'tf-core.min.js'),
    'tfjs/tf-backend-cpu.min.js': tfjs('tfjs-backend-cpu', 'tf-backend-cpu.min.js'),
    'tfjs/tf-backend-wasm.min.js': tfjs('tfjs-backend-wasm', 'tf-backend-wasm.min.js'),
    'reshelf/reshelf.js': join(root, 'pkg/reshelf.js'),
    'page/reshelf.js': join(root, 'bench/peers/page/reshelf.js'),
    'page/tfjs.js': join(root, 'bench/peers/page/tfjs.js'),
    'page/ort.mjs': join(root, 'bench/peers/page/ort.mjs'),
  };
  // Both of reshelf's modules and the engine's and the sync script (on the main thread, the
  // engine module's glue), under the build's fingerprinted names.
  for (const file of Object.values(JSON.parse(readFileSync(join(root, 'pkg/modules.json'), 'utf8')))) {
    files[`reshelf/${file}`] = join(root, 'pkg', file);
  }
  // Whichever variant the backend picks (SIMD or not, threaded or not) is there to fetch.
  for (const v of ['', '-simd', '-threaded-simd']) {
    files[`tfjs/tfjs-backend-wasm${v}.wasm`] = tfjs('tfjs-backend-wasm', `tfjs-backend-wasm${v}.wasm`);
  }
  for (const f of ['ort.wasm.min.mjs', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm']) {
    files[`ort/${f}`] = join(nm, 'onnxruntime-web/dist', f);
  }
  return files;
}

/** The weights as TF.js would ship them: a small manifest and one float32 shard. */
function tfjsWeights(w) {
  const manifest = {
    version: w.version,
    input_width: w.input_width,
    layers: w.layers.map((l) => ({ in: l.in, out: l.out, activation: l.activation })),
    calibration: w.calibration,
  };
  const shard = new Float32Array(w.layers.flatMap((l) => [...l.weight, ...l.bias]));
  return { manifest: Buffer.from(JSON.stringify(manifest)), shard: Buffer.from(shard.buffer) };
}

/**
 * Everything under /peers/: path → { body() → Buffer, type, payload }. `payload` marks what a
 * site would ship for the model (runtime, wasm, weights); pages and bench glue are not.
 */
export function peerAssets(root, weights) {
  const assets = new Map();
  const cache = new Map();
  const fromDisk = (path) => () => {
    if (!cache.has(path)) cache.set(path, readFileSync(path));
    return cache.get(path);
  };
  const add = (path, body, payload) => assets.set(path, { body, payload, type: TYPES[path.split('.').pop()] });
  for (const [path, file] of Object.entries(libraries(root))) add(path, fromDisk(file), !path.startsWith('page/'));
  const onnx = Buffer.from(onnxModel(weights));
  const { manifest, shard } = tfjsWeights(weights);
  add('model/intent.onnx', () => onnx, true);
  add('model/intent-tfjs.json', () => manifest, true);
  add('model/intent-tfjs.bin', () => shard, true);
  const probe = weights.parity.inputs[0];
  for (const rt of RUNTIMES) {
    const html = Buffer.from(pageHtml(rt, { input_width: weights.input_width, probe }));
    add(`page/${rt.key}.html`, () => html, false);
  }
  return assets;
}

/**
 * Routes `${url}/peers/**` of `page` to `assets`. Anything else (reshelf's sync to /v1) goes
 * to the server as usual. (http.mjs serves the same assets without the routing.)
 */
export async function routePeers(page, url, assets) {
  await page.route(`${url}/peers/**`, (route) => {
    const path = new URL(route.request().url()).pathname.replace(/^\/peers\//, '');
    const asset = assets.get(path);
    if (!asset) return route.fulfill({ status: 404, body: `not served: ${path}` });
    return route.fulfill({ status: 200, contentType: asset.type, body: asset.body() });
  });
}

const sized = new WeakMap();
/** raw / gzip (level 9) / brotli (quality 11) bytes of one asset, computed once per body. */
export function sizes(assets, path) {
  const body = assets.get(path).body();
  if (!sized.has(body)) {
    sized.set(body, {
      raw: body.length,
      gzip: gzipSync(body, { level: 9 }).length,
      brotli: brotliCompressSync(body, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
      }).length,
    });
  }
  return sized.get(body);
}
