// The intent calibration card: predicted against observed purchase rate.

import { isNum, fmtInt, fmtPct, fmtPctShort } from '../format.js';
import { h, s, chart, dataTable, emptyState, linear, niceMax, ticks, yAxis, xAxis } from '../dom.js';

export function renderCalibration(data, width) {
  const rows = (data.calibration ?? []).filter((r) => isNum(r.predicted) && isNum(r.observed));
  if (!(data.sessions > 0) || rows.length === 0) return [emptyState(data)];
  // The plot area stays square so that the y = x diagonal really is at 45 degrees.
  const m = { l: 52, r: 14, t: 12, b: 46 }, W = Math.min(width, 460), H = W - m.l - m.r + m.t + m.b;
  const max = Math.min(1, niceMax(Math.max(...rows.flatMap((r) => [r.predicted, r.observed]))));
  const x = linear(0, max, m.l, W - m.r);
  const y = linear(0, max, H - m.b, m.t);
  const maxSessions = Math.max(1, ...rows.map((r) => r.sessions || 0));
  // Area, not radius, tracks sessions, so a band with four times the sessions looks 4x as big.
  const radius = (n) => 3 + 6 * Math.sqrt((n || 0) / maxSessions);
  const band = (r) => `${fmtPctShort(r.from)}–${fmtPctShort(r.to)}`;
  const describe = (r) => `Intent ${band(r)}: predicted ${fmtPct(r.predicted)}, observed ${fmtPct(r.observed)}, ${fmtInt(r.sessions)} sessions`;
  return [
    chart(W, H, `Predicted versus observed purchase rate for ${rows.length} intent bands`,
      yAxis(y, ticks(max), fmtPctShort, m.l, W - m.r),
      xAxis(x, ticks(max), fmtPctShort, H - m.b, m.t),
      s('line', { class: 'diagonal', x1: x(0), y1: y(0), x2: x(max), y2: y(max) }),
      s('text', { class: 'axis-title', x: (m.l + W - m.r) / 2, y: H - 6, 'text-anchor': 'middle' }, 'Predicted purchase probability'),
      s('text', { class: 'axis-title', transform: `translate(12 ${(m.t + H - m.b) / 2}) rotate(-90)`, 'text-anchor': 'middle' }, 'Observed purchase rate'),
      rows.map((r) => s('circle', { class: 'dot', cx: x(r.predicted), cy: y(r.observed), r: radius(r.sessions) },
        s('title', {}, describe(r))))),
    h('p', { class: 'note' }, 'Sessions are grouped by the tenth of the intent score they ended on; dot area shows sessions per band. Dots on the dashed line are perfectly calibrated; dots below it are over-confident.'),
    dataTable('Calibration by intent band', ['Intent', 'Sessions', 'Predicted', 'Observed'],
      rows.map((r) => [band(r), fmtInt(r.sessions), fmtPct(r.predicted), fmtPct(r.observed)])),
  ];
}
