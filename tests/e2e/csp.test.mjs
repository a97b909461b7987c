// Security in the page: the storefront served with the strictest policy the SDK supports,
// `script-src 'self' 'wasm-unsafe-eval'` (no 'unsafe-eval', no inline script), runs the SDK
// with no violation; Subresource Integrity from pkg/sri.json is honoured, and a wrong hash
// leaves the page working with an inert SDK.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, startBrowser, ROOT } from './harness.mjs';

const POLICY = "script-src 'self' 'wasm-unsafe-eval'";
const env = {};
before(async () => {
  env.server = await startServer({ args: ['--storefront-csp', POLICY] });
  env.chrome = await startBrowser();
});
after(async () => {
  await env.chrome?.close();
  await env.server?.stop();
});

/** A page that records every CSP violation the document reports. */
async function strictPage() {
  const context = await env.chrome.browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const console = [];
  page.on('console', (m) => console.push(`${m.type()} ${m.text()}`));
  return { context, page, console };
}

test('the storefront under a strict CSP: the SDK runs, scores and rearranges with no violation', async () => {
  const { context, page, console } = await strictPage();
  const res = await page.goto(`${env.server.url}/`);
  assert.equal(res.headers()['content-security-policy'], POLICY);
  const state = await page.evaluate(async () => {
    const r = await window.reshelf.ready;
    for (let i = 0; i < 50 && r.intentNow() === null; i++) await new Promise((ok) => setTimeout(ok, 50));
    return { active: r.active, intent: r.intentNow() };
  });
  assert.equal(state.active, true);
  assert.equal(typeof state.intent, 'number', 'the wasm model runs under wasm-unsafe-eval');
  await page.goto(`${env.server.url}/category/shoes/`);
  await page.goto(`${env.server.url}/kiosk/`);
  assert.equal(await page.evaluate(async () => (await window.reshelf.ready).active), true);
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assert.deepEqual(console.filter((l) => /Content Security Policy|Refused to/i.test(l)), []);
  await context.close();
});

