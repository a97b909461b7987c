// Shared set-up for the browser end-to-end tests: the real reshelf-server on a free loopback
// port serving www/ and pkg/, and Debian's Chromium driven by playwright-core.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { before, after } from 'node:test';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CHROMIUM = process.env.RESHELF_CHROMIUM || '/usr/bin/chromium';

/**
 * Where the model engine runs in this run of the suite: `RESHELF_E2E_ENGINE=main` serves the
 * storefront with `data-engine="main"` on its script tags (a copy of the site root, see
 * `siteRoot`), so the same tests cover the engine on the main thread; unset, the default (a
 * worker).
 */
export const ENGINE = process.env.RESHELF_E2E_ENGINE || 'worker';

export const DEMO_KEY = 'demo-public-key';

/** `html` with `data-engine="<engine>"` on each reshelf.js script tag. */
export function withEngine(html, engine) {
  return html.replace(/<script([^>]*)src="\/reshelf\/reshelf\.js"/g, `<script$1src="/reshelf/reshelf.js" data-engine="${engine}"`);
}

/**
 * An app example's module (www/spa/app.js, www/react/main.js) with `engine: '<engine>'` in
 * the options it starts reshelf with. Throws when the module has no options object where the
 * examples keep it, so a changed example cannot silently run the default.
 */
export function appWithEngine(js, engine) {
  const at = /\binit\(\{|\bconst OPTIONS = \{/.exec(js);
  if (!at) throw new Error('no init({ … }) or OPTIONS = { … } to set the engine in');
  const end = at.index + at[0].length;
  return `${js.slice(0, end)} engine: '${engine}',${js.slice(end)}`;
}

/** `www` as served in this run: itself, or a copy whose script tags and SPA ask for ENGINE. */
function siteRoot(www) {
  if (ENGINE === 'worker') return www;
  const copy = mkdtempSync(join(tmpdir(), 'reshelf-www-'));
  cpSync(www, copy, { recursive: true });
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.html')) {
        const html = readFileSync(path, 'utf8');
        const tagged = withEngine(html, ENGINE);
        if (tagged !== html) writeFileSync(path, tagged);
      }
    }
  };
  walk(copy);
  const spa = join(copy, 'spa', 'app.js');
  if (existsSync(spa)) writeFileSync(spa, appWithEngine(readFileSync(spa, 'utf8'), ENGINE));
  return copy;
}
export const ADMIN_TOKEN = 'e2e-admin-token';

/**
 * Starts target/<profile>/reshelf-server over a fresh SQLite directory (or `dataDir`, to
 * restart on the same data) with the demo sites' keys; resolves with its base URL, its
 * data directory, the child process and a stop function. `www` serves another site root
 * (e.g. a bundler's output) instead of www/, `pkg` another build of the SDK instead of pkg/.
 */
export async function startServer({ profile = 'debug', args = [], dataDir, addr = '127.0.0.1:0', www = join(ROOT, 'www'), pkg = join(ROOT, 'pkg') } = {}) {
  const bin = join(ROOT, 'target', profile, 'reshelf-server');
  const data = dataDir ?? mkdtempSync(join(tmpdir(), 'reshelf-data-'));
  const root = siteRoot(www);
  const base = [
    '--addr', addr, '--www', root, '--pkg', pkg, '--data-dir', data,
    '--site', `demo=${DEMO_KEY}`, '--site', `demo-spa=${DEMO_KEY}`, '--site', `kiosk=${DEMO_KEY}`,
    '--admin-token', ADMIN_TOKEN,
  ];
  const child = spawn(bin, [...base, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: 'warn' },
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start: ${stderr}`)), 15000);
    child.stdout.on('data', (d) => {
      const m = String(d).match(/listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
    child.once('exit', (code) => fail(new Error(`server exited with ${code}: ${stderr}`)));
  });
  const stop = () => new Promise((ok) => {
    if (child.exitCode !== null || child.signalCode !== null) return ok();
    child.once('exit', ok);
    child.kill('SIGTERM');
  }).then(() => {
    // A copy of the site root made for this run goes with the server.
    if (root !== www) rmSync(root, { recursive: true, force: true });
  });
  return { url, dataDir: data, child, stop };
}

/**
 * Launches headless Chromium with a fresh profile. `bfcache: true` keeps the back/forward
 * cache on (Playwright turns it off by default).
 */
export async function startBrowser({ bfcache = false } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'reshelf-chromium-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    ...(bfcache ? { ignoreDefaultArgs: ['--disable-back-forward-cache'] } : {}),
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync',
      `--user-data-dir=${profile}`,
    ].filter((a) => !a.startsWith('--user-data-dir')),
  });
  return { browser, close: async () => { await browser.close(); rmSync(profile, { recursive: true, force: true }); } };
}

/**
 * A fresh context and page that records console messages and page errors, so tests can
 * assert the SDK never throws into the page.
 */
export async function openPage(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 }, ...options });
  const page = await context.newPage();
  const log = { console: [], errors: [] };
  page.on('console', (m) => log.console.push({ type: m.type(), text: m.text() }));
  page.on('pageerror', (e) => log.errors.push(String(e)));
  return { context, page, log };
}

/** `await reshelf.ready` then `.state()` in the page. */
/**
 * Starts a context's clock on a weekday (now, or on a Saturday or Sunday the Friday before,
 * local time as the SDK reads the day); it runs in real time from there. The intent model
 * reads the training data's Weekend flag, so a test that asserts how far a journey's score
 * rises would otherwise depend on the day the suite runs.
 */
export async function onWeekday(context) {
  const now = new Date();
  const back = { 6: 1, 0: 2 }[now.getDay()] ?? 0;
  await context.clock.install({ time: new Date(now.getTime() - back * 86_400_000) });
}

export function state(page) {
  return page.evaluate(async () => (await window.reshelf.ready).state());
}

/** Waits until the SDK is running on the page. */
export async function ready(page) {
  await page.waitForFunction(() => window.reshelf && window.reshelf.ready);
  return page.evaluate(async () => (await window.reshelf.ready).active);
}

/**
 * The usual test-file set-up: one server and one browser for the file, started before its
 * tests and stopped after them. Read `env.server` and `env.chrome` inside tests.
 */
export function useServerAndBrowser({ browser } = {}) {
  const env = {};
  before(async () => {
    env.server = await startServer();
    env.chrome = await startBrowser(browser);
  });
  after(async () => {
    await env.chrome?.close();
    await env.server?.stop();
  });
  return env;
}

/** Polls `check` until it returns a truthy value (resolved with it), or fails after `ms`. */
export async function eventually(check, ms = 15000, what = 'condition') {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Holds back requests matching `pattern` until the returned `release()` is called. */
export async function holdBack(page, pattern) {
  let release;
  const held = new Promise((ok) => (release = ok));
  await page.route(pattern, async (route) => {
    await held;
    try {
      await route.fallback();
    } catch (_) {
      // the context closed
    }
  });
  return release;
}

/** How many capture-phase listeners of `type` the page has on `target` ('document' or
 * 'window'), read through the DevTools protocol. */
export async function captureListeners(page, target, type) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { result } = await cdp.send('Runtime.evaluate', { expression: target });
    const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId });
    return listeners.filter((l) => l.type === type && l.useCapture).length;
  } finally {
    await cdp.detach();
  }
}
