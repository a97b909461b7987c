// The two modules: capture is ready first and the model engine follows after first paint.
// Until the engine is attached slots get the hand-set order and the decision log says so; an
// engine that cannot load (404, blocked, wrong integrity, on the main thread an engine script
// whose hash differs) leaves capture, sync and the hand-set order working with one warning;
// a repeat load takes both modules from the cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useServerAndBrowser, openPage, ready, state, eventually, ROOT, ENGINE, holdBack } from './harness.mjs';
import { storedSessions } from './sqlite.mjs';

const env = useServerAndBrowser();
const MODULES = JSON.parse(readFileSync(join(ROOT, 'pkg', 'modules.json'), 'utf8'));
const engineWarnings = (log) => log.console.filter((m) => m.type === 'warning' && m.text.includes('model engine could not load'));
// A short window: the home page's slot is below the fold, where tiles may move.
const SHORT = { viewport: { width: 1200, height: 300 } };
const slotDecisions = (s) => s.decisions.filter((d) => d.kind === 'slot');

/** A shopper in the treatment arm (no holdout) who clicked two bags, now on the home page. */
async function bagShopper(page) {
  await page.goto(`${env.server.url}/category/bags/`);
  await ready(page);
  for (const sku of ['bag-01', 'bag-03']) await page.click(`[data-reshelf-item="${sku}"] .price`);
  await page.goto(`${env.server.url}/`);
  await ready(page);
}

/** Serves the storefront with data-holdout="0" so every decision is applied (and `extra`
 * data- attributes on the script tag). */
async function noHoldout(page, extra = '') {
  await page.route('**/*', async (route) => {
    try {
      if (route.request().resourceType() !== 'document') return await route.fallback();
      const res = await route.fetch();
      let body = await res.text();
      // The run's own data-engine (RESHELF_E2E_ENGINE) gives way to the test's.
      if (extra.includes('data-engine')) body = body.replace(/ data-engine="[^"]*"/, '');
      body = body.replace('data-holdout="0.1"', `data-holdout="0"${extra}`);
      return await route.fulfill({ response: res, body });
    } catch (_) {
      // the context closed with a request in flight
    }
  });
}

/** An app's own list on the current page: records its slot's 'decision' events in
 * `window.appDecisions` and ranks it with rank(). Resolves with its ids as given and as
 * ranked. Bags are last as given. */
function appShelf(page) {
  return page.evaluate(async () => {
    const r = await window.reshelf.ready;
    window.appDecisions = [];
    r.on('decision', (d) => d.slot === 'app-shelf' && window.appDecisions.push(d));
    window.appItems = [
      { id: 'sho-01', category: 'shoes' }, { id: 'hat-01', category: 'hats' }, { id: 'sun-01', category: 'sunglasses' },
      { id: 'jac-01', category: 'jackets' }, { id: 'bag-02', category: 'bags' }, { id: 'bag-04', category: 'bags' },
    ];
    return { given: window.appItems.map((i) => i.id), ranked: r.rank('app-shelf', window.appItems).map((i) => i.id) };
  });
}

test('before the engine is attached slots get the hand-set order, logged as such; the model takes over when it loads', async () => {
  const { page, log, context } = await openPage(env.chrome.browser, SHORT);
  await noHoldout(page);
  await bagShopper(page);
  const release = await holdBack(page, `**/reshelf/${MODULES.engine}`);
  await page.reload();
  await ready(page);
  const before = await eventually(async () => {
    const s = await state(page);
    return slotDecisions(s).at(-1)?.ranker === 'heuristic' && s;
  }, 10000, 'the reloaded page\'s hand-set decision');
  assert.equal(before.model_version, null, 'the engine is held back');
  assert.equal(before.ranker, 'heuristic');
  assert.equal(slotDecisions(before).at(-1).ranker, 'heuristic');
  release();
  // Decisions of the pages before the reload stay in the session's log: look past them.
  const seen = slotDecisions(before).length;
  await eventually(async () => slotDecisions(await state(page)).slice(seen).some((d) => d.ranker !== 'heuristic'), 10000, 'a model-ranked slot');
  const after = await state(page);
  assert.ok(slotDecisions(after).slice(seen).some((d) => /^ranker-\d/.test(d.ranker)), JSON.stringify(slotDecisions(after)));
  assert.ok(after.intent > 0 && after.intent < 1, JSON.stringify(after));
  assert.deepEqual(engineWarnings(log), []);
  assert.deepEqual(log.errors, []);
  await page.unrouteAll({ behavior: 'ignoreErrors' });
  await context.close();
});

