// Short names for the imports and exports wasm-bindgen gives a module. It names each import
// for the binding and a 16-hex-digit hash (`__wbg_getAttribute_cace8fd3f94c091d`), and every
// name is written twice: in the module's import section and as a key of the glue's import
// object. Hashes do not compress: the capture module's 154 names cost 3.3 KB gzip in the wasm
// and 2.1 KB in the glue (BENCHMARKS.md, size steps). Exports are named for the Rust item, a
// closure's invoker for its whole monomorphised type (up to 300 characters), and each is
// written in the export section and again as `wasm.<name>` in the glue. Emscripten ships
// minified import and export names for the same reason.
//
// Only the import section's field names and the export section's names change (module names
// and code stay). An export is renamed only where the glue reads it as `wasm.<name>`, and every
// such read follows; `memory` keeps its name, which reshelf.js reads too. Each renamed import
// must be a key of the glue exactly once, so a glue of another shape fails the build instead
// of shipping a module whose imports do not resolve.

/** `[value, next offset]` of the unsigned LEB128 at `at`. */
function uleb(bytes, at) {
  let value = 0;
  let shift = 0;
  let byte;
  do {
    byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, at];
}

function leb(n) {
  const out = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return Buffer.from(out);
}

/** Offset past the import description (function, table, memory, global, tag) at `at`. */
function skipDescription(bytes, at) {
  const kind = bytes[at++];
  const limits = (i) => {
    const [flags, afterFlags] = uleb(bytes, i);
    let [, next] = uleb(bytes, afterFlags);
    if (flags & 1) [, next] = uleb(bytes, next);
    return next;
  };
  switch (kind) {
    case 0: return uleb(bytes, at)[1];
    case 1: return limits(at + 1);
    case 2: return limits(at);
    case 3: return at + 2;
    case 4: return uleb(bytes, at + 1)[1];
    default: throw new Error(`short-imports: unknown import kind ${kind}`);
  }
}

/** `a`, `b`, … `Z`, `ba`, …: the `i`-th short name. */
function shortName(i) {
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  let name = '';
  do {
    name += letters[i % letters.length];
    i = Math.floor(i / letters.length);
  } while (i);
  return name;
}

/**
 * The export section's body (`Buffer`) with every export the glue reads (`read`), but
 * `memory`, renamed in `names`. One the glue does not read keeps its name.
 */
function renameExports(bytes, start, end, read, names) {
  let [count, i] = uleb(bytes, start);
  const body = [leb(count)];
  while (count--) {
    const [length, nameAt] = uleb(bytes, i);
    const name = bytes.toString('utf8', nameAt, nameAt + length);
    const [, next] = uleb(bytes, nameAt + length + 1); // kind byte, then the item's index
    let renamed = name;
    if (name !== 'memory' && read.has(name)) {
      names.set(name, shortName(names.size));
      renamed = names.get(name);
    }
    body.push(leb(Buffer.byteLength(renamed)), Buffer.from(renamed), bytes.subarray(nameAt + length, next));
    i = next;
  }
  if (i !== end) throw new Error('short-imports: the export section did not parse to its end');
  return Buffer.concat(body);
}

const EXPORT_READ = /\bwasm\.([A-Za-z0-9_$]+)/g;

/** `glue` with each export in `names` read as `wasm.<short name>`. */
function renameExportReads(glue, names) {
  return glue.replace(EXPORT_READ, (read, name) => (names.has(name) ? `wasm.${names.get(name)}` : read));
}

/**
 * The module (`Uint8Array`) and its wasm-bindgen glue (JS source) with every
 * `__wbg_…`/`__wbindgen_…` import, and every export the glue reads but `memory`, renamed to a
 * short name. Returns `{ wasm: Buffer, glue: string, renamed: number, renamedExports: number }`;
 * throws when the module is not wasm or a renamed import is not a key of the glue exactly once.
 */
export function shortenImports(wasm, glue) {
  const bytes = Buffer.from(wasm);
  if (bytes.length < 8 || bytes.readUInt32LE(0) !== 0x6d736100) throw new Error('short-imports: not a wasm module');
  const names = new Map();
  const exportNames = new Map();
  const exportsRead = new Set(Array.from(glue.matchAll(EXPORT_READ), (m) => m[1]));
  const parts = [bytes.subarray(0, 8)];
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, start] = uleb(bytes, at + 1);
    const end = start + size;
    if (id === 7) {
      const section = renameExports(bytes, start, end, exportsRead, exportNames);
      parts.push(Buffer.from([7]), leb(section.length), section);
      at = end;
      continue;
    }
    if (id !== 2) {
      parts.push(bytes.subarray(at, end));
      at = end;
      continue;
    }
    let [count, i] = uleb(bytes, start);
    const body = [leb(count)];
    while (count--) {
      const [moduleLength, moduleAt] = uleb(bytes, i);
      const moduleName = bytes.subarray(i, moduleAt + moduleLength);
      const [fieldLength, fieldAt] = uleb(bytes, moduleAt + moduleLength);
      const field = bytes.toString('utf8', fieldAt, fieldAt + fieldLength);
      const descriptionAt = fieldAt + fieldLength;
      i = skipDescription(bytes, descriptionAt);
      let renamed = field;
      if (/^__wb(g|indgen)_/.test(field)) {
        if (!names.has(field)) names.set(field, shortName(names.size));
        renamed = names.get(field);
      }
      body.push(moduleName, leb(Buffer.byteLength(renamed)), Buffer.from(renamed), bytes.subarray(descriptionAt, i));
    }
    if (i !== end) throw new Error('short-imports: the import section did not parse to its end');
    const section = Buffer.concat(body);
    parts.push(Buffer.from([2]), leb(section.length), section);
    at = end;
  }
  const seen = new Map();
  const out = renameExportReads(glue, exportNames).replace(/\b__wb(?:g|indgen)_[A-Za-z0-9_]+(?=\s*:)/g, (key) => {
    if (!names.has(key)) return key;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    return names.get(key);
  });
  for (const name of names.keys()) {
    if (seen.get(name) !== 1) throw new Error(`short-imports: ${name} is a key of the glue ${seen.get(name) ?? 0} times, not once`);
  }
  return { wasm: Buffer.concat(parts), glue: out, renamed: names.size, renamedExports: exportNames.size };
}
