// The npm package as an app gets it: `npm pack pkg/`, installed from the tarball into a
// scratch project (no network: the tarball is unpacked into node_modules/reshelf, react and
// react-dom are the workspace's), type-checked with tsc under `strict`, and the React example
// (www/react/) built with Vite and served by reshelf-server as the site root.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, ENGINE, appWithEngine, startServer, startBrowser, openPage, eventually } from './harness.mjs';

const BIN = join(ROOT, 'node_modules', '.bin');
const MODULES = JSON.parse(readFileSync(join(ROOT, 'pkg', 'modules.json'), 'utf8'));
const env = {};

function run(cmd, args, cwd) {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  } catch (err) {
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${err.stdout}\n${err.stderr}`);
  }
}

before(async () => {
  env.tmp = mkdtempSync(join(tmpdir(), 'reshelf-npm-'));
  const [packed] = JSON.parse(run('npm', ['pack', join(ROOT, 'pkg'), '--pack-destination', env.tmp, '--json', '--loglevel', 'error'], ROOT));
  env.packed = packed;

  const app = join(env.tmp, 'app');
  env.app = app;
  const modules = join(app, 'node_modules');
  mkdirSync(join(modules, 'reshelf'), { recursive: true });
  run('tar', ['-xzf', join(env.tmp, packed.filename), '-C', join(modules, 'reshelf'), '--strip-components=1'], env.tmp);
  for (const dep of ['react', 'react-dom', 'scheduler']) symlinkSync(join(ROOT, 'node_modules', dep), join(modules, dep), 'dir');
  writeFileSync(join(app, 'package.json'), JSON.stringify({
    name: 'reshelf-npm-e2e',
    private: true,
    type: 'module',
    dependencies: { reshelf: `file:${join(env.tmp, packed.filename)}`, react: '*', 'react-dom': '*' },
  }, null, 2));
  cpSync(join(ROOT, 'www', 'react'), app, { recursive: true });
  // The run's engine (RESHELF_E2E_ENGINE) for the example as for the storefront.
  if (ENGINE !== 'worker') {
    const main = join(app, 'main.js');
    writeFileSync(main, appWithEngine(readFileSync(main, 'utf8'), ENGINE));
  }
});

after(async () => {
  await env.chrome?.close();
  await env.server?.stop();
  if (env.tmp) rmSync(env.tmp, { recursive: true, force: true });
});

test('the tarball ships every file the package names, and its exports resolve', () => {
  const files = env.packed.files.map((f) => f.path).sort();
  assert.deepEqual(files, [
    'README.md', 'index.d.ts', 'index.js', 'modules.json', 'package.json', 'react.d.ts', 'react.js',
    MODULES.engine_script, 'reshelf-sw.js', MODULES.sync_script, 'reshelf.js', MODULES.capture, MODULES.engine, 'snippet.json', 'sri.json',
  ].sort());
  const installed = join(env.app, 'node_modules', 'reshelf');
  const resolved = run('node', ['--input-type=module', '-e', `
    for (const s of ['reshelf', 'reshelf/react', 'reshelf/script', 'reshelf/sw', 'reshelf/capture.wasm', 'reshelf/engine.wasm', 'reshelf/engine-worker', 'reshelf/sync-script', 'reshelf/snippet.json']) {
      console.log(import.meta.resolve(s).replace(${JSON.stringify(`file://${installed}/`)}, ''));
    }`], env.app).trim().split('\n');
  assert.deepEqual(resolved, ['index.js', 'react.js', 'reshelf.js', 'reshelf-sw.js', MODULES.capture, MODULES.engine, MODULES.engine_script, MODULES.sync_script, 'snippet.json']);
});

test('tsc --strict type-checks an app against the package types', () => {
  writeFileSync(join(env.app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, target: 'es2022', module: 'esnext', moduleResolution: 'bundler',
      lib: ['es2022', 'dom'], types: [], skipLibCheck: false,
    },
    files: ['main.ts'],
  }));
  writeFileSync(join(env.app, 'main.ts'), `
import { init, type Reshelf, type Decision, type Options } from 'reshelf';
import { useRanked, useVariant, useReshelf } from 'reshelf/react';

interface Product { id: string; category: string; price: number; name: string }
const options: Options = { site: 'shop', endpoint: '/v1', key: 'k', holdout: 0.1, consent: 'pending' };
const reshelf: Reshelf = await init(options);
const products: Product[] = [{ id: 'a', category: 'shoes', price: 10, name: 'A' }];
const ranked: Product[] = reshelf.rank('home', products);
const names: string[] = ranked.map((p) => p.name);
const variant: string | null = reshelf.variant('hero', ['sale']);
const off: () => void = reshelf.on('decision', (d: Decision) => console.log(d.kind, d.slot, d.moved));
reshelf.on('intent', (i) => console.log(i.score.toFixed(2)));
const state = reshelf.state();
const intent: number | null = state ? state.intent : null;
const fromHook: Product[] = useRanked('home', products);
const hookVariant: string | null = useVariant('hero', ['sale']);
const instance: Reshelf | null = useReshelf({ site: 'shop' });
// @ts-expect-error holdout is a number
void init({ holdout: 'all' });
// @ts-expect-error rank() needs items with an id
reshelf.rank('home', [{ name: 'x' }]);
// @ts-expect-error no such topic
reshelf.on('click', () => {});
console.log(names, variant, off, intent, fromHook, hookVariant, instance);
export {};
`);
  run(join(BIN, 'tsc'), ['-p', env.app], env.app);
});

test('Vite builds the React example from the package; it ranks, re-renders on decisions, and never errors', async () => {
  run(join(BIN, 'vite'), ['build', '--outDir', 'dist', '--emptyOutDir', '--logLevel', 'warn'], env.app);
  const dist = join(env.app, 'dist');
  const assets = readdirSync(join(dist, 'assets'));
  for (const name of ['reshelf_capture', 'reshelf_engine']) {
    assert.ok(assets.some((f) => f.startsWith(`${name}.`) && f.endsWith('.wasm')), `${name} emitted by Vite: ${assets}`);
  }

  env.server = await startServer({ www: dist });
  env.chrome = await startBrowser();
  const { page, log, context } = await openPage(env.chrome.browser);
  const wasm = [];
  const failed = [];
  page.on('response', (r) => {
    if (r.url().endsWith('.wasm')) wasm.push({ path: new URL(r.url()).pathname, status: r.status() });
    if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(`${env.server.url}/`);
  await page.waitForSelector('main[data-ready="true"]');
  assert.equal(await page.evaluate(() => window.reshelfReact.active), true, 'the SDK is active');
  // Capture first; the engine after first paint.
  await eventually(() => wasm.length === 2, 10000, 'both modules');
  assert.equal(wasm.length, 2, JSON.stringify(wasm));
  assert.match(wasm[0].path, /^\/assets\/reshelf_capture\..*\.wasm$/, 'the capture module Vite emitted, not /reshelf/');
  assert.match(wasm[1].path, /^\/assets\/reshelf_engine\..*\.wasm$/, 'the engine Vite emitted');
  assert.ok(wasm.every((w) => w.status === 200), JSON.stringify(wasm));

  const order = (slot) => page.$$eval(`[data-list="${slot}"] [data-reshelf-item]`, (els) => els.map((e) => e.dataset.reshelfItem));
  const ranked = () => page.evaluate(() => window.reshelfReact.rank('featured', window.reshelfFeatured).map((p) => p.id));
  // The engine attaches after first paint (in a worker by default, answering later): the list
  // renders in the order rank() gives once every answer is in.
  await eventually(async () => JSON.stringify(await order('featured')) === JSON.stringify(await ranked()), 10000,
    'the list rendered in the order rank() gives');
  assert.equal(await page.getAttribute('[data-promo]', 'data-promo'), 'default');
  const before = await order('featured');

  await page.evaluate(() => {
    window.decisions = [];
    window.reshelfReact.on('decision', (d) => window.decisions.push(d.slot ?? d.section));
  });
  // Adding a watch changes the suggestions (ranked anew: a decision), and that decision
  // re-renders the featured list, whose items did not change, in the new order.
  await page.click('[data-list="featured"] [data-reshelf-item="wat-01"] button');
  await page.waitForFunction(() => document.querySelector('[data-list="featured"] [data-reshelf-item]').dataset.reshelfItem !== 'sho-01');
  await eventually(async () => JSON.stringify(await order('featured')) === JSON.stringify(await ranked()), 5000,
    'the re-rendered list in the order rank() gives now');
  const after = await order('featured');
  assert.notDeepEqual(after, before);
  assert.match(after[0], /^wat-/, `watches first: ${after}`);
  assert.equal((await order('more'))[0], 'wat-03');
  await page.waitForSelector('[data-promo="free-shipping"]');
  const decisions = await page.evaluate(() => window.decisions);
  for (const d of ['more', 'featured', 'promo']) assert.ok(decisions.includes(d), `decision for ${d}: ${decisions}`);
  const logged = await page.evaluate(() => window.reshelfReact.state().decisions.map((d) => d.slot ?? d.section));
  assert.ok(logged.includes('featured'), `logged: ${logged}`);

  assert.deepEqual(log.errors, []);
  assert.deepEqual(failed, []);
  assert.deepEqual(log.console.filter((m) => m.type === 'error' || m.type === 'warning'), []);
  await context.close();
});