test('Subresource Integrity: the published hashes load; a wrong wasm hash leaves the SDK inert and the page working', async () => {
  const sri = JSON.parse(readFileSync(join(ROOT, 'pkg', 'sri.json'), 'utf8'));
  const { context, page } = await strictPage();
  await page.goto(`${env.server.url}/no-such-page`); // a storefront page without the SDK
  const modules = JSON.parse(readFileSync(join(ROOT, 'pkg', 'modules.json'), 'utf8'));
  const good = await page.evaluate(async ([wasmIntegrity, engineIntegrity]) => {
    const m = await import('/reshelf/index.js');
    const r = await m.init({ site: 'sri', wasmIntegrity, engineIntegrity });
    for (let i = 0; i < 100 && !r.state().model_version; i++) await new Promise((ok) => setTimeout(ok, 50));
    const out = { active: r.active, model: r.state().model_version };
    r.shutdown();
    return out;
  }, [sri[modules.capture], sri[modules.engine]]);
  assert.equal(good.active, true);
  assert.ok(good.model, 'the engine loads with its published hash');
  const scriptOk = await page.evaluate(async (hash) => (await fetch('/reshelf/reshelf.js', { integrity: hash })).ok, sri['reshelf.js']);
  assert.equal(scriptOk, true);
  await context.close();

  const second = await strictPage();
  await second.page.goto(`${env.server.url}/no-such-page`);
  const bad = await second.page.evaluate(async () => {
    const m = await import('/reshelf/index.js');
    const r = await m.init({ site: 'sri', wasmIntegrity: 'sha384-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    return { active: r.active, error: r.error, pageStillWorks: document.title.length > 0 };
  });
  assert.equal(bad.active, false);
  assert.ok(bad.error, 'the inert instance says why');
  assert.equal(bad.pageStillWorks, true);
  await second.context.close();
});

test('a refused service worker registration leaves the SDK working online', async () => {
  const { context, page, console } = await strictPage();
  await page.goto(`${env.server.url}/no-such-page`);
  const r = await page.evaluate(async () => {
    const m = await import('/reshelf/index.js');
    const inst = await m.init({ site: 'sw-refused', kiosk: true, serviceWorker: '/reshelf/no-such-worker.js' });
    await new Promise((ok) => setTimeout(ok, 500));
    return { active: inst.active };
  });
  assert.equal(r.active, true);
  assert.ok(console.some((l) => l.includes('service worker not registered')), console.join('\n'));
  await context.close();
});

test('the engine in a worker under the strict CSP: the worker runs and scores with no violation', async () => {
  const { context, page, console } = await strictPage();
  await page.goto(`${env.server.url}/no-such-page`);
  const r = await page.evaluate(async () => {
    const m = await import('/reshelf/index.js');
    const inst = await m.init({ site: 'csp-worker', engine: 'worker' });
    inst.track('add_to_cart', { item: 'bag-01', category: 'bags', price: 45 });
    for (let i = 0; i < 100 && inst.state().intent === null; i++) await new Promise((ok) => setTimeout(ok, 50));
    const out = { intent: inst.state().intent, ranker: inst.state().ranker };
    inst.shutdown();
    return out;
  });
  assert.equal(typeof r.intent, 'number', 'scored in the worker');
  assert.match(r.ranker, /^ranker-\d/);
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assert.deepEqual(console.filter((l) => /Content Security Policy|Refused to/i.test(l)), []);
  await context.close();
});

test("a CSP without worker-src for the engine's worker leaves capture, sync and the hand-set order, with one warning", async () => {
  const blocked = await startServer({ args: ['--storefront-csp', `${POLICY}; worker-src 'none'`] });
  try {
    const { context, page, console } = await strictPage();
    await page.goto(`${blocked.url}/no-such-page`);
    const r = await page.evaluate(async () => {
      const m = await import('/reshelf/index.js');
      const inst = await m.init({ site: 'csp-no-worker', engine: 'worker' });
      await new Promise((ok) => setTimeout(ok, 1500));
      const out = { active: inst.active, intent: inst.state().intent, ranker: inst.state().ranker, tracked: inst.track('page_extra', {}) };
      inst.shutdown();
      return out;
    });
    assert.equal(r.active, true);
    assert.equal(r.tracked, true, 'capture goes on');
    assert.equal(r.intent, null);
    assert.equal(r.ranker, 'heuristic');
    const warnings = console.filter((l) => l.includes('model engine could not load'));
    assert.equal(warnings.length, 1, console.join('\n'));
    await context.close();
  } finally {
    await blocked.stop();
  }
});

/** Starts reshelf on `server`'s 404 page with `engine`, with a kiosk service worker when
 * `kiosk`; resolves with what it scored and whether the worker registered. */
async function underPolicy(server, engine, kiosk) {
  const { context, page, console } = await strictPage();
  await page.goto(`${server.url}/no-such-page`);
  const r = await page.evaluate(async ([engine, kiosk]) => {
    const m = await import('/reshelf/index.js');
    const inst = await m.init({ site: 'csp-tt', engine, ...(kiosk ? { kiosk: true, serviceWorker: '/reshelf/reshelf-sw.js' } : {}) });
    inst.track('add_to_cart', { item: 'bag-01', category: 'bags', price: 45 });
    for (let i = 0; i < 60 && inst.state().intent === null; i++) await new Promise((ok) => setTimeout(ok, 50));
    const registered = kiosk ? (await navigator.serviceWorker.getRegistrations()).length : 0;
    const out = { active: inst.active, intent: inst.state().intent, ranker: inst.state().ranker, registered, tracked: inst.track('page_extra', {}) };
    inst.shutdown();
    return out;
  }, [engine, kiosk]);
  const violations = await page.evaluate(() => window.__violations);
  await context.close();
  return { ...r, violations, console };
}

test("Trusted Types enforced (require-trusted-types-for 'script'): with `trusted-types reshelf` the engine, in either place, and the kiosk's service worker load with no violation", async () => {
  const tt = await startServer({ args: ['--storefront-csp', `${POLICY}; require-trusted-types-for 'script'; trusted-types reshelf`] });
  try {
    for (const [engine, kiosk] of [['worker', true], ['main', false]]) {
      const r = await underPolicy(tt, engine, kiosk);
      assert.equal(typeof r.intent, 'number', `${engine}: scored (${r.console.join('\n')})`);
      assert.match(r.ranker, /^ranker-\d/, engine);
      if (kiosk) assert.equal(r.registered, 1, 'the service worker registered');
      assert.deepEqual(r.violations, [], engine);
      assert.deepEqual(r.console.filter((l) => /Trusted Type|Content Security Policy|Refused to|not registered/i.test(l)), [], engine);
    }
  } finally {
    await tt.stop();
  }
});

test('Trusted Types enforced without reshelf in `trusted-types`: the engine is refused with one warning; capture and the hand-set order go on', async () => {
  const tt = await startServer({ args: ['--storefront-csp', `${POLICY}; require-trusted-types-for 'script'; trusted-types other`] });
  try {
    for (const engine of ['worker', 'main']) {
      const r = await underPolicy(tt, engine, false);
      assert.equal(r.active, true, engine);
      assert.equal(r.tracked, true, `${engine}: capture goes on`);
      assert.equal(r.intent, null, engine);
      assert.equal(r.ranker, 'heuristic', engine);
      const warnings = r.console.filter((l) => l.includes('model engine could not load'));
      assert.equal(warnings.length, 1, r.console.join('\n'));
    }
  } finally {
    await tt.stop();
  }
});