test('framework mode: a slot the app ranked before the engine attached is ranked again by the model, and a decision event says so', async () => {
  const { page, log, context } = await openPage(env.chrome.browser, SHORT);
  await noHoldout(page);
  await bagShopper(page);
  const release = await holdBack(page, `**/reshelf/${MODULES.engine}`);
  // A page with no slot of its own: only the app's list asks the model.
  await page.goto(`${env.server.url}/info/shipping/`);
  await ready(page);
  // The app ranks its own list (bags last as given) while the engine is held back: the
  // hand-set order, logged as such.
  const first = (await appShelf(page)).ranked;
  assert.match(first[0], /^bag-/, `the hand-set order follows the bags: ${first}`);
  const heuristic = await page.evaluate(() => window.appDecisions.map((d) => d.ranker));
  assert.deepEqual(heuristic, ['heuristic']);

  // The engine arrives (and, in a worker, answers): the app's slot is ranked again with no
  // call from the app, and the 'decision' event carries the model's order.
  release();
  const decided = await eventually(() => page.evaluate(() => window.appDecisions.find((d) => d.ranker !== 'heuristic')),
    10000, "the model's decision for the app's slot");
  assert.match(decided.ranker, /^ranker-\d/, JSON.stringify(decided));
  assert.equal(decided.applied, true);
  // rank() now gives that order: asked again, it decides nothing new.
  const again = await page.evaluate(() => window.reshelf.ready.then((r) => {
    const before = window.appDecisions.length;
    const ids = r.rank('app-shelf', window.appItems).map((i) => i.id);
    return { ids, logged: window.appDecisions.length - before };
  }));
  assert.equal(again.logged, 0, `no new decision: ${JSON.stringify(again)}`);
  assert.match(again.ids[0], /^bag-/, `the model's order follows the bags too: ${again.ids}`);
  assert.deepEqual(engineWarnings(log), []);
  assert.deepEqual(log.errors, []);
  await page.unrouteAll({ behavior: 'ignoreErrors' });
  await context.close();
});

test('framework mode: a model answer that gives the slot back its given order is a decision too (moved 0), the cue to render it again', {
  skip: ENGINE === 'main' && 'a worker answer is what the test replaces',
}, async () => {
  const { page, log, context } = await openPage(env.chrome.browser, SHORT);
  // The worker is real; once the test says so, its score answers reach reshelf as equal
  // scores, which keep the order the app gave.
  await page.addInitScript(() => {
    const Real = window.Worker;
    window.Worker = class extends Real {
      set onmessage(handler) {
        super.onmessage = (e) => handler(window.flatScores && e.data?.type === 'scores'
          ? { data: { ...e.data, batch: e.data.batch.map((a) => ({ ...a, scores: new Float32Array(a.scores.length) })) } }
          : e);
      }
    };
  });
  await noHoldout(page);
  await bagShopper(page);
  await page.goto(`${env.server.url}/info/shipping/`);
  await ready(page);
  const { given } = await appShelf(page);
  const model = await eventually(() => page.evaluate(() => window.appDecisions.find((d) => /^ranker-/.test(d.ranker))),
    10000, "the model's decision for the app's slot");
  assert.ok(model.moved > 0, JSON.stringify(model));

  // The session moves on (a click), the app renders again, and the worker's next answer
  // keeps the given order.
  await page.evaluate(() => { window.flatScores = true; });
  await page.mouse.click(5, 5);
  const seen = await page.evaluate(() => window.reshelf.ready.then((r) => {
    r.rank('app-shelf', window.appItems);
    return window.appDecisions.length;
  }));
  const back = await eventually(() => page.evaluate((n) => window.appDecisions.slice(n).find((d) => d.moved === 0), seen),
    10000, 'a decision giving the slot back its order');
  assert.match(back.ranker, /^ranker-\d/, JSON.stringify(back));
  const ids = await page.evaluate(() => window.reshelf.ready.then((r) => r.rank('app-shelf', window.appItems).map((i) => i.id)));
  assert.deepEqual(ids, given);
  assert.equal(await page.evaluate(() => window.appDecisions.filter((d) => d.moved === 0).length), 1, 'logged once');
  assert.deepEqual(engineWarnings(log), []);
  assert.deepEqual(log.errors, []);
  await page.unrouteAll({ behavior: 'ignoreErrors' });
  await context.close();
});

