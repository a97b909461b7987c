// The other way to serve the peer pages: a plain HTTP server on loopback that answers
// /peers/* from the same assets as the routing in serve.mjs and passes every other request
// (reshelf's sync to /v1) through to the reshelf server. Playwright's routing carries each
// body over the DevTools protocol (base64, one round trip per request), which adds tens of
// milliseconds per file on a busy machine and far more for ORT's 14 MB wasm; this serves the
// bytes as a web server would. The pages are then same-origin with this server, not with the
// reshelf server, which only matters for reshelf's sync (passed through).
import { createServer, request } from 'node:http';

export async function startPeerServer(assets, upstream) {
  const target = new URL(upstream);
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path.startsWith('/peers/')) {
      const asset = assets.get(path.slice('/peers/'.length));
      if (!asset) return res.writeHead(404).end();
      const body = asset.body();
      return res.writeHead(200, { 'content-type': asset.type, 'content-length': body.length, 'cache-control': 'no-store' }).end(body);
    }
    const up = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host } }, (r) => {
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    stop: () => new Promise((ok) => {
      server.closeAllConnections?.();
      server.close(ok);
    }),
  };
}
