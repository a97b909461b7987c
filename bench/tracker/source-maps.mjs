// Maps a profiled function of pkg/'s minified scripts back to src/js, with the source maps
// that `RESHELF_SOURCEMAP=1 node src/js/build.mjs` writes beside them (never shipped: the
// scripts carry no sourceMappingURL). Node's own source-map reader, no dependency.
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PKG = join(ROOT, 'pkg');
const maps = new Map();

function mapOf(file) {
  if (!maps.has(file)) {
    const path = join(PKG, `${file}.map`);
    maps.set(file, existsSync(path) ? new SourceMap(JSON.parse(readFileSync(path, 'utf8'))) : null);
  }
  return maps.get(file);
}

/**
 * `fn`: `name file:line:column` as bench/tracker/profile.mjs names a frame (1-based).
 * Returns `src/js/<file>:line:column` (1-based) where that function starts, or null for
 * wasm, for a script without a map, or for a place the map does not cover.
 */
export function sourceOf(fn) {
  const m = / ([^ ]+\.js):(\d+):(\d+)$/.exec(fn);
  if (!m) return null;
  const map = mapOf(m[1]);
  const entry = map && map.findEntry(Number(m[2]) - 1, Number(m[3]) - 1);
  if (!entry || !entry.originalSource) return null;
  const source = relative(ROOT, fileURLToPath(new URL(entry.originalSource, `file://${PKG}/`)));
  return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
}
