// A stand-in for PostHog's cloud on 127.0.0.1, which posthog-js is pointed at as its
// `api_host`. It serves posthog-js's own browser bundles from bench/node_modules (as PostHog's
// asset CDN would), answers the config and flags endpoints the way PostHog Cloud answers for
// a project with default settings, accepts events, and records every request as it arrived:
// the body's size on the wire (after posthog-js's own compression), the compression it
// declared, the headers' size, and the body itself (to see which events went out). It is
// cross-origin to the store, as the real one is, so every answer carries CORS headers.
import http from 'node:http';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The remote config PostHog Cloud serves for a project left at its defaults (no session
 * replay, surveys, heatmaps, dead clicks, web vitals or exception capture; no feature
 * flags), in posthog-js's `RemoteConfig` shape. `supportedCompression` matters: posthog-js
 * compresses its batches (gzip-js) only when the server advertises it, as the cloud does.
 */
export const remoteConfig = (token) => ({
  token,
  supportedCompression: ['gzip', 'gzip-js'],
  hasFeatureFlags: false,
  captureDeadClicks: false,
  capturePerformance: false,
  autocapture_opt_out: false,
  autocaptureExceptions: false,
  analytics: { endpoint: '/i/v0/e/' },
  elementsChainAsString: true,
  sessionRecording: false,
  heatmaps: false,
  surveys: false,
  defaultIdentifiedOnly: true,
  siteApps: [],
});

const FLAGS = JSON.stringify({ flags: {}, featureFlags: {}, featureFlagPayloads: {}, errorsWhileComputingFlags: false, quotaLimited: [], requestId: 'bench' });

/** Request line plus headers as sent (HTTP/1.1), to within the separators. */
const headerBytes = (req) => {
  let n = req.method.length + req.url.length + 12;
  for (let i = 0; i < req.rawHeaders.length; i += 2) n += req.rawHeaders[i].length + req.rawHeaders[i + 1].length + 4;
  return n + 2;
};

/**
 * Starts the recorder. `dist` is posthog-js's dist/ directory. Resolves with its origin, the
 * request log (`take()` returns and clears it) and `close()`.
 */
export function startRecorder({ dist, token = 'phc_bench' }) {
  let log = [];
  const stamp = new Date().toUTCString();
  const cors = (req) => ({
    'access-control-allow-origin': req.headers.origin || '*',
    'access-control-allow-credentials': 'true',
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers': req.headers['access-control-request-headers'] || 'content-type',
    'access-control-max-age': '86400',
    vary: 'origin',
  });
  // Assets are revalidated on every load (no-cache + Last-Modified), the same policy
  // reshelf-server gives the SDK's files, so neither SDK gets a cache advantage here.
  const asset = (req, type, body, modified) => {
    if (req.headers['if-modified-since'] === modified) return { status: 304, headers: { 'cache-control': 'no-cache', 'last-modified': modified }, body: '' };
    return { status: 200, headers: { 'content-type': type, 'cache-control': 'no-cache', 'last-modified': modified }, body };
  };
  const answer = (req, path) => {
    if (req.method === 'OPTIONS') return { status: 204, headers: {}, body: '' };
    let m = path.match(/^\/static\/(?:[\d.]+\/)?([\w.-]+\.js)$/);
    if (m && req.method === 'GET') {
      try {
        const file = join(dist, m[1]);
        return asset(req, 'text/javascript', readFileSync(file), statSync(file).mtime.toUTCString());
      } catch (_) {
        return { status: 404, headers: {}, body: '' };
      }
    }
    m = path.match(/^\/array\/([^/]+)\/config(\.js)?$/);
    if (m) {
      const config = JSON.stringify(remoteConfig(m[1]));
      return m[2]
        ? asset(req, 'text/javascript', `(function(){window._POSTHOG_REMOTE_CONFIG=window._POSTHOG_REMOTE_CONFIG||{};window._POSTHOG_REMOTE_CONFIG[${JSON.stringify(m[1])}]={config:${config},siteApps:[]}})();`, stamp)
        : asset(req, 'application/json', config, stamp);
    }
    if (/^\/(flags|decide)\/?$/.test(path)) return { status: 200, headers: { 'content-type': 'application/json' }, body: FLAGS };
    // Events (/e/, /i/v0/e/, /batch/), replay (/s/), logs, metrics: all accepted.
    return { status: 200, headers: { 'content-type': 'application/json' }, body: '{"status":1}' };
  };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url, 'http://recorder');
      const out = answer(req, url.pathname);
      log.push({
        at: Date.now(),
        method: req.method,
        path: url.pathname,
        compression_param: url.searchParams.get('compression'), // older posthog-js name their encoding here
        content_encoding: req.headers['content-encoding'] || null,
        content_type: req.headers['content-type'] || null,
        fetch_mode: req.headers['sec-fetch-mode'] || null,
        body_bytes: body.length,
        header_bytes: headerBytes(req),
        body, // kept for wire.mjs to decode (which events went out); not part of the results
        status: out.status,
        response_bytes: Buffer.byteLength(out.body),
      });
      res.writeHead(out.status, { ...cors(req), ...out.headers });
      res.end(out.body);
    });
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok({
      origin: `http://127.0.0.1:${server.address().port}`,
      token,
      take: () => { const out = log; log = []; return out; },
      close: () => new Promise((done) => { server.closeAllConnections(); server.close(done); }),
    }));
  });
}
