// Ingest against an earlier build of the server (`node bench/run.mjs --only ingest_ab` with
// RESHELF_BENCH_BASE set): the budget "ingest within 20% of its throughput before the
// rollups" compares this tree's reshelf-server with one built from the commit before them
// (9296d04). Check that commit out beside this tree and build its server:
//
//   git worktree add ../reshelf-base 9296d04
//   (cd ../reshelf-base && cargo build --profile server -p reshelf-server --bin reshelf-server)
//   RESHELF_BENCH_BASE=../reshelf-base node bench/run.mjs --only ingest_ab
//
// The two servers take turns, round after round (the order swapped every round), each on a
// fresh store under the same closed-loop load as the server bench, so both see the same
// machine; the ratio is taken per round and its median reported.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { binaries, closedLoop, makeBodies, PG_URL, postgresReachable, psql, SETUP, sessionBytes, startIngestServer } from './ingest.mjs';
import { quantile } from './stats.mjs';

export const AB_SETUP = {
  base_commit: '9296d04',
  rounds: 8,
  summaries_per_run: 100_000,
  warmup_summaries: 2_000,
  connections: { sqlite: 8, postgres: 16 },
};

const med = (xs) => quantile(xs, 0.5);

async function run(root, store, prefix, template) {
  const schema = store === 'postgres' ? `reshelf_ab_${process.pid}_${prefix.replace(/\W/g, '_')}` : null;
  const server = await startIngestServer(root, schema ? { databaseUrl: PG_URL, schema } : {});
  try {
    await closedLoop(server, makeBodies(template, `${prefix}-warm`, AB_SETUP.warmup_summaries, SETUP.batch), 8);
    const r = await closedLoop(server, makeBodies(template, prefix, AB_SETUP.summaries_per_run, SETUP.batch), AB_SETUP.connections[store]);
    const failed = Object.entries(r.statuses).filter(([s]) => !s.startsWith('2')).reduce((a, [, n]) => a + n, 0);
    if (failed) throw new Error(`${root}: ${failed} answers were not 2xx: ${r.errors.join('; ')}`);
    return r.per_sec;
  } finally {
    await server.stop();
    if (schema) psql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  }
}

/** Interleaved closed-loop runs of this tree's server and the base's, on each store. */
export async function benchIngestAB(root, baseRoot, { log = (s) => console.error(s) } = {}) {
  for (const r of [root, baseRoot]) {
    if (!existsSync(binaries(r).server)) throw new Error(`${binaries(r).server} is missing: cargo build --profile server -p reshelf-server --bin reshelf-server`);
  }
  const template = sessionBytes(root).long.summary;
  const out = { setup: AB_SETUP };
  const unreachable = postgresReachable();
  for (const store of ['sqlite', 'postgres']) {
    if (store === 'postgres' && unreachable) {
      out.postgres = { skipped: unreachable };
      continue;
    }
    const rounds = [];
    for (let k = 0; k < AB_SETUP.rounds; k += 1) {
      const order = k % 2 ? ['current', 'base'] : ['base', 'current'];
      const round = {};
      for (const which of order) round[which] = await run(which === 'base' ? baseRoot : root, store, `${which}${k}`, template);
      round.ratio = Number((round.current / round.base).toFixed(3));
      rounds.push(round);
      log(`  ingest A/B ${store} round ${k}: base ${round.base}/s, current ${round.current}/s, ratio ${round.ratio}`);
    }
    out[store] = {
      rounds,
      base_median_per_sec: med(rounds.map((r) => r.base)),
      current_median_per_sec: med(rounds.map((r) => r.current)),
      ratio_median: Number(med(rounds.map((r) => r.ratio)).toFixed(3)),
      ratio_min: Math.min(...rounds.map((r) => r.ratio)),
      ratio_max: Math.max(...rounds.map((r) => r.ratio)),
    };
  }
  out.budget_ratio = 0.8;
  out.met = Object.fromEntries(['sqlite', 'postgres'].filter((s) => !out[s].skipped).map((s) => [s, out[s].ratio_median >= out.budget_ratio]));
  return out;
}

/** The base tree named by RESHELF_BENCH_BASE (relative to the working directory), or null. */
export const baseRootFromEnv = () => (process.env.RESHELF_BENCH_BASE ? resolve(process.env.RESHELF_BENCH_BASE) : null);
