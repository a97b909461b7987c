// How big an artefact is on the wire: raw, gzip (level 9) and brotli (quality 11) bytes.
// Used by the build's size report and by the benchmarks that rebuild the wasm.
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

export const compressedSizes = (bytes) => ({
  raw: bytes.length,
  gzip: gzipSync(bytes, { level: 9 }).length,
  brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
});
