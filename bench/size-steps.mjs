// What each size setting buys: rebuilds the capture module with one setting of the shipped
// build undone at a time (in target/size-steps, leaving the main build alone) and measures it
// after wasm-bindgen and wasm-opt, as the shipped build is. Also the shipped build without
// wasm-opt. Code changes made for size (see BENCHMARKS.md) are recorded in
// bench/size-history.json with the commit that measured them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compressedSizes } from '../src/js/sizes.mjs';

const TARGET = 'wasm32-unknown-unknown';
// The flags `make build` passes (see WASM_OPT_FLAGS in the Makefile).
const WASM_OPT_FLAGS = ['-Oz', '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
  '--enable-reference-types', '--enable-multivalue', '--enable-mutable-globals', '--strip-debug', '--strip-producers'];
// How `make build` builds the SDK's modules (SDK_CARGO and SDK_STD in the Makefile): a standard
// library compiled for size, panics that trap at once, no panic locations or Debug formatting.
const SDK_RUSTFLAGS = '-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none';
const SDK_STD = ['-Zbuild-std=std,panic_abort', '-Zbuild-std-features=optimize_for_size'];
const SDK_ENV = { RUSTC_BOOTSTRAP: '1', RUSTFLAGS: SDK_RUSTFLAGS };

/** Each variant undoes one setting of the shipped build: `[profile.release]` in Cargo.toml or the Makefile's. */
const VARIANTS = [
  { name: 'opt-level = 3 instead of "z"', env: { CARGO_PROFILE_RELEASE_OPT_LEVEL: '3' } },
  { name: 'opt-level = "s" instead of "z"', env: { CARGO_PROFILE_RELEASE_OPT_LEVEL: 's' } },
  { name: 'no LTO', env: { CARGO_PROFILE_RELEASE_LTO: 'false' } },
  { name: '16 codegen units instead of 1', env: { CARGO_PROFILE_RELEASE_CODEGEN_UNITS: '16' } },
  { name: 'with panic locations and Debug formatting (no -Zlocation-detail=none -Zfmt-debug=none)', env: { RUSTFLAGS: '-Zunstable-options -Cpanic=immediate-abort' } },
  { name: 'the prebuilt standard library, panic = "abort" (`make build SIZE_STD=0`)', env: { RUSTC_BOOTSTRAP: '', RUSTFLAGS: '' }, std: [] },
];

async function buildVariant(root, { env, std = SDK_STD }) {
  const targetDir = join(root, 'target/size-steps');
  execFileSync('cargo', ['build', '--release', '--target', TARGET, '-p', 'reshelf', ...std], {
    cwd: root, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CARGO_TARGET_DIR: targetDir, ...SDK_ENV, ...env },
  });
  const out = mkdtempSync(join(tmpdir(), 'reshelf-size-'));
  try {
    execFileSync('wasm-bindgen', ['--target', 'web', '--out-dir', out, '--out-name', 'reshelf_capture',
      join(targetDir, TARGET, 'release/reshelf.wasm')], { cwd: root });
    const bindgen = join(out, 'reshelf_capture_bg.wasm');
    execFileSync(join(root, 'node_modules/.bin/wasm-opt'), [...WASM_OPT_FLAGS, bindgen, '-o', join(out, 'opt.wasm')]);
    return await compressedSizes(readFileSync(join(out, 'opt.wasm')));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export async function sizeSteps(root) {
  // The capture module: the one on the critical path.
  const shipped = JSON.parse(readFileSync(join(root, 'pkg/sizes.json'), 'utf8'))['capture wasm'];
  const rows = [{ name: 'shipped: opt-level "z", fat LTO, 1 codegen unit, a standard library built for size, panic = immediate-abort, no panic locations or Debug formatting, wasm-opt -Oz', wasm: shipped }];
  rows.push({ name: 'without wasm-opt (its output also drops the function-name section)', wasm: await compressedSizes(readFileSync(join(root, 'target/wasm-bindgen/reshelf_capture_bg.wasm'))) });
  for (const v of VARIANTS) {
    console.error(`size steps: building the wasm with ${v.name}`);
    rows.push({ name: v.name, wasm: await buildVariant(root, v) });
  }
  return {
    rows: rows.map((r) => ({ ...r, gzip_vs_shipped: r.wasm.gzip - shipped.gzip })),
    history: JSON.parse(readFileSync(join(root, 'bench/size-history.json'), 'utf8')),
  };
}
