// Generates the demo storefront's static pages into www/. Run `node www/tools/generate.mjs`
// after changing the catalogue or templates; the output is committed so `make demo` needs
// nothing but the server.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CATEGORIES, PRODUCTS, category } from './catalog.mjs';
import { productSvg } from './svg.mjs';

const www = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const write = (rel, text) => {
  mkdirSync(dirname(join(www, rel)), { recursive: true });
  writeFileSync(join(www, rel), text);
};
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

// The script finds its modules by their fingerprinted names (pkg/modules.json), so the page
// names only the script.
const SDK_TAG = `<script async src="/reshelf/reshelf.js" data-site="demo" data-endpoint="/v1"
        data-key="demo-public-key" data-holdout="0.1"></script>`;

function layout({ title, page, body }) {
  const nav = CATEGORIES.map((c) => `<a href="/category/${c.id}/">${c.name}</a>`).join('\n        ');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${esc(title)} · Shelfside</title>
  <link rel="icon" href="/assets/favicon.svg">
  <link rel="stylesheet" href="/assets/shop.css">
  <script defer src="/assets/shop.js"></script>
  ${SDK_TAG}
</head>
<body data-reshelf-page="${page}">
  <header class="top">
    <a class="brand" href="/">Shelfside</a>
    <nav>
        ${nav}
    </nav>
    <a class="cart-link" href="/cart/">Cart (<span data-cart-count>0</span>)</a>
  </header>
  <main>
${body}
  </main>
  <footer>
    <a href="/info/shipping/">Shipping</a> · <a href="/info/returns/">Returns</a> ·
    <a href="/account/">Account</a> · <a href="/spa/">App version</a>
  </footer>
</body>
</html>
`;
}

const tile = (p) => `      <li class="tile" data-reshelf-item="${p.sku}" data-category="${p.category}" data-price="${p.price}">
        <a href="/product/${p.sku}/"><img src="/img/${p.sku}.svg" alt="" width="200" height="200">
        <span class="name">${esc(p.name)}</span></a>
        <span class="price">$${p.price}</span>
      </li>`;

// Home: a hero with message variants and a recommended slot mixing every category.
const recommended = CATEGORIES.flatMap((c, i) => PRODUCTS.filter((p) => p.category === c.id).slice(i % 2, (i % 2) + 2));
write('index.html', layout({
  title: 'Home',
  page: 'home',
  body: `    <section class="hero" data-reshelf-variants="hero">
      <template data-reshelf-variant="default"><h1>New season, new shelves</h1><p>Fresh picks in every category.</p></template>
      <template data-reshelf-variant="free-shipping"><h1>Free shipping today</h1><p>On every order over $50 — your cart qualifies.</p></template>
      <template data-reshelf-variant="discovery"><h1>Not sure yet?</h1><p>Browse our most-loved picks from every category.</p></template>
      <div class="hero-default"><h1>New season, new shelves</h1><p>Fresh picks in every category.</p></div>
    </section>
    <script type="application/json" data-reshelf-policy>
      {"hero": [
        {"variant": "free-shipping", "when": {"min_intent": 0.08, "min_cart": 1}},
        {"variant": "discovery", "when": {"max_intent": 0.05, "min_product_pages": 3}}
      ]}
    </script>
    <h2>Recommended for you</h2>
    <ul class="grid" data-reshelf-slot="recommended">
${recommended.map(tile).join('\n')}
    </ul>
    <h2>Shop by category</h2>
    <ul class="cats">
${CATEGORIES.map((c) => `      <li><a href="/category/${c.id}/">${c.name}</a></li>`).join('\n')}
    </ul>`,
}));

for (const c of CATEGORIES) {
  const items = PRODUCTS.filter((p) => p.category === c.id);
  write(`category/${c.id}/index.html`, layout({
    title: c.name,
    page: 'category',
    body: `    <h1>${c.name}</h1>
    <p class="lede">${items.length} styles, all in stock.</p>
    <ul class="grid" data-reshelf-slot="category">
${items.map(tile).join('\n')}
    </ul>`,
  }));
}

PRODUCTS.forEach((p, i) => {
  const related = PRODUCTS.filter((q) => q.category === p.category && q.sku !== p.sku).slice(0, 4);
  write(`img/${p.sku}.svg`, productSvg(p, i));
  write(`product/${p.sku}/index.html`, layout({
    title: p.name,
    page: 'product',
    body: `    <article class="product" data-sku="${p.sku}">
      <img src="/img/${p.sku}.svg" alt="${esc(p.name)}" width="360" height="360">
      <div>
        <p class="crumb"><a href="/category/${p.category}/">${category(p.category).name}</a></p>
        <h1>${esc(p.name)}</h1>
        <p class="price">$${p.price}</p>
        <p>${esc(p.blurb)}</p>
        <button class="buy" data-reshelf-event="add_to_cart" data-reshelf-item="${p.sku}"
                data-add-to-cart="${p.sku}">Add to cart</button>
      </div>
    </article>
    <h2>You may also like</h2>
    <ul class="grid" data-reshelf-slot="related">
${related.map(tile).join('\n')}
    </ul>`,
  }));
});

const info = {
  shipping: ['Shipping', 'Orders ship within one business day. Standard delivery takes 3–5 days and is free over $50; express delivery takes 1–2 days for $9.'],
  returns: ['Returns', 'Changed your mind? Return anything unworn within 30 days for a full refund. Print a label from your account and drop the parcel at any post office.'],
};
for (const [slug, [title, text]] of Object.entries(info)) {
  write(`info/${slug}/index.html`, layout({
    title,
    page: 'info',
    body: `    <article class="info"><h1>${title}</h1>${`<p>${esc(text)}</p>`.repeat(6)}</article>`,
  }));
}

write('cart/index.html', layout({
  title: 'Cart',
  page: 'cart',
  body: `    <h1>Your cart</h1>
    <ul class="cart-lines" data-cart-lines></ul>
    <p class="total">Total: $<span data-cart-total>0.00</span></p>
    <a class="button" href="/checkout/">Checkout</a>`,
}));

write('checkout/index.html', layout({
  title: 'Checkout',
  page: 'checkout',
  body: `    <h1>Checkout</h1>
    <form class="checkout" data-checkout>
      <label>Name <input name="name" autocomplete="name" required></label>
      <label>Address <input name="address" autocomplete="street-address" required></label>
      <p class="total">Total: $<span data-cart-total>0.00</span></p>
      <button type="submit">Place order</button>
    </form>
    <p data-order-done hidden>Thank you! Your order is on its way.</p>`,
}));

write('account/index.html', layout({
  title: 'Account',
  page: 'account',
  body: `    <h1>Your account</h1><p>Sign-in is not part of the demo store.</p>`,
}));

write('assets/catalog.json', JSON.stringify({ categories: CATEGORIES, products: PRODUCTS }, null, 1) + '\n');

write('404.html', `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found · Shelfside</title>
<link rel="icon" href="/assets/favicon.svg"><link rel="stylesheet" href="/assets/shop.css"></head><body><main><h1>Not found</h1><p><a href="/">Back to the shop</a></p></main></body></html>
`);
console.log(`wrote ${PRODUCTS.length} products in ${CATEGORIES.length} categories`);

// The kiosk: one full-screen, touch-friendly page in kiosk mode. Images are inline so the page
// needs nothing beyond itself, its stylesheet and the SDK, all of which the service worker
// caches: a kiosk that boots with no network still works.
const kioskTile = (p, i) => `      <li class="k-tile" data-reshelf-item="${p.sku}" data-category="${p.category}" data-price="${p.price}">
        <button class="k-look" type="button" aria-label="Look at ${esc(p.name)}">${productSvg(p, i)}<span class="k-name">${esc(p.name)}</span><span class="k-price">$${p.price}</span></button>
        <button class="k-save" type="button" data-reshelf-event="add_to_cart" data-reshelf-item="${p.sku}">Save to my list</button>
      </li>`;
const featured = CATEGORIES.flatMap((c) => PRODUCTS.filter((p) => p.category === c.id).slice(0, 3));
const kioskSections = CATEGORIES.map((c) => `    <section class="k-section" id="k-${c.id}">
      <h2>${esc(c.name)}</h2>
      <ul class="k-grid" data-reshelf-slot="kiosk-${c.id}">
${PRODUCTS.filter((p) => p.category === c.id).map((p) => kioskTile(p, PRODUCTS.indexOf(p))).join('\n')}
      </ul>
    </section>`).join('\n');
write('kiosk/index.html', `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1, user-scalable=no">
  <title>Shelfside kiosk</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/kiosk/kiosk.css">
  <script async src="/reshelf/reshelf.js" data-site="kiosk" data-endpoint="/v1"
        data-key="demo-public-key" data-holdout="0.1" data-kiosk data-kiosk-idle="15000"
        data-kiosk-home="/kiosk/" data-service-worker="/reshelf/reshelf-sw.js?pages=/kiosk/,/kiosk/kiosk.css"></script>
</head>
<body data-reshelf-page="category" class="kiosk">
  <header class="k-top">
    <span class="k-brand">Shelfside</span>
    <nav>${CATEGORIES.map((c) => `<a href="#k-${c.id}">${esc(c.name)}</a>`).join('')}</nav>
  </header>
  <main>
    <section class="k-section">
      <h2>Picked for you</h2>
      <ul class="k-grid" data-reshelf-slot="kiosk-featured">
${featured.map((p) => kioskTile(p, PRODUCTS.indexOf(p))).join('\n')}
      </ul>
    </section>
${kioskSections}
  </main>
  <footer class="k-foot">Step away for 15 seconds and the next shopper starts fresh. Nothing about you stays on this screen.</footer>
</body>
</html>
`);