test("with the engine on the main thread, an engine script whose hash differs from the one built into reshelf.js is refused: capture and the hand-set order go on, with one warning", async () => {
  const { page, log, context } = await openPage(env.chrome.browser, SHORT);
  await noHoldout(page, ' data-engine="main"');
  // The engine's script as a tampered copy would serve it: the same code and one more line.
  await page.route(`**/reshelf/${MODULES.engine_script}`, async (route) => {
    try {
      const res = await route.fetch();
      await route.fulfill({ response: res, body: `${await res.text()}\nwindow.__tampered = true;\n` });
    } catch (_) {
      // the context closed
    }
  });
  await bagShopper(page);
  await eventually(() => engineWarnings(log).length > 0, 10000, 'the warning');
  const s = await state(page);
  assert.equal(s.ranker, 'heuristic');
  assert.equal(s.intent, null);
  assert.equal(await page.evaluate(() => window.__tampered), undefined, 'the tampered script never ran');
  // The page's first decision round may come after the warning.
  const first = () => page.$eval('[data-reshelf-slot] [data-reshelf-item]', (e) => e.dataset.reshelfItem);
  await eventually(async () => /^bag-/.test(await first()), 5000, 'the hand-set order, which follows the bags');
  assert.ok(engineWarnings(log).length <= 2, `at most one warning per page (two pages): ${engineWarnings(log).length}`);
  assert.deepEqual(log.errors, []);
  await page.unrouteAll({ behavior: 'ignoreErrors' });
  await context.close();
});

for (const [name, fault] of [
  ['answers 404', (route) => route.fulfill({ status: 404, body: 'not here' })],
  ['is blocked', (route) => route.abort('blockedbyclient')],
  ['is not WebAssembly', (route) => route.fulfill({ status: 200, contentType: 'application/wasm', body: 'garbage' })],
]) {
  test(`an engine that ${name} leaves capture, sync and the hand-set order working, with one warning`, async () => {
    const { page, log, context } = await openPage(env.chrome.browser, SHORT);
    await noHoldout(page);
    await page.route(`**/reshelf/${MODULES.engine}`, (route) => fault(route).catch(() => {}));
    await bagShopper(page);
    await eventually(async () => slotDecisions(await state(page)).length > 0, 10000, 'a slot decision');
    await eventually(() => engineWarnings(log).length > 0, 10000, 'the warning');
    const s = await state(page);
    assert.equal(s.ranker, 'heuristic');
    assert.equal(s.intent, null);
    assert.equal(slotDecisions(s).at(-1).ranker, 'heuristic');
    const first = await page.$eval('[data-reshelf-slot] [data-reshelf-item]', (e) => e.dataset.reshelfItem);
    assert.match(first, /^bag-/, 'the hand-set order follows the bags');
    // Capture and sync go on: the session reaches the server.
    const sid = await page.evaluate(async () => {
      const r = await window.reshelf.ready;
      await r.flush();
      return r.state().session_id;
    });
    await eventually(() => storedSessions(env.server.dataDir, 'demo').some((r) => r.sid === sid), 15000, 'the summary stored');
    const warned = engineWarnings(log).length;
    assert.ok(warned >= 1 && warned <= 2, `at most one warning per page (two pages): ${warned}`);
    assert.deepEqual(log.errors, []);
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await context.close();
  });
}

test('a repeat load takes the script tag, the capture module and the sync script from the HTTP cache without asking (and with the engine on the page, its module and script)', async () => {
  const { page, context } = await openPage(env.chrome.browser);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const urls = new Map();
  const cached = new Set();
  cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, new URL(e.request.url).pathname));
  cdp.on('Network.requestServedFromCache', (e) => cached.add(urls.get(e.requestId)));
  cdp.on('Network.responseReceived', (e) => {
    if (e.response.fromDiskCache || e.response.fromMemoryCache) cached.add(new URL(e.response.url).pathname);
  });
  await page.goto(`${env.server.url}/`);
  await ready(page);
  await eventually(async () => (await state(page)).model_version !== null, 10000, 'the engine');
  await eventually(() => page.evaluate(() => performance.getEntriesByType('resource').some((e) => e.name.includes('/reshelf-sync.'))), 10000, 'the sync script');
  cached.clear();
  await page.goto(`${env.server.url}/category/bags/`);
  await ready(page);
  await eventually(async () => (await state(page)).model_version !== null, 10000, 'the engine');
  await eventually(() => cached.has(`/reshelf/${MODULES.sync_script}`), 10000, `the sync script from cache: ${[...cached]}`);
  // reshelf.js is fresh for minutes (max-age), the rest immutable: none is revalidated.
  const expected = ['reshelf.js', MODULES.capture, MODULES.sync_script];
  // A worker's requests are not the page's.
  if (ENGINE === 'main') expected.push(MODULES.engine, MODULES.engine_script);
  for (const file of expected) assert.ok(cached.has(`/reshelf/${file}`), `${file} from cache: ${[...cached]}`);
  await context.close();
});

