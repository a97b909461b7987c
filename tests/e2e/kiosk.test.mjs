// Kiosk mode on the demo kiosk (www/kiosk/): loaded once online, it boots offline from its
// service worker, ends a shopper's session after the idle timeout, starts the next shopper
// from a clean slate, and delivers both sessions once each when the network returns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useServerAndBrowser, eventually, ROOT } from './harness.mjs';
import { storedSessions } from './sqlite.mjs';

const env = useServerAndBrowser();
const IDLE_MS = 15000; // the demo kiosk's data-kiosk-idle
// Both modules under the build's fingerprinted names.
const MODULES = JSON.parse(readFileSync(join(ROOT, 'pkg', 'modules.json'), 'utf8'));

const instance = (page) => page.evaluate(async () => {
  const r = await window.reshelf.ready;
  return { active: r.active, state: r.state() };
});

const slotOrder = (page, slot) => page.$$eval(`[data-reshelf-slot="${slot}"] > [data-reshelf-item]`, (els) => els.map((e) => e.dataset.reshelfItem));

test('offline kiosk: two shoppers, a clean slate between them, each delivered once', { timeout: 120000 }, async () => {
  const context = await env.chrome.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${env.server.url}/kiosk/`);
  assert.equal((await instance(page)).active, true);
  const defaultOrder = await slotOrder(page, 'kiosk-featured');
  // The worker installs and caches the SDK and the kiosk page.
  await eventually(() => page.evaluate(async (modules) => {
    const reg = await navigator.serviceWorker.ready;
    return !!reg.active && !!(await caches.match('/kiosk/')) && !!(await caches.match(`/reshelf/${modules.capture}`))
      && !!(await caches.match(`/reshelf/${modules.engine}`));
  }, MODULES), 20000, 'the service worker to cache the kiosk');

  await context.setOffline(true);
  await page.reload();
  const booted = await instance(page);
  assert.equal(booted.active, true, 'the SDK runs offline, from the service worker');
  await eventually(async () => !!(await instance(page)).state.model_version, 10000, 'the model');

  // Shopper A looks at bags.
  for (const sku of ['bag-01', 'bag-02', 'bag-03']) {
    await page.click(`[data-reshelf-slot="kiosk-bags"] [data-reshelf-item="${sku}"] .k-look`);
  }
  await page.click('[data-reshelf-slot="kiosk-bags"] [data-reshelf-item="bag-01"] .k-save');
  const a = (await instance(page)).state;
  assert.ok(a.categories.bags.clicks >= 3);
  const storage = await page.evaluate(() => Object.keys(localStorage));
  assert.ok(!storage.some((k) => k.startsWith('reshelf:visitor:') || k.startsWith('reshelf:first-session:')), `no visitor id on a kiosk: ${storage}`);

  // A walks away: after the idle timeout the kiosk reloads its start page (offline, from the
  // worker) for the next shopper.
  await eventually(async () => {
    const s = await instance(page).catch(() => null); // mid-navigation: try again
    return s && s.state && s.state.session_id !== a.session_id;
  }, IDLE_MS + 15000, 'the idle timeout to start the next shopper');
  const b0 = (await instance(page)).state;
  assert.notEqual(b0.session_id, a.session_id);
  // Only what B's own first moments on the start page produce: tiles in view, no clicks.
  for (const [name, c] of Object.entries(b0.categories)) {
    assert.equal(c.clicks + c.add_to_cart, 0, `${name} carries A's clicks`);
    assert.ok(c.dwell_ms < 1000, `${name}: ${c.dwell_ms} ms of dwell`);
  }
  assert.equal(b0.clicks, 0);
  assert.deepEqual(b0.decisions.filter((d) => d.applied && d.moved > 0), []);
  assert.equal(b0.add_to_cart, 0);
  assert.deepEqual(await slotOrder(page, 'kiosk-featured'), defaultOrder, 'the default arrangement is back');

  // Shopper B looks at hats, then the network returns.
  for (const sku of ['hat-01', 'hat-02']) {
    await page.click(`[data-reshelf-slot="kiosk-hats"] [data-reshelf-item="${sku}"] .k-look`);
  }
  const b = (await instance(page)).state;
  await context.setOffline(false);
  await page.evaluate(async () => (await window.reshelf.ready).flush());
  const rows = await eventually(() => {
    const r = storedSessions(env.server.dataDir, 'kiosk');
    return r.length >= 2 && r;
  }, 20000, 'both kiosk sessions delivered');
  assert.deepEqual(rows.map((r) => r.sid).sort(), [a.session_id, b.session_id].sort(), 'two sessions, once each');
  const byId = Object.fromEntries(rows.map((r) => [r.sid, r.body]));
  assert.ok(byId[a.session_id].cats.some(([c]) => c === 'bags'));
  assert.equal(byId[a.session_id].out.c, 1);
  assert.ok(byId[b.session_id].cats.some(([c]) => c === 'hats'));
  assert.ok(!byId[b.session_id].cats.some(([c]) => c === 'bags'), 'B carries nothing of A');
  assert.equal(byId[a.session_id].ret, false);
  assert.equal(byId[b.session_id].ret, false);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a kiosk nobody touches sends nothing, and endSession() twice ends one session', async () => {
  const context = await env.chrome.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${env.server.url}/kiosk/`);
  const s0 = (await instance(page)).state;
  await page.evaluate(async () => (await window.reshelf.ready).flush());
  await page.waitForTimeout(800);
  assert.ok(!storedSessions(env.server.dataDir, 'kiosk').some((r) => r.sid === s0.session_id), 'an untouched kiosk sends nothing');
  await page.click('[data-reshelf-slot="kiosk-shoes"] [data-reshelf-item="sho-01"] .k-look');
  const nav = page.waitForNavigation();
  const same = await page.evaluate(async () => {
    const r = await window.reshelf.ready;
    const p1 = r.endSession();
    const p2 = r.endSession();
    return p1 === p2;
  });
  assert.equal(same, true);
  await nav;
  const s1 = (await instance(page)).state;
  assert.notEqual(s1.session_id, s0.session_id);
  await eventually(() => storedSessions(env.server.dataDir, 'kiosk').some((r) => r.sid === s0.session_id), 15000, 'the ended session delivered');
  assert.equal(storedSessions(env.server.dataDir, 'kiosk').filter((r) => r.sid === s0.session_id).length, 1);
  await context.close();
});

test('a kiosk clock that jumps back and forth keeps the session monotonic', async () => {
  const context = await env.chrome.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${env.server.url}/kiosk/`);
  await page.click('[data-reshelf-slot="kiosk-jackets"] [data-reshelf-item="jac-01"] .k-look');
  const before = (await instance(page)).state;
  const seqBefore = await page.evaluate(async () => (await window.reshelf.ready).summary().seq);
  // The kiosk's clock is corrected an hour back (NTP after a cold boot), then ten minutes
  // ahead (a jump forward longer than the 30-minute idle limit would rightly start a new
  // session: it cannot be told apart from the kiosk standing unused).
  await page.evaluate(() => {
    const real = Date.now.bind(Date);
    window.__skew = -3600e3;
    Date.now = () => real() + window.__skew;
  });
  await page.click('[data-reshelf-slot="kiosk-jackets"] [data-reshelf-item="jac-02"] .k-look');
  const back = (await instance(page)).state;
  const seqBack = await page.evaluate(async () => (await window.reshelf.ready).summary().seq);
  await page.evaluate(() => { window.__skew = -3600e3 + 600e3; });
  await page.click('[data-reshelf-slot="kiosk-jackets"] [data-reshelf-item="jac-03"] .k-look');
  const ahead = (await instance(page)).state;
  assert.equal(back.session_id, before.session_id, 'a clock step back does not split the session');
  assert.equal(ahead.session_id, before.session_id);
  assert.ok(back.clicks > before.clicks, 'events after the step back still count');
  for (const [x, y] of [[before, back], [back, ahead]]) {
    assert.ok(y.last_activity >= x.last_activity, `time went back: ${x.last_activity} → ${y.last_activity}`);
    for (const kind of Object.keys(x.time_ms)) assert.ok(y.time_ms[kind] >= x.time_ms[kind], `${kind}: ${JSON.stringify([x.time_ms, y.time_ms, x.last_activity, y.last_activity])}`);
  }
  assert.ok(seqBack >= seqBefore, 'summary sequence numbers never go down');
  await context.close();
});

test('endSession() from inside a decision callback ends the session after the round', async () => {
  const context = await env.chrome.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${env.server.url}/kiosk/`);
  await page.click('[data-reshelf-slot="kiosk-bags"] [data-reshelf-item="bag-04"] .k-look');
  const s0 = (await instance(page)).state;
  const nav = page.waitForNavigation();
  await page.evaluate(async () => {
    const r = await window.reshelf.ready;
    r.on('decision', () => { r.endSession(); });
    r.decide();
  });
  await nav;
  const s1 = (await instance(page)).state;
  assert.notEqual(s1.session_id, s0.session_id);
  await eventually(() => storedSessions(env.server.dataDir, 'kiosk').some((r) => r.sid === s0.session_id), 15000, 'the ended session delivered');
  await context.close();
});
