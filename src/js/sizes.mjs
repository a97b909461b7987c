// How big an artefact is on the wire: raw, gzip, gzip level 9 and brotli (quality 11) bytes.
// Used by the build's size report and by the benchmarks that rebuild the wasm.
//
// `gzip` is the build's precompressed `.gz` copy, made with Zopfli (@gfx/zopfli, Google's
// exhaustive deflate encoder built to wasm): an ordinary gzip stream, 4–5% smaller than zlib's
// level 9, which every browser decodes, and what reshelf-server (and any server that serves
// precompressed files, such as nginx's gzip_static) sends. `gzip_9` is zlib at level 9, what a
// server compressing each response as it goes sends at best; the README and BENCHMARKS.md give
// both.
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

// Zopfli's default; more iterations bought under 20 bytes on the capture module.
const ZOPFLI_ITERATIONS = 15;

/**
 * Zopfli's gzip, imported when first needed: its Emscripten runtime installs process-wide
 * handlers for uncaught exceptions, which a process that never compresses should not get.
 */
let zopfli = null;

/** `bytes` compressed as shipped: `{ gzip, brotli }` buffers (`gzip` by Zopfli). */
export const compressed = async (bytes) => ({
  gzip: Buffer.from(await (zopfli ??= (await import('@gfx/zopfli')).gzipAsync)(bytes, { numiterations: ZOPFLI_ITERATIONS })),
  brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
});

/**
 * The sizes of `bytes` (`{ raw, gzip, gzip_9, brotli }`) and of `copies`, what `compressed`
 * made of them (made here if not given).
 */
export const compressedSizes = async (bytes, copies) => {
  const { gzip, brotli } = copies ?? (await compressed(bytes));
  return {
    raw: bytes.length,
    gzip: gzip.length,
    gzip_9: gzipSync(bytes, { level: 9 }).length,
    brotli: brotli.length,
  };
};
