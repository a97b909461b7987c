// DOM and SVG builders, tables and scales shared by the dashboard's cards (nodes are only
// ever created, never parsed from markup, so the page runs under a strict CSP).

const SVG_NS = 'http://www.w3.org/2000/svg';

// ---------------------------------------------------------------- DOM helpers

function build(node, attrs, children) {
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value == null || value === false) continue;
    // Rounding keeps the SVG markup small and stable across tiny float differences.
    node.setAttribute(key, typeof value === 'number' ? String(Math.round(value * 100) / 100) : String(value));
  }
  node.append(...children.flat(Infinity).filter((c) => c != null && c !== false));
  return node;
}
export const h = (tag, attrs, ...children) => build(document.createElement(tag), attrs, children);
export const s = (tag, attrs, ...children) => build(document.createElementNS(SVG_NS, tag), attrs, children);

let chartCount = 0;
// Every chart is an image for assistive technology, named by its <title>; the same numbers are
// also given as text next to it, so nothing is only visible in the drawing.
export function chart(width, height, label, ...children) {
  const id = `chart-title-${++chartCount}`;
  return s('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': id },
    s('title', { id }, label), children);
}

export function dataTable(caption, headers, rows) {
  return h('details', { class: 'data' },
    h('summary', {}, 'Show numbers'),
    h('table', {},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, headers.map((text, i) => h('th', { scope: 'col', class: i ? 'num' : null }, text)))),
      h('tbody', {}, rows.map((row) => h('tr', {}, row.map((text, i) => (i ? h('td', { class: 'num' }, text) : h('th', { scope: 'row' }, text))))))));
}

export const emptyState = (data) => h('p', { class: 'empty' }, data.sessions > 0 ? 'Not enough data yet' : 'No sessions yet');

// ---------------------------------------------------------------- scales

export const linear = (d0, d1, r0, r1) => (v) => r0 + ((v - d0) / (d1 - d0 || 1)) * (r1 - r0);

// Rounds an axis maximum up to 1, 2, 2.5 or 5 times a power of ten so tick labels stay short.
export function niceMax(v) {
  if (!(v > 0)) return 1;
  const mag = 10 ** Math.floor(Math.log10(v));
  const step = [1, 2, 2.5, 5, 10].find((m) => v <= m * mag * (1 + 1e-9));
  return Number((step * mag).toPrecision(12));
}
export const ticks = (max, count = 4) => Array.from({ length: count + 1 }, (_, i) => (max * i) / count);

// Horizontal grid lines with labels on the left (or right) edge of the plot.
export function yAxis(scale, values, format, x0, x1, side = 'left') {
  return s('g', { class: `axis axis--y axis--${side}` }, values.map((v) => [
    side === 'left' ? s('line', { class: 'grid', x1: x0, x2: x1, y1: scale(v), y2: scale(v) }) : null,
    s('text', { x: side === 'left' ? x0 - 6 : x1 + 6, y: scale(v), dy: '0.32em', 'text-anchor': side === 'left' ? 'end' : 'start' }, format(v)),
  ]));
}

export function xAxis(scale, values, format, y0, y1) {
  return s('g', { class: 'axis axis--x' }, values.map((v) => [
    s('line', { class: 'grid', x1: scale(v), x2: scale(v), y1: y0, y2: y1 }),
    s('text', { x: scale(v), y: y0 + 16, 'text-anchor': 'middle' }, format(v)),
  ]));
}

// SVG text does not wrap or ellipsise, and the row is built before it can be measured, so long
// labels are cut by an estimate of ~7px per character at the 12px chart font.
export function fitText(text, px) {
  const max = Math.max(4, Math.floor(px / 7));
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
