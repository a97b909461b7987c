// The SPA example imports the npm build as an ES module and routes with pushState: route
// changes are page views, and tiles rendered by the app are watched for dwell.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, openPage } from './harness.mjs';

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
  await page.waitForFunction(async () => (await window.reshelfSpa).state().page === 'category');
  await page.click('a[href="/spa/info"]');
  await page.waitForFunction(async () => (await window.reshelfSpa).state().page === 'info');
  await page.evaluate(() => history.replaceState({ scroll: 1 }, '', location.pathname));
  await page.goBack();
  await page.waitForFunction(async () => (await window.reshelfSpa).state().page === 'category');
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
