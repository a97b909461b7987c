// The back/forward cache: a page restored from it is one page view, not two (visibilitychange
// and pageshow both fire on a restore). This file's browser keeps the bfcache on, which
// Playwright turns off by default.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, openPage, ready, eventually } from './harness.mjs';

const env = useServerAndBrowser({ browser: { bfcache: true } });

test('A → B → back from the bfcache counts 3 page views; forward again counts 4', async () => {
  const { page, context, log } = await openPage(env.chrome.browser);
  // Playwright does not follow a bfcache restore as a navigation: drive and read the page
  // through a CDP session, which does.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Page.enable');
  const blocked = [];
  cdp.on('Page.backForwardCacheNotUsed', (e) => blocked.push(e.notRestoredExplanations.map((x) => x.reason)));
  const inPage = (expression) =>
    cdp.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }).then((r) => r.result.value, () => undefined);
  const markRestores = () =>
    page.evaluate(() => {
      window.restored = 0;
      addEventListener('pageshow', (e) => {
        if (e.persisted) window.restored += 1;
      });
    });
  const views = () => inPage('(async () => (await window.reshelf.ready).state().page_views.product_related)()');

  await page.goto(`${env.server.url}/`);
  await ready(page);
  await markRestores();
  await page.waitForTimeout(1500);
  await page.click('a[href="/category/shoes/"]');
  await page.waitForURL('**/category/shoes/');
  await ready(page);
  await markRestores();
  await page.waitForTimeout(1500);
  await inPage('history.back()');
  await eventually(
    () => inPage('location.pathname === "/" && window.restored === 1'),
    8000,
    `a bfcache restore of the home page (not restored because: ${JSON.stringify(blocked)})`,
  );
  await page.waitForTimeout(500);
  assert.equal(await views(), 3, 'home, shoes, home again');
  await inPage('history.forward()');
  await eventually(() => inPage('location.pathname === "/category/shoes/" && window.restored === 1'), 8000, 'the shoes page restored');
  await page.waitForTimeout(500);
  assert.equal(await views(), 4);
  assert.deepEqual(log.errors, []);
  await context.close();
});
