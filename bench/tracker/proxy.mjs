// The store's origin in the comparison: a reverse proxy on 127.0.0.1 in front of the real
// reshelf-server. Every variant loads the demo through it, so all three see the same
// network path, and no Playwright request interception (which would pause requests,
// beacons included, in the browser) is needed:
// - it rewrites the demo's HTML for the variant being measured (see variants.mjs);
// - it records every request as it arrived — reshelf's summaries and beacons to /v1/ are
//   counted here, bodies as received, like posthog-js's at the recorder.
import http from 'node:http';
import { rewriteHtml } from './variants.mjs';

/** Request line plus headers as sent (HTTP/1.1), to within the separators. */
const headerBytes = (req) => {
  let n = req.method.length + req.url.length + 12;
  for (let i = 0; i < req.rawHeaders.length; i += 2) n += req.rawHeaders[i].length + req.rawHeaders[i + 1].length + 4;
  return n + 2;
};

/**
 * Starts the proxy in front of `upstream` (the reshelf-server's base URL); `upstreams` maps
 * a variant to another server (one serving another build, for an A/B). `setVariant(v)`
 * chooses how pages are served from then on; `take()` returns and clears the request log.
 */
export function startProxy({ upstream, apiHost, upstreams = {} }) {
  const base = new URL(upstream);
  const ups = Object.fromEntries(Object.entries(upstreams).map(([v, u]) => [v, new URL(u)]));
  let variant = 'reshelf';
  let log = [];
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    const chunks = [];
    const entry = { at: Date.now(), method: req.method, path: new URL(req.url, 'http://proxy').pathname, body_bytes: 0, header_bytes: headerBytes(req), status: 0, response_bytes: 0 };
    log.push(entry);
    // The Host header is passed on as the browser sent it (the store's origin): the server's
    // same-origin check on /v1/ compares it with the Origin of reshelf's requests.
    const headers = { ...req.headers };
    // reshelf-server does not compress; asking for identity keeps the HTML rewritable
    // without changing what any variant receives.
    delete headers['accept-encoding'];
    const up = ups[variant] || base;
    const out = http.request({ agent, host: up.hostname, port: up.port, method: req.method, path: req.url, headers }, (upRes) => {
      entry.status = upRes.statusCode;
      const type = String(upRes.headers['content-type'] || '');
      // HTML is buffered in every variant (rewritten in two of them), so all three get
      // their pages the same way; validators are dropped as a rewritten page has none.
      if (type.startsWith('text/html')) {
        const parts = [];
        upRes.on('data', (c) => parts.push(c));
        upRes.on('end', () => {
          let body = Buffer.concat(parts).toString('utf8');
          try {
            body = rewriteHtml(body, variant, apiHost);
          } catch (err) {
            entry.not_rewritten = String(err.message); // checked by the caller
          }
          const buf = Buffer.from(body);
          entry.response_bytes = buf.length;
          const h = { ...upRes.headers, 'content-length': String(buf.length) };
          delete h['transfer-encoding'];
          delete h['last-modified'];
          delete h.etag;
          res.writeHead(upRes.statusCode, h);
          res.end(buf);
        });
        return;
      }
      upRes.on('data', (c) => (entry.response_bytes += c.length));
      res.writeHead(upRes.statusCode, upRes.headers);
      upRes.pipe(res);
    });
    out.on('error', (err) => {
      entry.status = 502;
      entry.error = String(err.message);
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      entry.body = Buffer.concat(chunks); // kept for wire.mjs to decode; not part of the results
      entry.body_bytes = entry.body.length;
    });
    req.pipe(out);
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok({
      url: `http://127.0.0.1:${server.address().port}`,
      setVariant: (v) => (variant = v),
      take: () => { const out = log; log = []; return out; },
      close: () => new Promise((done) => { agent.destroy(); server.closeAllConnections(); server.close(done); }),
    }));
  });
}
