// Bad input never breaks the page: malformed markup, misuse of the API, and an SDK that
// cannot load. Fixture pages are served on the server's origin; the SDK comes from the real
// server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, openPage, state, ready, captureListeners } from './harness.mjs';

const env = useServerAndBrowser();

const TAG = '<script async src="/reshelf/reshelf.js" data-site="fixture"></script>';

/** Opens `html` at /fixture/<name> on the server's origin. */
async function fixture(name, html, opts = {}) {
  const { page, log, context } = await openPage(env.chrome.browser, opts);
  await page.route(`${env.server.url}/fixture/${name}`, (r) => r.fulfill({ contentType: 'text/html', body: html }));
  await page.goto(`${env.server.url}/fixture/${name}`);
  return { page, log, context };
}

const warnings = (log) => log.console.filter((m) => m.type === 'warning' && m.text.includes('reshelf'));

test('a page without a page type is counted as unmarked and still captured', async () => {
  const { page, log, context } = await fixture('untyped', `<!doctype html><body>${TAG}<p id=p>hi</p></body>`);
  await ready(page);
  await page.click('#p');
  const s = await state(page);
  assert.equal(s.page_views.unmarked, 1);
  assert.equal(s.page, 'unmarked');
  assert.equal(s.clicks, 1);
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('malformed item attributes: bad price, empty id, duplicate ids, nested slots', async () => {
  const html = `<!doctype html><body data-reshelf-page="CATEGORY">${TAG}
    <ul data-reshelf-slot="outer">
      <li data-reshelf-item="x1" data-category="shoes" data-price="$59,00" style="height:120px">bad price</li>
      <li data-reshelf-item="" data-price="NaN" style="height:120px" id=empty>empty id</li>
      <li data-reshelf-item="dup" data-category="bags" style="height:120px" id=d1>dup one</li>
      <li data-reshelf-item="dup" data-category="bags" style="height:120px" id=d2>dup two</li>
      <li><ul data-reshelf-slot="inner"><li data-reshelf-item="n1" data-price="12" style="height:120px" id=n1>nested</li></ul></li>
    </ul></body>`;
  const { page, log, context } = await fixture('malformed', html);
  await ready(page);
  await page.click('text=bad price');
  await page.click('#empty');
  await page.click('#n1');
  await page.waitForTimeout(1200);
  const s = await state(page);
  assert.equal(s.page, 'category', 'attribute values are case-insensitive');
  assert.equal(s.clicks, 3);
  assert.deepEqual(s.item_clicks_by_id, { x1: 1, n1: 1 }, 'an empty id is not an item');
  assert.equal(s.categories.shoes.clicks, 1, 'an unparseable price does not lose the click');
  // Two visible copies of one id dwell once, not twice.
  const elapsed = Date.now() - s.started_at;
  assert.ok(s.item_dwell_ms.dup >= 1000 && s.item_dwell_ms.dup <= elapsed, `dup dwell ${s.item_dwell_ms.dup}`);
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('thousands of items: the SDK stays bounded and responsive', async () => {
  const items = Array.from({ length: 5000 }, (_, i) =>
    `<li data-reshelf-item="sku-${i}" data-category="c${i % 300}" data-price="${i}">item ${i}</li>`).join('');
  const { page, log, context } = await fixture('many', `<!doctype html><body data-reshelf-page="category">${TAG}
    <ul data-reshelf-slot="all">${items}</ul></body>`);
  await ready(page);
  for (let i = 0; i < 600; i += 1) {
    await page.evaluate((n) => document.querySelector(`[data-reshelf-item="sku-${n}"]`).click(), i);
  }
  const s = await state(page);
  assert.equal(s.clicks, 600);
  assert.ok(Object.keys(s.item_clicks_by_id).length <= 500, 'item table is capped');
  assert.ok(Object.keys(s.categories).length <= 100, 'category table is capped');
  assert.ok(s.dropped > 0, 'what did not fit is counted');
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('init() twice returns the same instance', async () => {
  const { page, context } = await openPage(env.chrome.browser);
  await page.goto(`${env.server.url}/`);
  await ready(page);
  const same = await page.evaluate(async () => {
    const a = await window.reshelf.ready;
    const b = await window.reshelf.init({ site: 'other' });
    return a === b && b.state().site === 'demo';
  });
  assert.equal(same, true);
  await context.close();
});

test('two copies of the script tag and the npm build run one instance: one page view per load, also after a reload', async () => {
  const { page, log, context } = await fixture('two-copies',
    `<!doctype html><body data-reshelf-page="home">${TAG}${TAG}<p>two copies</p></body>`);
  await ready(page);
  await page.waitForTimeout(1000); // a second start, if there were one, has finished
  const first = await page.evaluate(async () => {
    const a = await window.reshelf.ready;
    const b = await window.reshelf.init({ site: 'other' });
    const npm = await import('/reshelf/index.js');
    const c = await npm.init({ site: 'third' });
    return {
      same: a === b && b === c,
      started: performance.getEntriesByName('reshelf:ready').length,
      views: a.state().page_views.product_related,
      site: c.state().site,
    };
  });
  assert.deepEqual(first, { same: true, started: 1, views: 1, site: 'fixture' });
  await page.reload();
  await ready(page);
  await page.waitForTimeout(1000);
  await page.evaluate(() => history.pushState({}, '', '/fixture/two-copies-b'));
  await page.waitForTimeout(400);
  const s = await state(page);
  assert.equal(s.page_views.product_related, 3, 'the load, the reload and one route: each counted once');
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('a script that runs before <body> exists reads the page type once the body is parsed', async () => {
  const { page, log, context } = await openPage(env.chrome.browser);
  // A parser-blocking script in <head> holds the body back 1.5 s while the async tag runs.
  await page.route(`${env.server.url}/fixture/late-body-page`, (r) =>
    r.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><html><head><script async src="/reshelf/reshelf.js" data-site="fixture"></script>
        <script>document.write('<script src="/fixture/slow.js"><\\/script>');</script></head>
        <body data-reshelf-page="product"><p>late body</p></body></html>`,
    }));
  await page.route(`${env.server.url}/fixture/slow.js`, async (r) => {
    await new Promise((ok) => setTimeout(ok, 1500));
    r.fulfill({ contentType: 'text/javascript', body: 'window.slow = true;' });
  });
  await page.goto(`${env.server.url}/fixture/late-body-page`);
  await ready(page);
  const s = await state(page);
  assert.equal(s.page, 'product');
  assert.equal(s.page_views.unmarked, 0);
  assert.equal(s.page_views.product_related, 1);
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('tiles and buttons inside open shadow roots count: clicks through the composed path, dwell, tiles added later', async () => {
  const html = `<!doctype html><body data-reshelf-page="category">
    <script>
      customElements.define('shop-tile', class extends HTMLElement {
        constructor() {
          super();
          this.attachShadow({ mode: 'open' }).innerHTML =
            '<div data-reshelf-item="a" data-category="shoes" data-price="59" style="height:150px"><span class=name>shoe a</span></div>' +
            '<button data-reshelf-event="add_to_cart" data-reshelf-item="a" data-category="shoes">Add</button>';
        }
      });
    </script>
    <shop-tile id=host></shop-tile>
    <div data-reshelf-item="b" data-category="bags" style="height:150px">bag b</div>
    ${TAG}</body>`;
  const { page, log, context } = await fixture('shadow', html);
  await ready(page);
  await page.click('shop-tile .name');
  await page.click('shop-tile button');
  await page.waitForTimeout(1600);
  // A tile the component renders later is watched too.
  await page.evaluate(() => {
    const later = document.createElement('div');
    later.dataset.reshelfItem = 'c';
    later.dataset.category = 'shoes';
    later.style.height = '100px';
    document.getElementById('host').shadowRoot.prepend(later);
  });
  await page.waitForTimeout(1600);
  const s = await state(page);
  assert.equal(s.item_clicks_by_id.a, 1, JSON.stringify(s.item_clicks_by_id));
  assert.equal(s.add_to_cart, 1);
  assert.equal(s.categories.shoes.add_to_cart, 1);
  assert.ok(s.item_dwell_ms.a > 1000, `dwell in the shadow root: ${JSON.stringify(s.item_dwell_ms)}`);
  assert.ok(s.item_dwell_ms.b > 1000);
  assert.ok(s.item_dwell_ms.c > 1000, `a tile added later: ${JSON.stringify(s.item_dwell_ms)}`);
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('track(): valid events are stored; bad names and props are refused with a reason and store nothing', async () => {
  const { page, log, context } = await openPage(env.chrome.browser);
  await page.goto(`${env.server.url}/`);
  await ready(page);
  const out = await page.evaluate(async () => {
    const r = await window.reshelf.ready;
    const errors = [];
    r.on('error', (e) => errors.push(e.message));
    const results = {
      custom: r.track('newsletter_signup', { source: 'footer' }),
      cart: r.track('add_to_cart', { item: 'bag-01', category: 'bags', price: '45.99' }),
    };
    const before = r.state().events;
    const cyclic = {};
    cyclic.self = cyclic;
    results.cyclic = r.track('x', cyclic);
    results.huge = r.track('x', { blob: 'a'.repeat(10000) });
    results.bigint = r.track('x', { n: 10n });
    results.number = r.track('x', 42);
    results.array = r.track('x', [1, 2]);
    results.emptyName = r.track('', {});
    results.objectName = r.track({}, {});
    results.longName = r.track('n'.repeat(100));
    results.badField = r.track('add_to_cart', { item: 7 });
    const after = r.state();
    return { results, stored: after.events - before, after, errors };
  });
  assert.deepEqual(out.results, {
    custom: true, cart: true, cyclic: false, huge: false, bigint: false, number: false, array: false,
    emptyName: false, objectName: false, longName: false, badField: false,
  });
  assert.equal(out.stored, 0, 'refused calls store nothing');
  assert.equal(out.after.custom_events.newsletter_signup, 1);
  assert.equal(out.after.add_to_cart, 1);
  assert.equal(out.after.categories.bags.add_to_cart, 1);
  assert.equal(out.errors.length, 9);
  assert.match(out.errors[0], /not JSON-serialisable/);
  assert.match(out.errors[1], /at most 4096/);
  assert.match(out.errors[3], /plain object/);
  assert.equal(warnings(log).length, 9, 'each refusal is explained in the console');
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('a throwing on() listener is reported, and neither the page nor other listeners break', async () => {
  const { page, log, context } = await openPage(env.chrome.browser);
  await page.goto(`${env.server.url}/`);
  await ready(page);
  const seen = await page.evaluate(async () => {
    const r = await window.reshelf.ready;
    const got = [];
    r.on('event', () => { throw new Error('listener bug'); });
    const off = r.on('event', (e) => got.push(e.type));
    document.querySelector('h2').click();
    r.track('hello');
    off();
    document.querySelector('h2').click();
    const unknown = r.on('nope', () => {});
    return { got, unknownIsFunction: typeof unknown === 'function' };
  });
  assert.deepEqual(seen.got, ['click', 'custom']);
  assert.equal(seen.unknownIsFunction, true);
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('shutdown() releases listeners and restores history methods', async () => {
  const { page, log, context } = await openPage(env.chrome.browser);
  await page.goto(`${env.server.url}/`);
  await ready(page);
  const out = await page.evaluate(async () => {
    const r = await window.reshelf.ready;
    const patched = !history.pushState.toString().includes('[native code]');
    let events = 0;
    r.on('event', () => (events += 1));
    r.shutdown();
    document.querySelector('h2').click();
    history.pushState({}, '', '/elsewhere');
    window.dispatchEvent(new Event('scroll'));
    await new Promise((ok) => setTimeout(ok, 100));
    return {
      patched,
      restored: history.pushState.toString().includes('[native code]')
        && history.replaceState.toString().includes('[native code]'),
      events,
      active: r.active,
      state: r.state(),
      track: r.track('after'),
    };
  });
  assert.deepEqual(out, { patched: true, restored: true, events: 0, active: false, state: null, track: false });
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('after shutdown() the page can start reshelf again with init() on the script-tag build', async () => {
  const { page, log, context } = await openPage(env.chrome.browser);
  await page.goto(`${env.server.url}/`);
  await ready(page);
  const out = await page.evaluate(async () => {
    const first = await window.reshelf.ready;
    const sid = first.state().session_id;
    first.shutdown();
    const again = await window.reshelf.init({ site: 'demo' });
    return { active: again.active, error: again.error, same: again.state().session_id === sid };
  });
  assert.deepEqual(out, { active: true, error: null, same: true });
  assert.deepEqual(log.console.filter((m) => m.text.startsWith('reshelf')), []);
  await context.close();
});

test('the wasm failing to load leaves the page working, with one console warning', async () => {
  const { page, log, context } = await openPage(env.chrome.browser);
  await page.route('**/*.wasm', (r) => r.abort('blockedbyclient'));
  await page.goto(`${env.server.url}/product/hat-02/`);
  const inert = await page.evaluate(async () => {
    const r = await window.reshelf.ready;
    return { active: r.active, state: r.state(), track: r.track('x'), error: r.error };
  });
  assert.equal(inert.active, false);
  assert.equal(inert.state, null);
  assert.equal(inert.track, false);
  assert.ok(inert.error);
  await page.click('button[data-add-to-cart]');
  assert.equal(await page.textContent('[data-cart-count]'), '1', 'the shop itself still works');
  // The listeners reshelf.js installed at init() to hear the shopper early are gone again.
  assert.equal(await captureListeners(page, 'document', 'click'), 0);
  assert.equal(await captureListeners(page, 'window', 'scroll'), 0);
  assert.equal(warnings(log).length, 1);
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('the SDK script being blocked leaves the page untouched', async () => {
  const { page, log, context } = await openPage(env.chrome.browser);
  await page.route('**/reshelf/reshelf.js', (r) => r.abort('blockedbyclient'));
  await page.goto(`${env.server.url}/product/hat-02/`);
  await page.click('button[data-add-to-cart]');
  assert.equal(await page.textContent('[data-cart-count]'), '1');
  assert.equal(await page.evaluate(() => typeof window.reshelf), 'undefined');
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('invalid script-tag options make the instance inert with one warning that names the option', async () => {
  const html = `<!doctype html><body data-reshelf-page="home">
    <script async src="/reshelf/reshelf.js" data-site="fixture" data-holdout="lots"></script></body>`;
  const { page, log, context } = await fixture('bad-options', html);
  const r = await page.waitForFunction(() => window.reshelf && window.reshelf.ready).then(() =>
    page.evaluate(async () => {
      const x = await window.reshelf.ready;
      return { active: x.active, error: x.error };
    }));
  assert.equal(r.active, false);
  assert.match(r.error, /holdout/);
  assert.equal(warnings(log).length, 1);
  assert.deepEqual(log.errors, []);
  await context.close();
});
