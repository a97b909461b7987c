// The size guard, run by `make test` after the build: no artefact's gzip size may exceed the
// size recorded in bench/size-record.json by more than 5%. A deliberate growth updates the
// record in the same commit: `node bench/size-guard.mjs --update`.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SIZE_BUDGETS } from './budgets.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RECORD = join(ROOT, 'bench', 'size-record.json');
const TOLERANCE = 0.05;

const current = JSON.parse(readFileSync(join(ROOT, 'pkg', 'sizes.json'), 'utf8'));

if (process.argv.includes('--update')) {
  const record = Object.fromEntries(Object.entries(current).map(([name, s]) => [name, { gzip: s.gzip }]));
  writeFileSync(RECORD, JSON.stringify(record, null, 2) + '\n');
  console.log(`size record updated: ${RECORD}`);
  process.exit(0);
}

const record = JSON.parse(readFileSync(RECORD, 'utf8'));
let failed = false;
console.log(`${'artefact'.padEnd(44)} recorded   current    change  (gzip bytes; limit +5%)`);
for (const [name, { gzip: recorded }] of Object.entries(record)) {
  const now = current[name]?.gzip;
  if (now === undefined) {
    console.log(`${name.padEnd(44)} ${String(recorded).padStart(9)}   missing from pkg/sizes.json`);
    failed = true;
    continue;
  }
  const change = (now - recorded) / recorded;
  const over = change > TOLERANCE;
  failed ||= over;
  console.log(`${name.padEnd(44)} ${String(recorded).padStart(9)} ${String(now).padStart(9)} ${(change * 100).toFixed(1).padStart(8)}%${over ? '  OVER' : ''}`);
}
// The light-start budgets (BENCHMARKS.md), reported here and in `make bench`; the guard
// itself fails only on growth over the record.
for (const [name, limit] of Object.entries(SIZE_BUDGETS)) {
  const now = current[name]?.gzip;
  if (now !== undefined) console.log(`budget: ${name} ${now} B gzip, budget ${limit} B: ${now <= limit ? 'met' : 'NOT met'}`);
}
if (failed) {
  console.error('\nsize guard: an artefact grew more than 5% over bench/size-record.json. If the growth is deliberate, run `node bench/size-guard.mjs --update` and commit the record with the change.');
  process.exit(1);
}
