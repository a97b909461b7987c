// A single-page version of the shop: it imports reshelf as an ES module (the npm build),
// changes routes with history.pushState and renders each view itself. Personalisation runs
// in framework mode: the app asks `rank()` for the order and renders it; reshelf never
// touches the DOM the app owns.
import { init } from '/reshelf/index.js';

const view = document.querySelector('[data-view]');
const nav = document.querySelector('[data-nav]');
const catalogReady = fetch('/assets/catalog.json').then((r) => r.json());

export const reshelf = init({ site: 'demo-spa', endpoint: '/v1', key: 'demo-public-key' });
window.reshelfSpa = reshelf;

const tile = (p) => `<li class="tile" data-reshelf-item="${p.sku}" data-category="${p.category}" data-price="${p.price}">
  <a href="/spa/p/${p.sku}" data-link><img src="/img/${p.sku}.svg" alt="" width="200" height="200">
  <span class="name">${p.name}</span></a><span class="price">$${p.price}</span></li>`;

function route(path, { categories, products }) {
  const product = path.match(/^\/spa\/p\/([\w-]+)$/);
  if (product) {
    const p = products.find((x) => x.sku === product[1]);
    if (p) {
      return ['product', `<article class="product"><img src="/img/${p.sku}.svg" alt="" width="360" height="360">
        <div><h1>${p.name}</h1><p class="price">$${p.price}</p><p>${p.blurb}</p>
        <button data-reshelf-event="add_to_cart" data-reshelf-item="${p.sku}">Add to cart</button></div></article>`];
    }
  }
  const cat = path.match(/^\/spa\/c\/([\w-]+)$/);
  if (cat) {
    const items = ordered('category', products.filter((p) => p.category === cat[1]));
    return ['category', `<h1>${cat[1]}</h1><ul class="grid" data-reshelf-slot="category">${items.map(tile).join('')}</ul>`];
  }
  if (path === '/spa/info') {
    return ['info', '<article class="info"><h1>About the app</h1><p>Same shop, one page.</p></article>'];
  }
  const picks = ordered('recommended', categories.map((c) => products.find((p) => p.category === c.id)));
  return ['home', `<h1>Welcome</h1><ul class="grid" data-reshelf-slot="recommended">${picks.map(tile).join('')}</ul>`];
}

let instance = null;
reshelf.then((r) => {
  instance = r;
  // The model's order can come after a view rendered (its engine loads after first paint and,
  // in a worker, answers later): a decision for a slot on screen renders the view again.
  r.on('decision', (d) => {
    if (d.slot && view.querySelector(`[data-reshelf-slot="${d.slot}"]`)) queueMicrotask(render);
  });
});

/** The app's products in the order reshelf suggests (as given until reshelf is ready). */
function ordered(slot, products) {
  if (!instance) return products;
  const ranked = instance.rank(slot, products.map((p) => ({ id: p.sku, category: p.category, price: Number(p.price) })));
  const bySku = new Map(products.map((p) => [p.sku, p]));
  return ranked.map((x) => bySku.get(x.id));
}

async function render() {
  const catalog = await catalogReady;
  await reshelf;
  const [page, html] = route(location.pathname, catalog);
  document.body.dataset.reshelfPage = page;
  view.innerHTML = html;
  nav.innerHTML = catalog.categories.map((c) => `<a href="/spa/c/${c.id}" data-link>${c.name}</a>`).join(' ')
    + ' <a href="/spa/info" data-link>About</a>';
}

document.addEventListener('click', (e) => {
  const link = e.target.closest('a[data-link]');
  if (!link || e.metaKey || e.ctrlKey) return;
  e.preventDefault();
  history.pushState({}, '', link.getAttribute('href'));
  render();
});
window.addEventListener('popstate', render);
render();
