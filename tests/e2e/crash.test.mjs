// Durability: the server is killed with SIGKILL in the middle of a loopback load; after a
// restart on the same SQLite file, every summary it acknowledged with a 2xx is there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer, DEMO_KEY } from './harness.mjs';
import { storedSessions } from './sqlite.mjs';

const WORKERS = 8;
const BATCH = 20;
const MAX_BATCHES = 600; // bounded in count...
const KILL_AFTER_MS = 1200; // ...and in time

function summary(sid) {
  const ts = Math.floor(Date.now() / 3600000) * 3600 - 3600;
  return {
    v: 1, sid, seq: 1, ctl: false, model: 'intent-1.0.0', pv: [1, 0, 3], secs: [10, 0, 90],
    pages: '0000000a0000000b', cats: [['shoes', 100]], intent: '40', dec: [],
    out: { c: 0, p: false, vb: 0 }, dev: 'd', br: 'c', src: 'd', hr: 10, wd: 1, mo: 10,
    ts, ret: false, sd: 0,
  };
}

function post(agent, url, body) {
  return new Promise((resolve) => {
    const req = http.request(url, {
      method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(0)); // the server died mid-request: not acknowledged
    req.end(body);
  });
}

test('every summary acknowledged before a SIGKILL is stored after the restart', async () => {
  const server = await startServer();
  const url = `${server.url}/v1/summaries?site=demo&key=${DEMO_KEY}`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: WORKERS });
  const acked = new Set();
  const sent = new Set();
  let batches = 0;
  let dead = false;
  const worker = async (w) => {
    for (let n = 0; !dead && batches < MAX_BATCHES; n++) {
      batches++;
      const sids = Array.from({ length: BATCH }, (_, i) => `w${w}-b${n}-s${i}`);
      sids.forEach((s) => sent.add(s));
      const status = await post(agent, url, JSON.stringify({ summaries: sids.map(summary) }));
      if (status === 200) sids.forEach((s) => acked.add(s));
      if (status === 0) return;
    }
  };
  const load = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
  await new Promise((r) => setTimeout(r, KILL_AFTER_MS));
  dead = true;
  server.child.kill('SIGKILL');
  await load;
  agent.destroy();
  if (server.child.exitCode === null && server.child.signalCode === null) {
    await new Promise((r) => server.child.once('exit', r));
  }
  assert.ok(acked.size > 0, 'the load got some summaries acknowledged before the kill');
  assert.ok(acked.size < sent.size, 'the kill interrupted the load');

  const again = await startServer({ dataDir: server.dataDir });
  try {
    const stored = new Set(storedSessions(again.dataDir, 'demo').map((r) => r.sid));
    const lost = [...acked].filter((s) => !stored.has(s));
    assert.deepEqual(lost, [], `${lost.length} of ${acked.size} acknowledged summaries lost`);
    for (const s of stored) assert.ok(sent.has(s), `stored ${s} was never sent`);
    // The restarted server answers and counts what is there.
    const health = await (await fetch(`${again.url}/healthz`)).json();
    assert.equal(health.status, 'ok');
  } finally {
    await again.stop();
  }
});
