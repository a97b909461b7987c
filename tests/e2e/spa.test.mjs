// The SPA example imports the npm build as an ES module and routes with pushState: route
// changes are page views, and tiles rendered by the app are watched for dwell.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, openPage, ready, state, eventually } from './harness.mjs';

const env = useServerAndBrowser();

const spaState = (page) => page.evaluate(async () => (await window.reshelfSpa).state());

test('pushState and popstate routes are page views by type; same-path replaceState is not', async () => {
  const { page, log, context } = await openPage(env.chrome.browser);
  await page.goto(`${env.server.url}/spa/`);
  await page.waitForFunction(() => window.reshelfSpa);
  await page.waitForSelector('[data-reshelf-slot="recommended"]');
  let s = await spaState(page);
  assert.equal(s.site, 'demo-spa');
  assert.equal(s.page_views.product_related, 1);

  await page.click('a[href="/spa/c/bags"]');
  await page.waitForSelector('[data-reshelf-slot="category"]');
  await eventually(() => page.evaluate(async () => (await window.reshelfSpa).state().page === 'category'));
  await page.click('a[href="/spa/info"]');
  await eventually(() => page.evaluate(async () => (await window.reshelfSpa).state().page === 'info'));
  await page.evaluate(() => history.replaceState({ scroll: 1 }, '', location.pathname));
  await page.goBack();
  await eventually(() => page.evaluate(async () => (await window.reshelfSpa).state().page === 'category'));
  s = await spaState(page);
  assert.deepEqual(s.page_views, { administrative: 0, informational: 1, product_related: 3, unmarked: 0 });
  assert.deepEqual(s.pages.map((p) => p.page), ['home', 'category', 'info']);
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('tiles the app renders after a route change are watched for dwell', async () => {
  const { page, context } = await openPage(env.chrome.browser);
  await page.goto(`${env.server.url}/spa/`);
  await page.waitForFunction(() => window.reshelfSpa);
  await page.click('a[href="/spa/c/watches"]');
  await page.waitForSelector('[data-reshelf-slot="category"] [data-reshelf-item="wat-01"]');
  await page.waitForTimeout(1300);
  const s = await spaState(page);
  assert.ok(s.items_seen.includes('wat-01'), `seen: ${s.items_seen}`);
  assert.ok(s.categories.watches.items_seen >= 1);
  await page.click('[data-reshelf-item="wat-02"] .price');
  assert.equal((await spaState(page)).categories.watches.clicks, 1);
  await context.close();
});

/** A hash-routed page: the app sets data-reshelf-page from the route; #reviews is an anchor. */
const HASH_APP = (attrs = '') => `<!doctype html><body data-reshelf-page="home">
  <script>addEventListener('hashchange', () => { if (location.hash.startsWith('#/'))
    document.body.dataset.reshelfPage = location.hash.startsWith('#/product/') ? 'product' : 'home'; });</script>
  <script async src="/reshelf/reshelf.js" data-site="fixture" ${attrs}></script>
  <h2 id="reviews" style="margin-top:2000px">Reviews</h2></body>`;

async function hashApp(attrs, at = '') {
  const opened = await openPage(env.chrome.browser);
  await opened.page.route(`${env.server.url}/fixture/hash`, (r) => r.fulfill({ contentType: 'text/html', body: HASH_APP(attrs) }));
  await opened.page.goto(`${env.server.url}/fixture/hash${at}`);
  await ready(opened.page);
  return opened;
}

test('hash routes are page views with the page type re-read; in-page anchors are not', async () => {
  const { page, log, context } = await hashApp();
  await page.evaluate(() => { location.hash = '#/product/1'; });
  await eventually(() => page.evaluate(async () => (await window.reshelf.ready).state().page === 'product'), 3000);
  await page.evaluate(() => { location.hash = '#reviews'; });
  await page.waitForTimeout(300);
  assert.equal((await state(page)).page_views.product_related, 2, 'the anchor is no page view');
  await page.evaluate(() => { location.hash = '#/product/2'; });
  await eventually(() => page.evaluate(async () => (await window.reshelf.ready).state().page_views.product_related === 3), 3000);
  await page.goBack(); // to #reviews: still no page view
  await page.waitForTimeout(300);
  const s = await state(page);
  assert.equal(s.page_views.product_related, 3);
  assert.deepEqual(s.pages.map((p) => p.page), ['home', 'product']);
  assert.deepEqual(log.errors, []);
  await context.close();
});

test('landing on a hash route and moving on counts one more view; data-hash-routes="false" ignores fragments', async () => {
  let { page, log, context } = await hashApp('', '#/product/1');
  await page.evaluate(() => { location.hash = '#/product/2'; });
  await eventually(() => page.evaluate(async () => (await window.reshelf.ready).state().page_views.product_related === 2), 3000);
  await page.waitForTimeout(300);
  assert.equal((await state(page)).page_views.product_related, 2);
  assert.deepEqual(log.errors, []);
  await context.close();

  ({ page, log, context } = await hashApp('data-hash-routes="false"'));
  await page.evaluate(() => { location.hash = '#/product/1'; });
  await page.waitForTimeout(400);
  assert.equal((await state(page)).page_views.product_related, 1);
  assert.deepEqual(log.errors, []);
  await context.close();
});
