// How big an artefact is on the wire: raw, gzip (level 9) and brotli (quality 11) bytes.
// Used by the build's size report and by the benchmarks that rebuild the wasm.
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

/** `bytes` compressed as measured: `{ gzip, brotli }` buffers. */
export const compressed = (bytes) => ({
  gzip: gzipSync(bytes, { level: 9 }),
  brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
});

/** The sizes of `bytes` and of `copies`, what `compressed` made of them (made here if not given). */
export const compressedSizes = (bytes, copies = compressed(bytes)) => ({
  raw: bytes.length,
  gzip: copies.gzip.length,
  brotli: copies.brotli.length,
});
