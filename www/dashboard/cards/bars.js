// Stacked bar lists: the funnel and top categories cards.


// One row per item: label and figures on a text line, a bar on a track below it. Stacking keeps
// long labels readable in narrow cards, where a side-by-side label column would squeeze the bars.

import { fmtInt, fmtPct } from '../format.js';
import { h, s, chart, dataTable, emptyState, linear, fitText } from '../dom.js';

function barList(label, items, max, W) {
  const rowH = 40, pad = 2;
  const x = linear(0, max || 1, 0, W - 2 * pad);
  return chart(W, items.length * rowH, label, items.map((item, i) => {
    const top = i * rowH;
    return s('g', { class: 'bar-row' },
      s('text', { class: 'bar-label', x: pad, y: top + 14 }, fitText(item.label, W - 2 * pad - 12 - item.text.length * 6.5),
        s('title', {}, item.label)),
      s('text', { class: 'bar-value', x: W - pad, y: top + 14, 'text-anchor': 'end' }, item.text),
      s('rect', { class: 'track', x: pad, y: top + 20, width: W - 2 * pad, height: 12, rx: 3 }),
      s('rect', { class: 'bar', x: pad, y: top + 20, width: Math.max(x(item.value), item.value > 0 ? 2 : 0), height: 12, rx: 3 }));
  }));
}

export function renderFunnel(data, width) {
  const f = data.funnel ?? {};
  if (!(f.sessions > 0)) return [emptyState(data)];
  const steps = [['Sessions', f.sessions], ['Product views', f.product_views], ['Add to cart', f.add_to_cart], ['Purchases', f.purchases]]
    .map(([label, value]) => ({ label, value: value ?? 0, share: (value ?? 0) / f.sessions }));
  const items = steps.map((st) => ({ ...st, text: `${fmtInt(st.value)} · ${fmtPct(st.share)}` }));
  return [
    barList(`Funnel: ${items.map((it) => `${it.label} ${it.text}`).join(', ')}`, items, f.sessions, width),
    h('p', { class: 'note' }, 'Percentages are of all sessions.'),
    dataTable('Funnel steps', ['Step', 'Sessions', '% of sessions'], steps.map((st) => [st.label, fmtInt(st.value), fmtPct(st.share)])),
  ];
}

export function renderCategories(data, width) {
  const rows = [...(data.top_categories ?? [])].sort((a, b) => (b.sessions ?? 0) - (a.sessions ?? 0)).slice(0, 10);
  if (!(data.sessions > 0) || rows.length === 0) return [emptyState(data)];
  const items = rows.map((r) => ({
    label: String(r.category),
    value: r.sessions ?? 0,
    text: `${fmtInt(r.sessions)} sessions · ${fmtPct(r.purchase_rate)} buy`,
  }));
  return [
    barList(`Sessions by category: ${items.map((it) => `${it.label} ${it.text}`).join(', ')}`, items, Math.max(...items.map((it) => it.value)), width),
    h('p', { class: 'note' }, 'Bar length is sessions; “buy” is the purchase rate of those sessions.'),
    dataTable('Top categories', ['Category', 'Sessions', 'Purchase rate'], rows.map((r) => [String(r.category), fmtInt(r.sessions), fmtPct(r.purchase_rate)])),
  ];
}
