// `node bench/run.mjs --only reads`: the read routes over a year of stored sessions.
//
// For each store and size, the generator (`raw_insert --spread-days 400`: sessions spread
// over 400 days, varied arm, ranker, device, source, pages and categories, written through
// `Store::upsert`, so the rollups are maintained as ingest maintains them) fills a fresh
// store; then reshelf-server (profile `server`) is started on it and asked, one request at a
// time, for `/v1/insights` (90 and 400 days) and `/v1/page-stats`. The page-stats feed is
// served from the server's cache after the first request, so its first request (the one
// that reads the rollups) is reported apart. Peak RSS is the server's VmHWM after the reads.
// RESHELF_BENCH_READS_SIZES=100000,1000000,10000000 sets the sizes (default: 100k and 1M);
// RESHELF_BENCH_READS_STORES=sqlite (or postgres) measures one store only.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { binaries, PG_URL, postgresReachable, psql, sessionBytes, startIngestServer } from './ingest.mjs';
import { quantile } from './stats.mjs';

const SITE = 'bench';
const ADMIN = 'bench-admin';
const REQUESTS = 40;
/** The generator's time limit per store and size. */
const GENERATE_LIMIT_SECS = 3600;

export const BUDGETS = { p50_ms: 100, p99_ms: 300, peak_rss_mb: 300 };

const round = (x, d = 1) => Number(x.toFixed(d));

function sizes() {
  const env = process.env.RESHELF_BENCH_READS_SIZES;
  return env ? env.split(',').map(Number).filter((n) => n > 0) : [100_000, 1_000_000];
}

function peakRss(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return round(Number(status.match(/^VmHWM:\s+(\d+) kB/m)[1]) / 1024);
}

async function timed(url, headers) {
  const t0 = performance.now();
  const res = await fetch(url, { headers });
  const body = await res.text();
  const ms = performance.now() - t0;
  if (!res.ok) throw new Error(`${url}: ${res.status} ${body.slice(0, 200)}`);
  return { ms, body };
}

async function series(url, headers) {
  const ms = [];
  for (let i = 0; i < REQUESTS; i += 1) ms.push((await timed(url, headers)).ms);
  return { p50_ms: round(quantile(ms, 0.5), 2), p99_ms: round(quantile(ms, 0.99), 2), max_ms: round(Math.max(...ms), 2) };
}

function generate(root, rows, templatePath, { dataDir, schema }) {
  const args = ['--template', templatePath, '--rows', String(rows), '--batch', '500',
    '--concurrency', schema ? '4' : '1', '--site', SITE, '--spread-days', '400'];
  if (schema) args.push('--database-url', PG_URL, '--database-schema', schema);
  else args.push('--data-dir', dataDir);
  const out = execFileSync(binaries(root).rawInsert, args, {
    env: { ...process.env, RUST_LOG: 'warn' },
    timeout: GENERATE_LIMIT_SECS * 1000,
  });
  return JSON.parse(out.toString().trim().split('\n').at(-1));
}

async function benchOne(root, backend, rows, templatePath, log) {
  const dir = mkdtempSync(join(tmpdir(), 'reshelf-reads-'));
  const schema = backend === 'postgres' ? `reshelf_reads_${process.pid}_${rows}` : null;
  const dataDir = join(dir, 'data');
  try {
    log(`reads: ${backend} ${rows.toLocaleString('en')} sessions: generating`);
    const gen = generate(root, rows, templatePath, { dataDir, schema });
    const server = await startIngestServer(root, {
      dataDir, adminToken: ADMIN, ...(schema ? { databaseUrl: PG_URL, schema } : {}),
    });
    try {
      const auth = { authorization: `Bearer ${ADMIN}` };
      const base = `${server.url}/v1`;
      const first = await timed(`${base}/page-stats?site=${SITE}`, {});
      const insights90 = await series(`${base}/insights?site=${SITE}`, auth);
      const insights400 = await series(`${base}/insights?site=${SITE}&days=400`, auth);
      const report = JSON.parse((await timed(`${base}/insights?site=${SITE}&days=400`, auth)).body);
      const pageStats = await series(`${base}/page-stats?site=${SITE}`, {});
      const peak = peakRss(server.pid);
      return {
        rows,
        generator: { secs: round(gen.secs), per_sec: Math.round(gen.per_sec) },
        stored_sessions_seen: report.sessions,
        insights_90d: insights90,
        insights_400d: insights400,
        page_stats_first_ms: round(first.ms, 2),
        page_stats: pageStats,
        peak_rss_mb: peak,
      };
    } finally {
      await server.stop();
    }
  } finally {
    if (schema) psql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchReads(root, { log = (s) => console.error(s) } = {}) {
  const template = sessionBytes(root).long.summary;
  const tmp = mkdtempSync(join(tmpdir(), 'reshelf-template-'));
  const templatePath = join(tmp, 'summary.json');
  writeFileSync(templatePath, JSON.stringify(template));
  const out = { setup: { requests: REQUESTS, spread_days: 400, sizes: sizes() }, budgets: BUDGETS };
  const pgSkip = postgresReachable();
  const stores = (process.env.RESHELF_BENCH_READS_STORES ?? 'sqlite,postgres').split(',');
  for (const backend of ['sqlite', 'postgres'].filter((b) => stores.includes(b))) {
    if (backend === 'postgres' && pgSkip) {
      out.postgres = { skipped: pgSkip };
      continue;
    }
    out[backend] = [];
    for (const rows of sizes()) out[backend].push(await benchOne(root, backend, rows, templatePath, log));
  }
  const runs = [...(out.sqlite ?? []), ...(Array.isArray(out.postgres) ? out.postgres : [])];
  out.met = {
    latency: runs.every((r) => [r.insights_90d, r.insights_400d, r.page_stats].every((x) => x.p50_ms <= BUDGETS.p50_ms && x.p99_ms <= BUDGETS.p99_ms)),
    memory: runs.every((r) => r.peak_rss_mb <= BUDGETS.peak_rss_mb),
  };
  rmSync(tmp, { recursive: true, force: true });
  return out;
}
