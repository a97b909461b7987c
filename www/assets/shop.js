// The demo shop's own behaviour (cart, checkout). It works with or without reshelf: the SDK
// is only told about purchases when it is present.
(function () {
  const KEY = 'shelfside:cart';
  const load = () => {
    try { return JSON.parse(localStorage.getItem(KEY)) || []; } catch (_) { return []; }
  };
  const save = (lines) => localStorage.setItem(KEY, JSON.stringify(lines));
  let catalog = null;
  const getCatalog = () => (catalog ||= fetch('/assets/catalog.json').then((r) => r.json()));

  function render() {
    const lines = load();
    document.querySelectorAll('[data-cart-count]').forEach((el) => (el.textContent = lines.length));
    const list = document.querySelector('[data-cart-lines]');
    const totals = document.querySelectorAll('[data-cart-total]');
    if (!list && !totals.length) return;
    getCatalog().then(({ products }) => {
      const bySku = new Map(products.map((p) => [p.sku, p]));
      let total = 0;
      if (list) list.innerHTML = '';
      for (const sku of lines) {
        const p = bySku.get(sku);
        if (!p) continue;
        total += Number(p.price);
        if (list) {
          const li = document.createElement('li');
          li.textContent = `${p.name} — $${p.price}`;
          list.appendChild(li);
        }
      }
      totals.forEach((el) => (el.textContent = total.toFixed(2)));
    });
  }

  document.addEventListener('click', (e) => {
    const btn = e.target.closest && e.target.closest('[data-add-to-cart]');
    if (!btn) return;
    save([...load(), btn.dataset.addToCart]);
    btn.textContent = 'Added ✓';
    render();
  });

  document.addEventListener('submit', (e) => {
    const form = e.target.closest('[data-checkout]');
    if (!form) return;
    e.preventDefault();
    getCatalog().then(({ products }) => {
      const bySku = new Map(products.map((p) => [p.sku, p]));
      const value = load().reduce((sum, sku) => sum + Number(bySku.get(sku)?.price || 0), 0);
      if (window.reshelf && window.reshelf.ready) {
        window.reshelf.ready.then((r) => r.track('purchase', { value }));
      }
      save([]);
      form.hidden = true;
      document.querySelector('[data-order-done]').hidden = false;
      render();
    });
  });

  document.addEventListener('DOMContentLoaded', render);
})();
