// Capture in a real browser on the demo store: what the shopper does is exactly what state()
// reports, across page loads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useServerAndBrowser, openPage, state, ready, eventually, captureListeners, holdBack, ROOT } from './harness.mjs';

const env = useServerAndBrowser();
const MODULES = JSON.parse(readFileSync(join(ROOT, 'pkg', 'modules.json'), 'utf8'));

test('home page load starts a session with one product-related page view', async () => {
  const { page, log, context } = await openPage(env.chrome.browser);
  await page.goto(`${env.server.url}/`);
  assert.equal(await ready(page), true);
  const s = await state(page);
  assert.match(s.session_id, /^[0-9a-f]{32}$/);
  assert.equal(s.site, 'demo');
  assert.deepEqual(s.page_views, { administrative: 0, informational: 0, product_related: 1, unmarked: 0 });
  assert.equal(s.page, 'home');
  assert.equal(s.clicks, 0);
  assert.deepEqual(log.errors, []);
  assert.deepEqual(log.console.filter((m) => m.type === 'error' || m.type === 'warning'), [], 'a clean console');
  await context.close();
});

test('clicks on items, on the page and rage clicks are counted', async () => {
  const { page, log, context } = await openPage(env.chrome.browser);
  await page.goto(`${env.server.url}/`);
  await ready(page);
  await page.click('[data-reshelf-item="sho-01"] .price');
  await page.click('[data-reshelf-item="jac-02"] .price');
  await page.click('h2');
  for (let i = 0; i < 3; i++) await page.mouse.click(600, 760, { delay: 10 });
  const s = await state(page);
  assert.equal(s.clicks, 6);
  assert.equal(s.item_clicks, 2);
  assert.deepEqual(s.item_clicks_by_id, { 'sho-01': 1, 'jac-02': 1 });
  assert.equal(s.categories.shoes.clicks, 1);
  assert.equal(s.categories.jackets.clicks, 1);
  assert.equal(s.rage_clicks, 1);
  assert.deepEqual(log.errors, []);
  await context.close();
});

/** Two clicks (a tile, the heading) and a scroll to half the page and back; returns the depth
 * the viewport's bottom reached. */
async function firstMoves(page) {
  await page.click('[data-reshelf-item="sho-01"] .price');
  await page.click('h1');
  const want = await page.evaluate(() => {
    const h = document.documentElement.scrollHeight;
    const target = innerHeight + (h - innerHeight) / 2;
    scrollTo(0, target - innerHeight);
    return target / h;
  });
  await page.waitForTimeout(150);
  await page.evaluate(() => scrollTo(0, 0));
  await page.waitForTimeout(50);
  return want;
}

const moves = (s) => ({ clicks: s.clicks, item_clicks_by_id: s.item_clicks_by_id, shoes: s.categories.shoes.clicks });

/** The page's capture-phase [click listeners on document, scroll listeners on window]. */
const earlyListeners = async (page) => [await captureListeners(page, 'document', 'click'), await captureListeners(page, 'window', 'scroll')];

/** Serves `url` with `tag` first in its <head> (and `headers` over the server's own). */
async function withHeadTag(page, url, tag, headers = {}) {
  await page.route(url, async (route) => {
    const res = await route.fetch();
    const html = (await res.text()).replace('<head>', `<head>${tag}`);
    await route.fulfill({ response: res, body: html, headers: { ...res.headers(), ...headers } });
  });
}

