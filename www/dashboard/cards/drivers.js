// The purchase drivers card.

import { isNum, fmtEffect, fmtMean } from '../format.js';
import { h, s, chart, dataTable, emptyState, linear, niceMax, fitText } from '../dom.js';

export function renderDrivers(data, width) {
  const rows = (data.drivers ?? []).filter((r) => isNum(r.effect_size))
    .sort((a, b) => Math.abs(b.effect_size) - Math.abs(a.effect_size)).slice(0, 8);
  if (!(data.sessions > 0) || rows.length === 0) return [emptyState(data)];
  const W = width, rowH = 54, axisH = 34, mid = W / 2;
  // Never zoom in below |d| = 0.5: tiny effects should look tiny, not fill the card.
  const extent = Math.max(0.5, niceMax(Math.max(...rows.map((r) => Math.abs(r.effect_size)))));
  const x = linear(-extent, extent, 4, W - 4);
  const H = rows.length * rowH + axisH;
  const label = `Standardised difference between buyers and non-buyers: ${rows.map((r) => `${r.label ?? r.feature} ${fmtEffect(r.effect_size)}`).join(', ')}`;
  return [
    chart(W, H, label,
      rows.map((r, i) => {
        const top = i * rowH, d = r.effect_size;
        return s('g', { class: 'driver' },
          s('text', { class: 'bar-label', x: 4, y: top + 14 }, fitText(String(r.label ?? r.feature), W - 90), s('title', {}, r.label ?? r.feature)),
          s('text', { class: 'bar-value', x: W - 4, y: top + 14, 'text-anchor': 'end' }, `d = ${fmtEffect(d)}`),
          s('text', { class: 'bar-sub', x: 4, y: top + 29 }, `buyers ${fmtMean(r.buyers_mean)} vs non-buyers ${fmtMean(r.non_buyers_mean)}`),
          // The zero line is drawn per row, only beside the bar, so it never crosses the text lines.
          s('line', { class: 'zero', x1: mid, x2: mid, y1: top + 32, y2: top + 50 }),
          s('rect', { class: `bar ${d < 0 ? 'bar--neg' : 'bar--pos'}`, x: Math.min(x(d), mid), y: top + 35, width: Math.max(Math.abs(x(d) - mid), 1), height: 12, rx: 2 }));
      }),
      s('g', { class: 'axis axis--x' },
        [-extent, 0, extent].map((v) => s('text', { x: x(v), y: H - axisH + 18, 'text-anchor': v < 0 ? 'start' : v > 0 ? 'end' : 'middle' }, v === 0 ? '0' : fmtEffect(v))),
        s('text', { class: 'axis-title', x: 4, y: H - 2 }, '← lower for buyers'),
        s('text', { class: 'axis-title', x: W - 4, y: H - 2, 'text-anchor': 'end' }, 'higher for buyers →'))),
    h('p', { class: 'note' }, 'Effect size is Cohen’s d (standardised mean difference); about 0.2 is small, 0.5 medium, 0.8 large.'),
    dataTable('Purchase drivers', ['Feature', 'Buyers', 'Non-buyers', 'Effect size (d)'],
      rows.map((r) => [r.label ?? r.feature, fmtMean(r.buyers_mean), fmtMean(r.non_buyers_mean), fmtEffect(r.effect_size)])),
  ];
}