test("engine: 'worker' scores intent and ranks slots in a dedicated worker, off the main thread", async () => {
  const { page, log, context } = await openPage(env.chrome.browser, SHORT);
  await noHoldout(page, ' data-engine="worker"');
  await bagShopper(page);
  const s = await eventually(async () => {
    const s = await state(page);
    return s.intent !== null && slotDecisions(s).some((d) => /^ranker-\d/.test(d.ranker)) && s;
  }, 10000, 'a score and a model-ranked slot from the worker');
  assert.ok(s.intent > 0 && s.intent < 1);
  // Playwright learns of a page's workers asynchronously.
  await eventually(() => page.workers().length > 0, 5000, 'the worker to be listed');
  assert.deepEqual(page.workers().map((w) => new URL(w.url()).pathname), [`/reshelf/${MODULES.engine_script}`], 'one dedicated worker');
  // The page's thread holds no engine: the diagnostic that scores synchronously has none.
  assert.equal(await page.evaluate(async () => (await window.reshelf.ready).scoreInputs(new Float32Array(20))), null);
  const first = await page.$eval('[data-reshelf-slot] [data-reshelf-item]', (e) => e.dataset.reshelfItem);
  assert.match(first, /^bag-/, 'the model brings bags forward');
  assert.deepEqual(engineWarnings(log), []);
  assert.deepEqual(log.errors, []);
  await page.unrouteAll({ behavior: 'ignoreErrors' });
  await context.close();
});

test("reshelf.js from another origin (a CDN) asked for a worker runs the engine on the page, as a browser starts a worker only from the page's origin", async () => {
  const { page, log, context } = await openPage(env.chrome.browser, SHORT);
  const cdn = 'http://cdn.reshelf.test';
  // The CDN serves the SDK's files from the server, with the CORS header a CDN sends.
  await page.route(`${cdn}/**`, async (route) => {
    try {
      const res = await route.fetch({ url: `${env.server.url}${new URL(route.request().url()).pathname}` });
      await route.fulfill({ response: res, headers: { ...res.headers(), 'access-control-allow-origin': '*' } });
    } catch (_) {
      // the context closed with a request in flight
    }
  });
  await noHoldout(page, ' data-engine="worker"');
  await page.route(/\/$/, async (route) => {
    try {
      const res = await route.fetch();
      const body = (await res.text()).replace('src="/reshelf/reshelf.js"', `src="${cdn}/reshelf/reshelf.js"`);
      await route.fulfill({ response: res, body: body.replace(/ data-engine="[^"]*"/, '').replace('data-holdout="0.1"', 'data-holdout="0" data-engine="worker"') });
    } catch (_) {
      // the context closed with a request in flight
    }
  });
  await bagShopper(page);
  assert.ok(await page.$(`script[src="${cdn}/reshelf/reshelf.js"]`), 'the storefront loads reshelf.js from the CDN');
  await eventually(async () => slotDecisions(await state(page)).some((d) => /^ranker-\d/.test(d.ranker)), 10000, 'a model-ranked slot');
  const loaded = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => [e.name, e.initiatorType]));
  assert.ok(loaded.some(([name, by]) => name === `${cdn}/reshelf/${MODULES.engine_script}` && by === 'script'), `the engine's script on the page, from the CDN: ${JSON.stringify(loaded)}`);
  assert.deepEqual(page.workers(), [], 'no worker');
  assert.deepEqual(engineWarnings(log), []);
  assert.deepEqual(log.errors, []);
  await page.unrouteAll({ behavior: 'ignoreErrors' });
  await context.close();
});

test("an unknown engine option is refused with one warning; capture and the hand-set order go on", async () => {
  const { page, log, context } = await openPage(env.chrome.browser, SHORT);
  await noHoldout(page, ' data-engine="gpu"');
  await bagShopper(page);
  await eventually(() => engineWarnings(log).length > 0, 10000, 'the warning');
  const s = await state(page);
  assert.equal(s.ranker, 'heuristic');
  assert.equal(s.intent, null);
  assert.match(engineWarnings(log)[0].text, /engine must be 'main' or 'worker'/);
  await page.unrouteAll({ behavior: 'ignoreErrors' });
  await context.close();
});