test('what the shopper does while the capture module downloads is captured as if it had been running', async () => {
  const listening = await openPage(env.chrome.browser);
  const release = await holdBack(listening.page, `**/reshelf/${MODULES.capture}`);
  await listening.page.goto(`${env.server.url}/category/shoes/`);
  await listening.page.waitForFunction(() => performance.getEntriesByName('reshelf:init').length > 0);
  const early = await firstMoves(listening.page);
  assert.equal(await listening.page.evaluate(() => performance.getEntriesByName('reshelf:wasm-loaded').length), 0, 'the module was held back');
  const heldListeners = await earlyListeners(listening.page);
  release();
  assert.equal(await ready(listening.page), true);
  const heard = await state(listening.page);

  // The same moves with the module running from the start.
  const running = await openPage(env.chrome.browser);
  await running.page.goto(`${env.server.url}/category/shoes/`);
  await ready(running.page);
  const late = await firstMoves(running.page);
  const ran = await state(running.page);

  assert.deepEqual(moves(heard), { clicks: 2, item_clicks_by_id: { 'sho-01': 1 }, shoes: 1 });
  assert.deepEqual(moves(heard), moves(ran));
  assert.ok(Math.abs(heard.max_scroll_depth - early) < 0.02, `${heard.max_scroll_depth} vs ${early}`);
  assert.ok(Math.abs(ran.max_scroll_depth - late) < 0.02, `${ran.max_scroll_depth} vs ${late}`);
  // The early listeners gave way to the module's: as many as on a page where it ran from the start.
  assert.deepEqual(await earlyListeners(listening.page), await earlyListeners(running.page));
  assert.deepEqual(heldListeners, [1, 1], 'reshelf.js listens before the module runs');
  for (const { log } of [listening, running]) {
    assert.deepEqual(log.errors, []);
    assert.deepEqual(log.console.filter((m) => m.type === 'error' || m.type === 'warning'), []);
  }
  await listening.context.close();
  await running.context.close();
});

test('with the inline snippet in <head>, what the shopper does before reshelf.js arrives is captured, under a CSP that allows only its hash', async () => {
  const snippet = JSON.parse(readFileSync(join(ROOT, 'pkg', 'snippet.json'), 'utf8'));
  const policy = `script-src 'self' 'wasm-unsafe-eval' ${snippet.csp_script_src}`;
  const { page, log, context } = await openPage(env.chrome.browser);
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  // The store's page as the README asks for it: the snippet first in <head>, under a policy
  // that allows no other inline script.
  const url = `${env.server.url}/category/shoes/`;
  await withHeadTag(page, url, snippet.script, { 'content-security-policy': policy });
  const release = await holdBack(page, '**/reshelf/reshelf.js');
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  const early = await firstMoves(page);
  assert.equal(await page.evaluate(() => typeof window.reshelf), 'undefined', 'reshelf.js was held back');
  assert.deepEqual(await earlyListeners(page), [1, 1]);
  release();
  assert.equal(await ready(page), true);
  const heard = await state(page);
  assert.deepEqual(moves(heard), { clicks: 2, item_clicks_by_id: { 'sho-01': 1 }, shoes: 1 });
  assert.ok(Math.abs(heard.max_scroll_depth - early) < 0.02, `${heard.max_scroll_depth} vs ${early}`);
  assert.deepEqual(await page.evaluate(() => [window.__reshelfEarly, performance.getEntriesByName('reshelf:listen').length]), [undefined, 1],
    'init() took the snippet\'s listeners over instead of adding its own');
  // Handed over once: init() again after shutdown() does not replay the snippet's clicks.
  const again = await page.evaluate(async () => {
    (await window.reshelf.ready).shutdown();
    return (await window.reshelf.init({ site: 'demo' })).state().clicks;
  });
  assert.equal(again, 2);
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assert.deepEqual(log.errors, []);
  assert.deepEqual(log.console.filter((m) => m.type === 'error' || m.type === 'warning'), []);
  await context.close();
});

test("a page's own global named like the snippet's is neither taken nor removed by init()", async () => {
  const { page, log, context } = await openPage(env.chrome.browser);
  await page.addInitScript(() => {
    window.__reshelfEarly = function mine() {
      throw new Error('the page function was called');
    };
  });
  await page.goto(`${env.server.url}/category/shoes/`);
  assert.equal(await ready(page), true);
  await page.click('[data-reshelf-item="sho-01"] .price');
  assert.equal((await state(page)).clicks, 1);
  assert.equal(await page.evaluate(() => window.__reshelfEarly.name), 'mine');
  assert.deepEqual(log.errors, []);
  assert.deepEqual(log.console.filter((m) => m.type === 'error' || m.type === 'warning'), []);
  await context.close();
});

