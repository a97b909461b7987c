// Assembles pkg/ from the wasm-bindgen output: the ES module for npm, the script-tag bundle,
// types and package metadata, then reports every artefact's size raw / gzip / brotli.
import { build } from 'esbuild';
import { copyFileSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compressedSizes } from './sizes.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const glueDir = join(root, 'target/wasm-bindgen');
const pkg = join(root, 'pkg');
mkdirSync(pkg, { recursive: true });

const glue = {
  name: 'wasm-glue',
  setup(b) {
    b.onResolve({ filter: /^reshelf:wasm-glue$/ }, () => ({ path: join(glueDir, 'reshelf_wasm.js') }));
  },
};
const common = {
  bundle: true,
  minify: true,
  target: 'es2020',
  plugins: [glue],
  legalComments: 'none',
  logOverride: { 'empty-import-meta': 'silent' },
};
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
    './reshelf_wasm_bg.wasm': './reshelf_wasm_bg.wasm',
    './package.json': './package.json',
  },
  files: ['index.js', 'index.d.ts', 'react.js', 'react.d.ts', 'reshelf.js', 'reshelf-sw.js', 'reshelf_wasm_bg.wasm', 'sri.json', 'README.md'],
  // Only the script-tag bundle starts itself when loaded; the modules do nothing on import.
  sideEffects: ['./reshelf.js'],
  peerDependencies: { react: '>=18' },
  peerDependenciesMeta: { react: { optional: true } },
  keywords: ['personalization', 'recommendations', 'webassembly', 'ecommerce', 'react'],
};
writeFileSync(join(pkg, 'package.json'), JSON.stringify(meta, null, 2) + '\n');

const sizes = {};
for (const file of ['reshelf_wasm_bg.wasm', 'index.js', 'reshelf.js']) {
  sizes[file] = compressedSizes(readFileSync(join(pkg, file)));
}
const total = (js) => ['raw', 'gzip', 'brotli'].reduce((o, k) => ({ ...o, [k]: sizes[js][k] + sizes['reshelf_wasm_bg.wasm'][k] }), {});
sizes['script tag (reshelf.js + wasm)'] = total('reshelf.js');
sizes['npm module (index.js + wasm)'] = total('index.js');
writeFileSync(join(pkg, 'sizes.json'), JSON.stringify(sizes, null, 2) + '\n');
console.log('artefact                          raw      gzip    brotli');
for (const [name, s] of Object.entries(sizes)) {
  console.log(`${name.padEnd(30)} ${String(s.raw).padStart(8)} ${String(s.gzip).padStart(9)} ${String(s.brotli).padStart(9)}`);
}

// Subresource Integrity for the files a page references directly: the script tag's
// `integrity` and the wasm's `data-wasm-integrity`.
const sri = {};
for (const file of ['reshelf.js', 'index.js', 'reshelf_wasm_bg.wasm', 'reshelf-sw.js']) {
  sri[file] = `sha384-${createHash('sha384').update(readFileSync(join(pkg, file))).digest('base64')}`;
}
writeFileSync(join(pkg, 'sri.json'), JSON.stringify(sri, null, 2) + '\n');
console.log('\nSubresource Integrity (pkg/sri.json):');
for (const [file, hash] of Object.entries(sri)) console.log(`  ${file.padEnd(22)} ${hash}`);
