// Assembles pkg/ from the wasm-bindgen output: the two modules and the engine's and sync
// scripts under fingerprinted names, the ES module for npm, the script-tag bundle, types and
// package metadata, then reports every artefact's size raw / gzip / brotli.
import { build } from 'esbuild';
import { copyFileSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compressed, compressedSizes } from './sizes.mjs';
import { shortenImports } from './short-imports.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const glueDir = join(root, 'target/wasm-bindgen');
const pkg = join(root, 'pkg');
mkdirSync(pkg, { recursive: true });

// Each module, and each script reshelf.js loads, is named for its content
// (`reshelf_capture.<10 hex of sha256>.wasm`, `reshelf-sync.<10 hex>.js`), so reshelf-server
// and CDNs can serve it as immutable and the browser can reuse its compiled code across page
// loads. reshelf.js itself is cached for minutes and then used stale while it is revalidated
// (server/src/static_files.rs), so a copy a day old may still ask for an earlier build's
// files: they are kept for KEEP_EARLIER_DAYS after the build that last wrote them, then
// removed. Source maps and files of the layout before fingerprinted scripts always go.
const KEEP_EARLIER_DAYS = 7;
const FINGERPRINTED = /^(reshelf_(capture|engine)\.[0-9a-f]{10,}\.wasm|reshelf-(engine-worker|sync)\.[0-9a-f]{10,}\.js)(\.gz|\.br)?$/;
for (const f of readdirSync(pkg)) {
  const path = join(pkg, f);
  const expired = FINGERPRINTED.test(f) && Date.now() - statSync(path).mtimeMs > KEEP_EARLIER_DAYS * 86_400_000;
  const stale = /^(reshelf_wasm_bg\.wasm|reshelf-engine-worker\.js|reshelf-sync\.js)(\.gz|\.br)?$/.test(f) || f.endsWith('.js.map');
  if (expired || stale) rmSync(path);
}
/** Subresource Integrity of a file in pkg/ (`sha384-…`), as pages and sri.json give it. */
const integrity = (file) => `sha384-${createHash('sha384').update(readFileSync(join(pkg, file))).digest('base64')}`;
/** `<name>.<10 hex of the bytes' sha256>.<ext>`: the name a file of these bytes is served under. */
const contentName = (name, bytes, ext) => `${name}.${createHash('sha256').update(bytes).digest('hex').slice(0, 10)}.${ext}`;
const fingerprinted = (name) => {
  // Short import names in the module and its glue (see short-imports.mjs); the glue bundled
  // below is the `.short.js` written here.
  const { wasm: bytes, glue } = shortenImports(
    readFileSync(join(glueDir, `${name}.opt.wasm`)),
    readFileSync(join(glueDir, `${name}.js`), 'utf8'),
  );
  writeFileSync(join(glueDir, `${name}.short.js`), glue);
  const file = contentName(name, bytes, 'wasm');
  writeFileSync(join(pkg, file), bytes);
  return file;
};
const CAPTURE = fingerprinted('reshelf_capture');
const ENGINE = fingerprinted('reshelf_engine');

const glue = {
  name: 'wasm-glue',
  setup(b) {
    b.onResolve({ filter: /^reshelf:wasm-glue$/ }, () => ({ path: join(glueDir, 'reshelf_capture.short.js') }));
    b.onResolve({ filter: /^reshelf:engine-glue$/ }, () => ({ path: join(glueDir, 'reshelf_engine.short.js') }));
  },
};
const common = {
  bundle: true,
  minify: true,
  // Class private fields and methods kept as they are written rather than lowered to WeakMaps
  // (reshelf.js −277 B gzip): they need Chrome 84, Firefox 90 and Safari 15, about the floor
  // the modules' reference types already set (Chrome 96, Firefox 79, Safari 15).
  target: 'es2022',
  plugins: [glue],
  legalComments: 'none',
  define: {
    __CAPTURE_WASM__: JSON.stringify(CAPTURE),
    __ENGINE_WASM__: JSON.stringify(ENGINE),
  },
  logOverride: { 'empty-import-meta': 'silent' },
  // `RESHELF_SOURCEMAP=1`: source maps beside the scripts, for reading a profile
  // (bench/tracker.mjs --hotspots); the scripts themselves are unchanged.
  sourcemap: process.env.RESHELF_SOURCEMAP === '1' ? 'external' : false,
};
/**
 * Builds the classic script `entry` as `<name>.<10 hex of sha256>.js` in pkg/ (and its source
 * map beside it, with RESHELF_SOURCEMAP=1); returns the file name.
 */
