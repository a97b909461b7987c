// The demo shop's catalogue: 6 categories x 8 products, deterministic so pages and tests agree.
export const CATEGORIES = [
  { id: 'shoes', name: 'Shoes', color: '#c8553d', shape: 'shoe' },
  { id: 'jackets', name: 'Jackets', color: '#2d6a4f', shape: 'jacket' },
  { id: 'bags', name: 'Bags', color: '#6d597a', shape: 'bag' },
  { id: 'watches', name: 'Watches', color: '#1d3557', shape: 'watch' },
  { id: 'hats', name: 'Hats', color: '#bc6c25', shape: 'hat' },
  { id: 'sunglasses', name: 'Sunglasses', color: '#264653', shape: 'glasses' },
];

const ADJECTIVES = ['Alpine', 'Harbor', 'Meadow', 'Summit', 'Cobalt', 'Juniper', 'Ember', 'Tidal'];
const NOUNS = {
  shoes: 'Runner', jackets: 'Shell', bags: 'Tote', watches: 'Chrono', hats: 'Cap', sunglasses: 'Aviator',
};
const BASE_PRICE = { shoes: 59, jackets: 119, bags: 45, watches: 149, hats: 19, sunglasses: 39 };

export const PRODUCTS = CATEGORIES.flatMap((c, ci) =>
  ADJECTIVES.map((adj, i) => ({
    sku: `${c.id.slice(0, 3)}-${String(i + 1).padStart(2, '0')}`,
    name: `${adj} ${NOUNS[c.id]}`,
    category: c.id,
    price: (BASE_PRICE[c.id] + ((i * 7 + ci * 3) % 11) * 5 + 0.99).toFixed(2),
    blurb: `The ${adj} ${NOUNS[c.id].toLowerCase()}: made to last, easy to love, and backed by free 30-day returns.`,
  })),
);

export function category(id) {
  return CATEGORIES.find((c) => c.id === id);
}
