// Where each module's bytes are: every function `twiggy top` lists in wasm-bindgen's output
// (before wasm-opt strips the function names twiggy reads), grouped by the crate its name
// starts with, plus the largest single functions. Sizes are of that unoptimised file: a guide
// to where the bytes are, not the shipped sizes (pkg/sizes.json has those).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const MODULES = { capture: 'reshelf_capture_bg.wasm', engine: 'reshelf_engine_bg.wasm' };
const TOP = 12;

/** The crate a twiggy item belongs to: `<serde_wasm_bindgen::de::…>` → serde_wasm_bindgen. */
function crateOf(name) {
  if (name.startsWith('"function names"')) return '(function names: stripped by wasm-opt)';
  if (name.startsWith('data segment')) return '(data: strings, tables, weights)';
  const m = /^[<&\s*]*(?:dyn\s+|mut\s+)*([A-Za-z_][A-Za-z0-9_]*)/.exec(name);
  if (!m) return '(other)';
  return m[1] === 'impl' || m[1].startsWith('func') || m[1] === 'table' || m[1] === 'elem' ? '(wasm sections, glue)' : m[1];
}

/** `{ capture: { total, crates: [{ crate, bytes }], largest: [{ bytes, item }] }, engine: … }`. */
export function twiggyReport(root) {
  const out = {};
  for (const [name, file] of Object.entries(MODULES)) {
    let text;
    try {
      text = execFileSync('twiggy', ['top', '-n', '1000000', '-f', 'json', join(root, 'target/wasm-bindgen', file)], {
        encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
      });
    } catch (err) {
      return { skipped: `twiggy is not installed or failed (${err.message.split('\n')[0]}); \`cargo install twiggy\`` };
    }
    const items = JSON.parse(text);
    const total = items.reduce((n, i) => n + i.shallow_size, 0);
    const crates = new Map();
    for (const i of items) crates.set(crateOf(i.name), (crates.get(crateOf(i.name)) ?? 0) + i.shallow_size);
    out[name] = {
      total,
      crates: [...crates].map(([crate, bytes]) => ({ crate, bytes })).sort((a, b) => b.bytes - a.bytes).slice(0, TOP),
      largest: items
        .filter((i) => !i.name.startsWith('"function names"') && !i.name.startsWith('data segment'))
        .slice(0, TOP)
        .map((i) => ({ bytes: i.shallow_size, item: i.name.replace(/::h[0-9a-f]{16}$/, '').replace(/\[[0-9a-f]{16}\]/g, '') })),
    };
  }
  return out;
}