const fingerprintedScript = async (entry, name) => {
  await build({ ...common, entryPoints: [join(root, entry)], format: 'iife', outfile: join(pkg, `${name}.js`) });
  const file = contentName(name, readFileSync(join(pkg, `${name}.js`)), 'js');
  renameSync(join(pkg, `${name}.js`), join(pkg, file));
  if (common.sourcemap) renameSync(join(pkg, `${name}.js.map`), join(pkg, `${file}.map`));
  return file;
};
// The engine's script (src/js/engine-worker.js): a classic script holding the engine's glue,
// run as the worker with `engine: 'worker'`, or with 'main' added to the page with its start-up.
// Built first: the SDK checks it on the page against its hash.
const ENGINE_SCRIPT = await fingerprintedScript('src/js/engine-worker.js', 'reshelf-engine-worker');
common.define.__ENGINE_SCRIPT__ = JSON.stringify(ENGINE_SCRIPT);
common.define.__ENGINE_SCRIPT_SRI__ = JSON.stringify(integrity(ENGINE_SCRIPT));
// The sync script (src/js/sync-script.js): summaries' delivery, loaded after first paint and
// checked against its hash like the engine's script.
const SYNC_SCRIPT = await fingerprintedScript('src/js/sync-script.js', 'reshelf-sync');
common.define.__SYNC_SCRIPT__ = JSON.stringify(SYNC_SCRIPT);
common.define.__SYNC_SCRIPT_SRI__ = JSON.stringify(integrity(SYNC_SCRIPT));
// The build's identity for the kiosk worker's cache (sw.js): every fingerprinted name, so a
// change to any of the four files is a new cache and the old files go with the old one.
common.define.__BUILD_ID__ = JSON.stringify(createHash('sha256').update([CAPTURE, ENGINE, ENGINE_SCRIPT, SYNC_SCRIPT].join()).digest('hex').slice(0, 10));
writeFileSync(join(pkg, 'modules.json'), JSON.stringify({ capture: CAPTURE, engine: ENGINE, engine_script: ENGINE_SCRIPT, sync_script: SYNC_SCRIPT }, null, 2) + '\n');
await build({ ...common, entryPoints: [join(root, 'src/js/index.js')], format: 'esm', outfile: join(pkg, 'index.js') });
await build({ ...common, entryPoints: [join(root, 'src/js/script-tag.js')], format: 'iife', outfile: join(pkg, 'reshelf.js') });
// The kiosk service worker is a classic script of its own (workers cannot share the bundle).
await build({ ...common, plugins: [], entryPoints: [join(root, 'src/js/sw.js')], format: 'iife', outfile: join(pkg, 'reshelf-sw.js') });
// The React hooks: `react` stays the app's (a peer dependency) and the SDK is imported from
// ./index.js, so the page has one reshelf however it is imported.
const shared = {
  name: 'shared-sdk',
  setup(b) {
    b.onResolve({ filter: /^\.\/index\.js$/ }, () => ({ path: './index.js', external: true }));
  },
};
await build({ ...common, plugins: [shared], external: ['react'], entryPoints: [join(root, 'src/js/react.js')], format: 'esm', outfile: join(pkg, 'react.js') });
// The inline snippet for the page's <head> (src/js/snippet.js): built in memory, written to
// pkg/snippet.json as the <script> element to paste and the CSP source that allows exactly it.
const snippet = (await build({ ...common, plugins: [], sourcemap: false, entryPoints: [join(root, 'src/js/snippet.js')], format: 'iife', write: false }))
  .outputFiles[0].text.trim();
writeFileSync(join(pkg, 'snippet.json'), JSON.stringify({
  script: `<script>${snippet}</script>`,
  csp_script_src: `'sha256-${createHash('sha256').update(snippet).digest('base64')}'`,
}, null, 2) + '\n');
copyFileSync(join(root, 'src/js/index.d.ts'), join(pkg, 'index.d.ts'));
copyFileSync(join(root, 'src/js/react.d.ts'), join(pkg, 'react.d.ts'));