test('a preload link for the capture module in <head> is what init() uses: one request, no console warning', async () => {
  const { page, log, context } = await openPage(env.chrome.browser);
  const url = `${env.server.url}/category/shoes/`;
  await withHeadTag(page, url, `<link rel="preload" href="/reshelf/${MODULES.capture}" as="fetch" crossorigin>`);
  const requests = [];
  page.on('request', (r) => {
    if (r.url().endsWith(MODULES.capture)) requests.push(r.url());
  });
  await page.goto(url);
  assert.equal(await ready(page), true);
  // Chromium warns about a preload left unused a few seconds after the load event.
  await page.waitForTimeout(3500);
  assert.equal(requests.length, 1, 'the preloaded response served init()');
  assert.deepEqual(log.console.filter((m) => m.type === 'error' || m.type === 'warning'), []);
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('scroll depth is the deepest point reached on the current page', async () => {
  const { page, context } = await openPage(env.chrome.browser);
  await page.goto(`${env.server.url}/category/shoes/`);
  await ready(page);
  const first = await state(page);
  const expected = await page.evaluate(() => innerHeight / document.documentElement.scrollHeight);
  assert.ok(Math.abs(first.max_scroll_depth - expected) < 0.02, `${first.max_scroll_depth} vs ${expected}`);
  // Scroll half of the scrollable distance: the viewport's bottom then sits at `target`.
  const want = await page.evaluate(() => {
    const h = document.documentElement.scrollHeight;
    const target = innerHeight + (h - innerHeight) / 2;
    scrollTo(0, target - innerHeight);
    return target / h;
  });
  assert.ok(want > expected + 0.05, 'the page is long enough to scroll');
  await page.waitForTimeout(150);
  const half = await state(page);
  assert.ok(Math.abs(half.max_scroll_depth - want) < 0.02, `half: ${half.max_scroll_depth} vs ${want}`);
  await page.evaluate(() => scrollTo(0, document.documentElement.scrollHeight));
  await page.waitForTimeout(150);
  await page.evaluate(() => scrollTo(0, 0));
  await page.waitForTimeout(150);
  assert.equal((await state(page)).max_scroll_depth, 1);
  await context.close();
});

test('items count as seen after a second at least half visible; items below the fold do not', async () => {
  const { page, context } = await openPage(env.chrome.browser);
  await page.goto(`${env.server.url}/`);
  await ready(page);
  const visible = await page.evaluate(() =>
    [...document.querySelectorAll('[data-reshelf-slot] [data-reshelf-item]')]
      .filter((el) => {
        const r = el.getBoundingClientRect();
        const shown = Math.min(r.bottom, innerHeight) - Math.max(r.top, 0);
        return shown >= r.height / 2;
      })
      .map((el) => el.dataset.reshelfItem),
  );
  assert.ok(visible.length > 0 && visible.length < 12, `visible: ${visible}`);
  await page.waitForTimeout(1300);
  const s = await state(page);
  assert.deepEqual([...s.items_seen].sort(), [...visible].sort());
  for (const id of visible) assert.ok(s.item_dwell_ms[id] >= 1000, `${id}: ${s.item_dwell_ms[id]}`);
  const hidden = Object.keys(s.item_dwell_ms).filter((id) => !visible.includes(id));
  assert.deepEqual(hidden, [], 'no dwell for tiles never half visible');
  await context.close();
});

test('a session spans five page loads and reflects all five', async () => {
  const { page, log, context } = await openPage(env.chrome.browser);
  await page.goto(`${env.server.url}/`);
  await ready(page);
  const id = (await state(page)).session_id;
  await page.click('[data-reshelf-item="sho-01"] .price');
  await page.click('a[href="/category/shoes/"]');
  await ready(page);
  await page.click('[data-reshelf-item="sho-03"] a');
  await page.waitForURL('**/product/sho-03/');
  await ready(page);
  await page.click('button[data-reshelf-event="add_to_cart"]');
  await page.click('footer a[href="/info/shipping/"]');
  await page.waitForURL('**/info/shipping/');
  await ready(page);
  await page.click('header a.cart-link');
  await page.waitForURL('**/cart/');
  await ready(page);
  const s = await state(page);
  assert.equal(s.session_id, id, 'same session after navigating');
  assert.deepEqual(s.page_views, { administrative: 1, informational: 1, product_related: 3, unmarked: 0 });
  assert.equal(s.pages.length, 4);
  assert.deepEqual(s.pages.map((p) => p.page), ['home', 'category', 'product', 'info']);
  assert.equal(s.add_to_cart, 1);
  assert.equal(s.item_clicks_by_id['sho-01'], 1);
  assert.equal(s.item_clicks_by_id['sho-03'], 1);
  assert.ok(s.time_ms.product_related > 0 && s.time_ms.informational > 0);
  // 1 + 1 + 1 + 2 (add to cart, shipping link) + 1 clicks.
  assert.equal(s.clicks, 6);
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('a purchase on checkout is recorded', async () => {
  const { page, context } = await openPage(env.chrome.browser);
  await page.goto(`${env.server.url}/product/wat-01/`);
  await ready(page);
  await page.click('button[data-reshelf-event="add_to_cart"]');
  await page.goto(`${env.server.url}/checkout/`);
  await ready(page);
  await page.fill('input[name=name]', 'A Shopper');
  await page.fill('input[name=address]', '1 Road');
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-order-done]:not([hidden])');
  await eventually(() => page.evaluate(async () => (await window.reshelf.ready).state().purchases === 1));
  const s = await state(page);
  assert.equal(s.purchases, 1);
  assert.equal(s.page, 'checkout');
  await context.close();
});

/** A fixture page on the server's origin. */
async function fixturePage(name, html) {
  const opened = await openPage(env.chrome.browser, { viewport: { width: 1000, height: 600 } });
  await opened.page.route(`${env.server.url}/fixture/${name}`, (r) => r.fulfill({ contentType: 'text/html', body: html }));
  await opened.page.goto(`${env.server.url}/fixture/${name}`);
  await ready(opened.page);
  return opened;
}

test('scroll depth follows the element that scrolls when the window does not, from the visible share', async () => {
  const html = `<!doctype html><style>html, body { height: 100%; margin: 0; overflow: hidden }
      main { height: 100%; overflow: auto } .tall { height: 4000px }</style>
    <body data-reshelf-page="category"><main id=m><div class=tall>tall content</div></main>
    <script async src="/reshelf/reshelf.js" data-site="fixture"></script></body>`;
  const { page, log, context } = await fixturePage('app-shell', html);
  await page.waitForTimeout(300);
  let s = await state(page);
  assert.ok(Math.abs(s.max_scroll_depth - 600 / 4000) < 0.02, `the visible share at load: ${s.max_scroll_depth}`);
  await page.evaluate(() => { document.getElementById('m').scrollTop = 1400; });
  await page.waitForTimeout(300);
  s = await state(page);
  assert.ok(Math.abs(s.max_scroll_depth - 2000 / 4000) < 0.02, `half way down the container: ${s.max_scroll_depth}`);
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('a short page reads fully seen; a window-scrolled page still follows the window', async () => {
  let { page, log, context } = await fixturePage('short',
    '<!doctype html><body data-reshelf-page="info"><p>short</p><script async src="/reshelf/reshelf.js" data-site="fixture"></script></body>');
  await page.waitForTimeout(300);
  assert.equal((await state(page)).max_scroll_depth, 1);
  await context.close();
  ({ page, log, context } = await fixturePage('long',
    '<!doctype html><style>body{margin:0}</style><body data-reshelf-page="info"><div style="height:3000px"></div><script async src="/reshelf/reshelf.js" data-site="fixture"></script></body>'));
  await page.waitForTimeout(300);
  assert.ok(Math.abs((await state(page)).max_scroll_depth - 0.2) < 0.02);
  await page.evaluate(() => window.scrollTo(0, 900));
  await page.waitForTimeout(300);
  assert.ok(Math.abs((await state(page)).max_scroll_depth - 0.5) < 0.02);
  assert.deepEqual(log.errors, []);
  await context.close();
});
