// The daily trend card.


// Builds a polyline path that breaks at missing values instead of drawing through them.

import { isNum, fmtInt, fmtPct, fmtPctShort, fmtDay } from '../format.js';
import { h, s, chart, dataTable, emptyState, linear, niceMax, ticks, yAxis } from '../dom.js';

function linePath(points) {
  let d = '', pen = false;
  for (const p of points) {
    if (!p) { pen = false; continue; }
    d += `${pen ? 'L' : 'M'}${p[0].toFixed(1)},${p[1].toFixed(1)}`;
    pen = true;
  }
  return d;
}

function legend(entries) {
  return h('ul', { class: 'legend' }, entries.map(([cls, text]) => h('li', {}, h('span', { class: `swatch swatch--${cls}`, 'aria-hidden': 'true' }), text)));
}

export function renderTrend(data, width) {
  const rows = data.trend ?? [];
  if (!(data.sessions > 0) || rows.length === 0) return [emptyState(data)];
  const W = width, H = width < 520 ? 220 : 280, m = { l: 44, r: 44, t: 14, b: 30 };
  const step = (W - m.l - m.r) / rows.length;
  const cx = (i) => m.l + (i + 0.5) * step;
  const rates = rows.flatMap((r) => [r.treatment_conversion, r.control_conversion]).filter(isNum);
  const rateMax = Math.min(1, niceMax(Math.max(0, ...rates) * 1.1));
  const y = linear(0, rateMax, H - m.b, m.t);
  const sessionsMax = niceMax(Math.max(0, ...rows.map((r) => r.sessions || 0)));
  const ys = linear(0, sessionsMax, H - m.b, m.t);
  const barW = Math.min(40, step * 0.7);
  // About one date label per 70px, so labels never overlap however many days there are.
  const labelEvery = Math.ceil(rows.length / Math.max(1, Math.floor((W - m.l - m.r) / 70)));
  const series = (key, cls, name) => {
    const pts = rows.map((r, i) => (isNum(r[key]) ? [cx(i), y(r[key])] : null));
    return s('g', { class: `series series--${cls}` },
      s('path', { class: 'line', d: linePath(pts) }),
      rows.length <= 45 ? pts.map((p, i) => p && s('circle', { class: 'point', cx: p[0], cy: p[1], r: 3.5 },
        s('title', {}, `${fmtDay(rows[i].day)}: ${name} ${fmtPct(rows[i][key])}`))) : null);
  };
  return [
    legend([['treatment', 'Personalised conversion'], ['control', 'Holdout conversion'], ['sessions', 'Sessions per day (right axis)']]),
    chart(W, H, `Daily conversion for personalised and holdout sessions, and sessions per day, over ${rows.length} days`,
      yAxis(y, ticks(rateMax), fmtPctShort, m.l, W - m.r),
      yAxis(ys, ticks(sessionsMax), fmtInt, m.l, W - m.r, 'right'),
      s('g', { class: 'sessions-bars' }, rows.map((r, i) => s('rect', { class: 'day-bar', x: cx(i) - barW / 2, y: ys(r.sessions || 0), width: barW, height: H - m.b - ys(r.sessions || 0) },
        s('title', {}, `${fmtDay(r.day)}: ${fmtInt(r.sessions)} sessions`)))),
      series('treatment_conversion', 'treatment', 'personalised conversion'),
      series('control_conversion', 'control', 'holdout conversion'),
      s('g', { class: 'axis axis--x' }, rows.map((r, i) => (i % labelEvery === 0
        ? s('text', { x: cx(i), y: H - m.b + 18, 'text-anchor': 'middle' }, fmtDay(r.day)) : null)))),
    dataTable('Daily trend', ['Day', 'Sessions', 'Personalised', 'Holdout'],
      rows.map((r) => [fmtDay(r.day), fmtInt(r.sessions), fmtPct(r.treatment_conversion), fmtPct(r.control_conversion)])),
  ];
}
