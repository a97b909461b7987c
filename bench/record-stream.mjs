// Records an event stream by scripted browsing of the demo store, for `reshelf-train replay`.
// Each scripted shopper has a favourite category: they look at it, click into it, then come
// back to the home page and click a recommended item — from their favourite category four
// times in five (chosen at random among those shown), otherwise any item. The SDK is blocked
// so every slot is read in the retailer's original order.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startServer, startBrowser, openPage } from '../tests/e2e/harness.mjs';

const SHOPPERS = Number(process.env.SHOPPERS || 40);
let seed = 20261122;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];

const readSlot = (page, slot) =>
  page.$$eval(`[data-reshelf-slot="${slot}"] > [data-reshelf-item]`, (els) =>
    els.map((e) => ({ id: e.dataset.reshelfItem, category: e.dataset.category, price: Number(e.dataset.price) })));

export async function record(out = join(ROOT, 'bench/out/demo-stream.jsonl')) {
  const server = await startServer({ profile: 'release' });
  const chrome = await startBrowser();
  const lines = [];
  const categories = ['shoes', 'jackets', 'bags', 'watches', 'hats', 'sunglasses'];
  try {
    const { page, context } = await openPage(chrome.browser);
    await page.route('**/reshelf/**', (r) => r.abort('blockedbyclient'));
    let t = Date.UTC(2026, 10, 2, 10, 0, 0);
    for (let s = 0; s < SHOPPERS; s += 1) {
      const session = `shopper-${s}`;
      const favourite = pick(categories);
      const emit = (e) => lines.push(JSON.stringify({ session, t: (t += 2000 + Math.floor(rand() * 8000)), ...e }));
      await page.goto(`${server.url}/`);
      emit({ type: 'page_view', page: 'home', slot: await readSlot(page, 'recommended') });
      await page.goto(`${server.url}/category/${favourite}/`);
      const grid = await readSlot(page, 'category');
      emit({ type: 'page_view', page: 'category', slot: grid });
      for (let k = 0; k < 2; k += 1) {
        const it = pick(grid);
        emit({ type: 'click', item: it.id, category: it.category, price: it.price });
      }
      const chosen = pick(grid);
      await page.goto(`${server.url}/product/${chosen.id}/`);
      emit({ type: 'page_view', page: 'product', slot: await readSlot(page, 'related') });
      if (rand() < 0.3) emit({ type: 'add_to_cart', item: chosen.id, category: chosen.category, price: chosen.price });
      await page.goto(`${server.url}/`);
      const home = await readSlot(page, 'recommended');
      emit({ type: 'page_view', page: 'home', slot: home });
      const liked = home.filter((x) => x.category === favourite);
      const clicked = liked.length && rand() < 0.8 ? pick(liked) : pick(home);
      emit({ type: 'click', item: clicked.id, category: clicked.category, price: clicked.price });
      t += 40 * 60 * 1000; // the next shopper arrives later
    }
    await context.close();
  } finally {
    await chrome.close();
    await server.stop();
  }
  mkdirSync(join(ROOT, 'bench/out'), { recursive: true });
  writeFileSync(out, lines.join('\n') + '\n');
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await record());
}
