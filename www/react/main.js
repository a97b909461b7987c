// A React shop page in framework mode, built with Vite from the npm package (see
// tests/e2e/npm.test.mjs): `useRanked` orders the lists, `useVariant` picks the banner, and
// reshelf never touches the DOM React owns. Plain `createElement`, so no JSX set-up.
import { createElement as h, useCallback, useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { useReshelf, useRanked, useVariant } from 'reshelf/react';

// A handful of products from www/assets/catalog.json.
const product = (id, name, category, price) => ({ id, name, category, price });
export const FEATURED = [
  product('sho-01', 'Alpine Runner', 'shoes', 59.99),
  product('jac-01', 'Alpine Shell', 'jackets', 134.99),
  product('bag-01', 'Alpine Tote', 'bags', 75.99),
  product('hat-01', 'Alpine Cap', 'hats', 24.99),
  product('sun-01', 'Alpine Aviator', 'sunglasses', 59.99),
  product('wat-01', 'Alpine Chrono', 'watches', 194.99),
  product('wat-02', 'Harbor Chrono', 'watches', 174.99),
];
const MORE = [
  product('sho-02', 'Harbor Runner', 'shoes', 94.99),
  product('jac-02', 'Harbor Shell', 'jackets', 169.99),
  product('bag-02', 'Harbor Tote', 'bags', 55.99),
  product('hat-02', 'Harbor Cap', 'hats', 59.99),
  product('sun-02', 'Harbor Aviator', 'sunglasses', 39.99),
  product('wat-03', 'Meadow Chrono', 'watches', 154.99),
];

const OPTIONS = {
  site: 'demo-spa',
  endpoint: '/v1',
  key: 'demo-public-key',
  policy: { promo: [{ variant: 'free-shipping', when: { min_cart: 1 } }] },
  // The demo shows personalisation to everyone; a real shop keeps the default holdout.
  holdout: 0,
};

function Tile({ item, onAdd }) {
  return h('li', { className: 'tile', 'data-reshelf-item': item.id, 'data-category': item.category },
    h('span', { className: 'name' }, item.name),
    h('span', { className: 'price' }, `$${item.price}`),
    h('button', { type: 'button', onClick: () => onAdd(item) }, 'Add to cart'));
}

function Shelf({ slot, title, items, onAdd }) {
  const ordered = useRanked(slot, items);
  return h('section', null, h('h2', null, title),
    h('ul', { className: 'grid', 'data-list': slot }, ordered.map((item) => h(Tile, { key: item.id, item, onAdd }))));
}

function Promo() {
  const variant = useVariant('promo', ['free-shipping']);
  return h('p', { 'data-promo': variant ?? 'default' },
    variant === 'free-shipping' ? 'Free shipping on this order' : 'New arrivals every week');
}

function App() {
  const reshelf = useReshelf(OPTIONS);
  const [cart, setCart] = useState([]);
  useEffect(() => {
    if (reshelf) window.reshelfReact = reshelf;
  }, [reshelf]);
  const add = useCallback((item) => {
    reshelf?.track('add_to_cart', { item: item.id, category: item.category, price: item.price });
    setCart((c) => [...c, item.id]);
  }, [reshelf]);
  // Suggestions leave out what is in the cart, so they change (and are ranked again) with it.
  const more = useMemo(() => MORE.filter((p) => !cart.includes(p.id)), [cart]);
  return h('main', { 'data-ready': reshelf ? String(reshelf.active) : 'loading' },
    h('h1', null, 'Shelfside'),
    h(Promo),
    h('p', { 'data-cart': cart.length }, `Cart: ${cart.length}`),
    h(Shelf, { slot: 'featured', title: 'Featured', items: FEATURED, onAdd: add }),
    h(Shelf, { slot: 'more', title: 'You may also like', items: more, onAdd: add }));
}

window.reshelfFeatured = FEATURED;
createRoot(document.getElementById('root')).render(h(App));