const workspace = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const meta = {
  name: 'reshelf',
  version: workspace.version,
  description: 'Client-side personalization for storefronts: a small model in the page, in WebAssembly.',
  license: workspace.license,
  type: 'module',
  main: './index.js',
  module: './index.js',
  types: './index.d.ts',
  exports: {
    '.': { types: './index.d.ts', import: './index.js' },
    './script': './reshelf.js',
    './sw': './reshelf-sw.js',
    './react': { types: './react.d.ts', import: './react.js' },
    './capture.wasm': `./${CAPTURE}`,
    './engine.wasm': `./${ENGINE}`,
    './modules.json': './modules.json',
    './snippet.json': './snippet.json',
    './engine-worker': `./${ENGINE_SCRIPT}`,
    './sync-script': `./${SYNC_SCRIPT}`,
    './package.json': './package.json',
  },
  files: ['index.js', 'index.d.ts', 'react.js', 'react.d.ts', 'reshelf.js', 'reshelf-sw.js', ENGINE_SCRIPT, SYNC_SCRIPT, CAPTURE, ENGINE, 'modules.json', 'snippet.json', 'sri.json', 'README.md'],
  // Only the script-tag bundle starts itself when loaded; the modules do nothing on import.
  sideEffects: ['./reshelf.js'],
  peerDependencies: { react: '>=18' },
  peerDependenciesMeta: { react: { optional: true } },
  keywords: ['personalization', 'recommendations', 'webassembly', 'ecommerce', 'react'],
};
writeFileSync(join(pkg, 'package.json'), JSON.stringify(meta, null, 2) + '\n');

// Brotli and gzip copies beside each file a page fetches, for servers that serve precompressed
// files (reshelf-server does): the bytes on the wire are the gzip/brotli sizes below, which
// are measured on these same copies.
const packed = new Map();
for (const file of ['reshelf.js', 'index.js', ENGINE_SCRIPT, SYNC_SCRIPT, 'reshelf-sw.js', CAPTURE, ENGINE]) {
  const copies = await compressed(readFileSync(join(pkg, file)));
  writeFileSync(join(pkg, `${file}.gz`), copies.gzip);
  writeFileSync(join(pkg, `${file}.br`), copies.brotli);
  packed.set(file, copies);
}

// What a page downloads before capture is ready (the critical path) and everything, the
// engine included; keys are what bench/size-guard.mjs and BENCHMARKS.md name.
const sizes = {};
for (const [label, file] of [['capture wasm', CAPTURE], ['engine wasm', ENGINE], ['index.js', 'index.js'], ['reshelf.js', 'reshelf.js'], ['engine script', ENGINE_SCRIPT], ['sync script', SYNC_SCRIPT]]) {
  sizes[label] = await compressedSizes(readFileSync(join(pkg, file)), packed.get(file));
}
// In every page's HTML, where it compresses with the page: its own gzip size is an upper bound.
sizes['inline snippet'] = await compressedSizes(Buffer.from(snippet));
const sum = (...labels) => ['raw', 'gzip', 'gzip_9', 'brotli'].reduce((o, k) => ({ ...o, [k]: labels.reduce((n, l) => n + sizes[l][k], 0) }), {});
sizes['critical path (reshelf.js + capture wasm)'] = sum('reshelf.js', 'capture wasm');
// Everything a page fetches, in a worker or on the main thread alike: the engine's script
// holds the engine module's glue for both places, and the sync script comes after first paint.
sizes['script tag all-in (reshelf.js + both wasm + engine and sync scripts)'] = sum('reshelf.js', 'capture wasm', 'engine wasm', 'engine script', 'sync script');
sizes['npm module all-in (index.js + both wasm + engine and sync scripts)'] = sum('index.js', 'capture wasm', 'engine wasm', 'engine script', 'sync script');
writeFileSync(join(pkg, 'sizes.json'), JSON.stringify(sizes, null, 2) + '\n');
console.log('artefact                                      raw      gzip   gzip -9    brotli  (gzip: the shipped .gz, by Zopfli)');
for (const [name, s] of Object.entries(sizes)) {
  console.log(`${name.padEnd(42)} ${String(s.raw).padStart(8)} ${String(s.gzip).padStart(9)} ${String(s.gzip_9).padStart(9)} ${String(s.brotli).padStart(9)}`);
}

// Subresource Integrity for the files a page references: the script tag's `integrity`, and
// the modules' `data-wasm-integrity` / `data-engine-integrity`.
const sri = {};
for (const file of ['reshelf.js', 'index.js', CAPTURE, ENGINE, 'reshelf-sw.js', ENGINE_SCRIPT, SYNC_SCRIPT]) {
  sri[file] = integrity(file);
}
writeFileSync(join(pkg, 'sri.json'), JSON.stringify(sri, null, 2) + '\n');
console.log('\nSubresource Integrity (pkg/sri.json):');
for (const [file, hash] of Object.entries(sri)) console.log(`  ${file.padEnd(34)} ${hash}`);
