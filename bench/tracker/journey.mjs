// The scripted shopper of the capture-overhead comparison: the end-to-end journey of
// bench/run.mjs's browsingSession (home → a tile's price, scroll → shoes → sho-03 → add to
// cart → shipping, scroll) extended to a realistic visit of 8 page views and 25 interactions
// — clicks on tiles and prices, scrolls, a hover, two adds to cart — with a pause after each
// step. It drives only the demo's markup and waits only for the browser's `load`, never for
// an SDK, so it runs the same with reshelf, with posthog-js and with neither.

// Pauses after each step (ms): fixed, so every run and variant gets the same timing;
// spread over 300–800 ms like a shopper reading and moving on.
const PAUSES = [450, 700, 350, 600, 800, 300, 550, 650, 400, 750];

const tile = (sku, part = '') => `[data-reshelf-item="${sku}"]${part ? ` ${part}` : ''}`;

/**
 * The steps: `click` (a selector), `wheel` (vertical pixels), `hover` (a selector), or `go`
 * (a link to click that leads to a new page, and the path it leads to).
 */
export const STEPS = [
  // home
  { click: tile('sho-01', '.price') },
  { wheel: 600 },
  { click: tile('jac-02', '.price') },
  { wheel: 500 },
  { wheel: -400 },
  { go: 'header nav a[href="/category/shoes/"]', to: '/category/shoes/' },
  // category: shoes
  { wheel: 800 },
  { click: tile('sho-02', '.price') },
  { hover: tile('sho-05') },
  { go: tile('sho-03', 'a'), to: '/product/sho-03/' },
  // product: sho-03
  { wheel: 300 },
  { click: 'button[data-reshelf-event="add_to_cart"]' },
  { wheel: 500 },
  { go: `[data-reshelf-slot="related"] ${tile('sho-04', 'a')}`, to: '/product/sho-04/' },
  // product: sho-04
  { wheel: 400 },
  { go: 'header nav a[href="/category/jackets/"]', to: '/category/jackets/' },
  // category: jackets
  { wheel: 700 },
  { click: tile('jac-03', '.price') },
  { wheel: 500 },
  { go: tile('jac-02', 'a'), to: '/product/jac-02/' },
  // product: jac-02
  { click: 'button[data-reshelf-event="add_to_cart"]' },
  { go: 'a.cart-link', to: '/cart/' },
  // cart
  { wheel: 300 },
  { go: 'footer a[href="/info/shipping/"]', to: '/info/shipping/' },
  // info: shipping
  { wheel: 400 },
];

export const PAGE_VIEWS = 1 + STEPS.filter((s) => s.go).length;

/**
 * Browses the demo at `base` in `page`, then leaves it for about:blank so that the last
 * page's pagehide runs (where both SDKs send what they hold) like every earlier page's.
 * `beforeLeave(path)` runs on each page just before it is left (per-document readings).
 * Resolves with the pages visited, the number of steps and the session's length.
 */
export async function browse(page, base, { beforeLeave = async () => {} } = {}) {
  const t0 = Date.now();
  const pages = ['/'];
  let n = 0;
  const pause = () => page.waitForTimeout(PAUSES[n++ % PAUSES.length]);
  await page.goto(`${base}/`, { waitUntil: 'load' });
  await pause();
  for (const step of STEPS) {
    if (step.click) await page.click(step.click);
    else if (step.hover) await page.hover(step.hover);
    else if (step.wheel) await page.mouse.wheel(0, step.wheel);
    else if (step.go) {
      await beforeLeave(pages[pages.length - 1]);
      await Promise.all([page.waitForURL(`${base}${step.to}`, { waitUntil: 'load' }), page.click(step.go)]);
      pages.push(step.to);
    }
    await pause();
  }
  await beforeLeave(pages[pages.length - 1]);
  await page.goto('about:blank');
  return { pages, steps: STEPS.length, session_ms: Date.now() - t0 };
}
