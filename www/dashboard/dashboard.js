// reshelf insight dashboard: one fetch of /v1/insights, drawn as hand-built SVG.
//
// The page runs under a strict CSP (no inline script or style), so every node is created with
// createElement/createElementNS, geometry goes into SVG attributes, and all looks come from
// classes in dashboard.css. Data is only ever inserted as text, never parsed as markup.

const TOKEN_KEY = 'reshelf:admin-token';
const SVG_NS = 'http://www.w3.org/2000/svg';
const REQUEST_TIMEOUT_MS = 15000;
const DASH = '—';

// ---------------------------------------------------------------- formatting

const isNum = (v) => typeof v === 'number' && Number.isFinite(v);
const formatter = (options) => {
  const nf = new Intl.NumberFormat(undefined, options);
  return (v) => (isNum(v) ? nf.format(v) : DASH);
};
const fmtInt = formatter({ maximumFractionDigits: 0 });
const fmtPct = formatter({ style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
const fmtPctShort = formatter({ style: 'percent', maximumFractionDigits: 1 });
const fmtSignedPct = formatter({ style: 'percent', maximumFractionDigits: 1, minimumFractionDigits: 1, signDisplay: 'exceptZero' });
const fmtSignedNum = formatter({ minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' });
const fmtEffect = formatter({ minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: 'exceptZero' });
const fmtP = formatter({ maximumSignificantDigits: 2 });
// Lift is a difference of two proportions, so it reads best in percentage points.
const fmtPp = (v) => (isNum(v) ? `${fmtSignedNum(v * 100)} pp` : DASH);
const fmtSignedInt = formatter({ maximumFractionDigits: 0, signDisplay: 'exceptZero' });
const fmtPpTick = (v) => (isNum(v) ? `${fmtSignedInt(v * 100)} pp` : DASH);
const fmtSignedPctTick = formatter({ style: 'percent', maximumFractionDigits: 0, signDisplay: 'exceptZero' });
// Feature means range from shares (0.3) to seconds (640): fewer decimals as values grow.
const fmtMeanBy = [2, 1, 0].map((digits) => formatter({ maximumFractionDigits: digits }));
const fmtMean = (v) => fmtMeanBy[!isNum(v) || Math.abs(v) < 10 ? 0 : Math.abs(v) < 100 ? 1 : 2](v);
const fmtDay = (() => {
  const df = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
  return (day) => {
    const d = new Date(`${day}T00:00:00Z`);
    return Number.isNaN(d.getTime()) ? String(day) : df.format(d);
  };
})();
const fmtDateTime = (() => {
  const df = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  return (iso) => {
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? String(iso ?? DASH) : df.format(d);
  };
})();

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
const h = (tag, attrs, ...children) => build(document.createElement(tag), attrs, children);
const s = (tag, attrs, ...children) => build(document.createElementNS(SVG_NS, tag), attrs, children);

let chartCount = 0;
// Every chart is an image for assistive technology, named by its <title>; the same numbers are
// also given as text next to it, so nothing is only visible in the drawing.
function chart(width, height, label, ...children) {
  const id = `chart-title-${++chartCount}`;
  return s('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': id },
    s('title', { id }, label), children);
}

function dataTable(caption, headers, rows) {
  return h('details', { class: 'data' },
    h('summary', {}, 'Show numbers'),
    h('table', {},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, headers.map((text, i) => h('th', { scope: 'col', class: i ? 'num' : null }, text)))),
      h('tbody', {}, rows.map((row) => h('tr', {}, row.map((text, i) => (i ? h('td', { class: 'num' }, text) : h('th', { scope: 'row' }, text))))))));
}

const emptyState = (data) => h('p', { class: 'empty' }, data.sessions > 0 ? 'Not enough data yet' : 'No sessions yet');

// ---------------------------------------------------------------- scales

const linear = (d0, d1, r0, r1) => (v) => r0 + ((v - d0) / (d1 - d0 || 1)) * (r1 - r0);

// Rounds an axis maximum up to 1, 2, 2.5 or 5 times a power of ten so tick labels stay short.
function niceMax(v) {
  if (!(v > 0)) return 1;
  const mag = 10 ** Math.floor(Math.log10(v));
  const step = [1, 2, 2.5, 5, 10].find((m) => v <= m * mag * (1 + 1e-9));
  return Number((step * mag).toPrecision(12));
}
const ticks = (max, count = 4) => Array.from({ length: count + 1 }, (_, i) => (max * i) / count);

// Horizontal grid lines with labels on the left (or right) edge of the plot.
function yAxis(scale, values, format, x0, x1, side = 'left') {
  return s('g', { class: `axis axis--y axis--${side}` }, values.map((v) => [
    side === 'left' ? s('line', { class: 'grid', x1: x0, x2: x1, y1: scale(v), y2: scale(v) }) : null,
    s('text', { x: side === 'left' ? x0 - 6 : x1 + 6, y: scale(v), dy: '0.32em', 'text-anchor': side === 'left' ? 'end' : 'start' }, format(v)),
  ]));
}

function xAxis(scale, values, format, y0, y1) {
  return s('g', { class: 'axis axis--x' }, values.map((v) => [
    s('line', { class: 'grid', x1: scale(v), x2: scale(v), y1: y0, y2: y1 }),
    s('text', { x: scale(v), y: y0 + 16, 'text-anchor': 'middle' }, format(v)),
  ]));
}

// ---------------------------------------------------------------- lift

// An arm without sessions has no conversion rate; showing 0.0% would read as a measured zero.
const conversionOf = (arm) => (!(arm.sessions > 0) ? null : isNum(arm.conversion) ? arm.conversion : arm.purchases / arm.sessions);
const isInterval = (ci) => Array.isArray(ci) && ci.length === 2 && ci.every(isNum);

function armStat(name, arm, key) {
  return h('div', { class: `arm arm--${key}` },
    h('span', { class: 'arm-name' }, name),
    h('strong', { class: 'arm-rate' }, fmtPct(conversionOf(arm))),
    h('span', { class: 'arm-detail' }, `${fmtInt(arm.purchases ?? 0)} purchases / ${fmtInt(arm.sessions ?? 0)} sessions`));
}

// Colour says whether the interval settles the sign of the effect, not just where the point is.
function intervalClass([lo, hi]) {
  if (lo > 0) return 'pos';
  if (hi < 0) return 'neg';
  return 'unsure';
}

function ciChart(label, value, ci, format, tickFormat, W) {
  const H = 62, pad = 30, y = 22;
  const extent = niceMax(Math.max(Math.abs(ci[0]), Math.abs(ci[1]), Math.abs(value)) * 1.1);
  const x = linear(-extent, extent, pad, W - pad);
  const cls = intervalClass(ci);
  return chart(W, H, `${label} ${format(value)}, 95% confidence interval ${format(ci[0])} to ${format(ci[1])}`,
    s('line', { class: 'ci-axis', x1: pad, x2: W - pad, y1: H - 20, y2: H - 20 }),
    [-extent, 0, extent].map((v) => s('text', { class: 'ci-tick', x: x(v), y: H - 4, 'text-anchor': 'middle' }, v === 0 ? '0' : tickFormat(v))),
    s('line', { class: 'ci-zero', x1: x(0), x2: x(0), y1: 4, y2: H - 16 }),
    s('g', { class: `ci ci--${cls}` },
      s('line', { class: 'ci-whisker', x1: x(ci[0]), x2: x(ci[1]), y1: y, y2: y }),
      s('line', { class: 'ci-whisker', x1: x(ci[0]), x2: x(ci[0]), y1: y - 7, y2: y + 7 }),
      s('line', { class: 'ci-whisker', x1: x(ci[1]), x2: x(ci[1]), y1: y - 7, y2: y + 7 }),
      s('circle', { class: 'ci-point', cx: x(value), cy: y, r: 6 })));
}

function liftRow(label, value, ci, [format, tickFormat], chartWidth, missing) {
  if (!isNum(value) || !isInterval(ci)) {
    return h('div', { class: 'lift-row' },
      h('div', { class: 'lift-figures' }, h('span', { class: 'lift-label' }, label), h('p', { class: 'empty' }, missing)));
  }
  return h('div', { class: 'lift-row' },
    h('div', { class: 'lift-figures' },
      h('span', { class: 'lift-label' }, label),
      h('strong', { class: `lift-value lift-value--${intervalClass(ci)}` }, format(value)),
      h('span', { class: 'lift-ci' }, `95% CI ${format(ci[0])} to ${format(ci[1])}`)),
    ciChart(label, value, ci, format, tickFormat, chartWidth));
}

// A plain-language reading of the always-valid interval, because store owners rarely read
// CIs and refresh the dashboard daily.
function liftVerdict(lift) {
  if (!isInterval(lift.absolute_always_valid_ci95)) return null;
  const p = isNum(lift.p_value) ? ` (fixed-horizon p = ${fmtP(lift.p_value)})` : '';
  const text = {
    pos: 'The whole always-valid 95% interval is above zero: personalisation is raising conversion.',
    neg: 'The whole always-valid 95% interval is below zero: personalisation is lowering conversion.',
    unsure: 'The always-valid 95% interval still includes zero: the lift cannot yet be told apart from no effect.',
  }[intervalClass(lift.absolute_always_valid_ci95)];
  return h('p', { class: 'verdict' }, text + p);
}

// Mirrors .lift-row in the CSS: side by side (14rem of figures + gap) in wide cards, stacked
// in cards narrower than 640px. Knowing the width lets the chart's text render at true size.
const liftChartWidth = (width) => Math.round(width <= 640 ? width : Math.min(560, width - 248));

// The sample-ratio check goes above the lift: when the split is broken the lift is not to
// be trusted, whatever its interval says.
function srmStatus(srm) {
  if (!srm) return null;
  const observed = fmtPct(srm.observed_control_share), expected = fmtPct(srm.expected_control_share);
  if (srm.mismatch) {
    return h('p', { class: 'srm srm--fail', role: 'alert' },
      `Sample ratio mismatch: the holdout got ${observed} of sessions where ${expected} was configured (χ² p = ${fmtP(srm.p_value)}). ` +
      'Something is dropping or moving sessions in one arm; the lift below is not reliable until that is fixed.');
  }
  return h('p', { class: 'srm srm--ok' }, `Traffic split check passed: holdout ${observed} of sessions, ${expected} configured (p = ${fmtP(srm.p_value)}).`);
}

const fmtMoney = formatter({ minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: 'exceptZero' });

// Control against each ranker/model version that made decisions, with the correction named.
function versionsTable(versions) {
  if (!Array.isArray(versions) || versions.length === 0) return null;
  return dataTable('Holdout against each ranker and model version (Bonferroni intervals, Holm p-values)',
    ['Version', 'Sessions', 'Conversion', 'Lift', 'Interval', 'Holm p'],
    versions.map((v) => {
      const d = v.conversion_diff ?? {};
      const ci = isInterval(d.ci) ? `${fmtPp(d.ci[0])} to ${fmtPp(d.ci[1])}` : DASH;
      return [`${v.ranker ?? 'hand-set'} · ${v.model ?? 'no model'}`, fmtInt(v.sessions), fmtPct(v.conversion), fmtPp(d.estimate), ci, fmtP(v.p_value_holm)];
    }));
}

function renderLift(data, width) {
  const arms = data.arms ?? {};
  const lift = data.lift ?? {};
  const exp = data.experiment ?? {};
  const adjusted = exp.conversion_stratified ?? {};
  const revenue = exp.revenue_per_session?.diff ?? {};
  const enough = lift.enough_data !== false;
  const chartWidth = liftChartWidth(width);
  // Saying what "enough" means tells the owner how long to wait rather than just "no".
  const missing = isNum(lift.min_sessions_per_arm)
    ? `not enough data yet (needs ${fmtInt(lift.min_sessions_per_arm)} sessions in each arm)` : 'not enough data yet';
  return [
    srmStatus(exp.srm),
    h('div', { class: 'arms' },
      armStat('Personalised (treatment)', arms.treatment ?? {}, 'treatment'),
      armStat('Holdout (control)', arms.control ?? {}, 'control')),
    h('div', { class: 'lift-rows' },
      liftRow('Absolute lift, always valid', enough ? lift.absolute : null, lift.absolute_always_valid_ci95, [fmtPp, fmtPpTick], chartWidth, missing),
      liftRow('Absolute lift, fixed horizon', enough ? lift.absolute : null, lift.absolute_ci95, [fmtPp, fmtPpTick], chartWidth, missing),
      liftRow('Relative lift, fixed horizon', enough ? lift.relative : null, lift.relative_ci95, [fmtSignedPct, fmtSignedPctTick], chartWidth, missing),
      liftRow('Absolute lift, adjusted for visitor, source and device', enough ? adjusted.estimate : null, adjusted.always_valid_ci, [fmtPp, fmtPpTick], chartWidth, missing),
      liftRow('Revenue per session', enough ? revenue.estimate : null, revenue.always_valid_ci, [fmtMoney, fmtMoney], chartWidth, missing)),
    enough ? liftVerdict(lift) : null,
    h('p', { class: 'note' }, 'The always-valid interval stays correct however often this page is refreshed; the fixed-horizon one holds only for a single look at a sample size chosen in advance.'),
    versionsTable(exp.versions),
    exp.unit_note ? h('p', { class: 'note' }, `Unit of analysis: ${exp.unit}. ${exp.unit_note}`) : null,
    lift.method ? h('p', { class: 'method' }, `Method: ${lift.method}`) : null,
  ];
}

// ---------------------------------------------------------------- calibration

function renderCalibration(data, width) {
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

// ---------------------------------------------------------------- stacked bar lists (funnel, categories)

// SVG text does not wrap or ellipsise, and the row is built before it can be measured, so long
// labels are cut by an estimate of ~7px per character at the 12px chart font.
function fitText(text, px) {
  const max = Math.max(4, Math.floor(px / 7));
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

// One row per item: label and figures on a text line, a bar on a track below it. Stacking keeps
// long labels readable in narrow cards, where a side-by-side label column would squeeze the bars.
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

function renderFunnel(data, width) {
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

function renderCategories(data, width) {
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

// ---------------------------------------------------------------- drivers

function renderDrivers(data, width) {
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

// ---------------------------------------------------------------- trend

// Builds a polyline path that breaks at missing values instead of drawing through them.
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

function renderTrend(data, width) {
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

// ---------------------------------------------------------------- page rendering

const CARDS = {
  lift: renderLift,
  calibration: renderCalibration,
  funnel: renderFunnel,
  drivers: renderDrivers,
  categories: renderCategories,
  trend: renderTrend,
};

function renderHeader(data, site) {
  document.getElementById('meta-site').textContent = data.site ?? site;
  document.getElementById('meta-sessions').textContent = fmtInt(data.sessions ?? 0);
  document.getElementById('meta-window').textContent = isNum(data.window_days) ? `${fmtInt(data.window_days)} days` : DASH;
  const generated = document.getElementById('meta-generated');
  generated.replaceChildren(data.generated_at ? h('time', { datetime: data.generated_at }, fmtDateTime(data.generated_at)) : DASH);
}

// Charts are drawn at their card's real width, so SVG text keeps its CSS size instead of being
// scaled down with a fixed viewBox on phones.
const cardBody = (id) => document.getElementById(id).querySelector('.card-body');
const bodyWidth = (id) => Math.round(cardBody(id).clientWidth) || 460;

// The last data drawn and the width each card was drawn at, for redraws on resize.
const drawn = { data: null, widths: new Map() };

// Each card is drawn on its own so that one malformed section cannot blank the whole page.
function renderCard(id, data) {
  const card = document.getElementById(id);
  const body = cardBody(id);
  const width = bodyWidth(id);
  // A redraw on resize should not snap shut the "Show numbers" tables someone opened.
  const open = [...body.querySelectorAll('details')].map((d) => d.open);
  card.removeAttribute('data-ready');
  drawn.widths.set(id, width);
  try {
    body.replaceChildren(...CARDS[id](data, width).filter(Boolean));
    body.querySelectorAll('details').forEach((d, i) => { d.open = Boolean(open[i]); });
    card.dataset.ready = 'true';
    return true;
  } catch (err) {
    console.warn(`reshelf dashboard: could not draw "${id}"`, err);
    body.replaceChildren(h('p', { class: 'empty' }, 'This chart could not be drawn from the data received.'));
    return false;
  }
}

function renderAll(data, site) {
  renderHeader(data, site);
  drawn.data = data;
  // Shown before drawing: hidden cards have no width to measure.
  document.getElementById('cards').hidden = false;
  return Object.keys(CARDS).map((id) => renderCard(id, data)).every(Boolean);
}

// Redraws only cards whose width really changed; the slack ignores scrollbar flicker.
function redrawResized() {
  if (!drawn.data || document.getElementById('cards').hidden) return;
  for (const id of Object.keys(CARDS)) {
    if (Math.abs(bodyWidth(id) - (drawn.widths.get(id) ?? 0)) > 16) renderCard(id, drawn.data);
  }
}

// ---------------------------------------------------------------- status and token

// One place decides what the page shows around the cards, so states cannot mix
// (e.g. a Retry button left over next to the token form).
function setState(state, message, { retry = false, form = false, alert = state === 'error' } = {}) {
  document.body.dataset.state = state;
  const status = document.getElementById('status');
  status.hidden = !message;
  status.classList.toggle('status--alert', alert);
  document.getElementById('status-message').textContent = message ?? '';
  document.getElementById('retry').hidden = !retry;
  document.getElementById('token-form').hidden = !form;
  if (form) document.getElementById('token-input').focus();
}

// sessionStorage can throw (disabled storage, sandboxed frames); the token then lives in memory only.
let memoryToken = null;
function storeToken(token) {
  memoryToken = token;
  try { sessionStorage.setItem(TOKEN_KEY, token); } catch { /* memory only */ }
}
function forgetToken() {
  memoryToken = null;
  try { sessionStorage.removeItem(TOKEN_KEY); } catch { /* nothing stored */ }
}
function storedToken() {
  try { return sessionStorage.getItem(TOKEN_KEY) ?? memoryToken; } catch { return memoryToken; }
}

// A token in the fragment never reaches server logs, but it would linger in the address bar,
// history and screenshots, so it is moved into sessionStorage and erased from the URL at once.
function takeTokenFromFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token');
  if (!token) return null;
  params.delete('token');
  const rest = params.toString();
  history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
  storeToken(token);
  return token;
}

const siteParam = () => new URLSearchParams(location.search).get('site') || 'demo';

// ---------------------------------------------------------------- loading

class HttpError extends Error {
  constructor(response) {
    super(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
    this.status = response.status;
  }
}

async function fetchInsights(site, token) {
  const url = new URL('/v1/insights', location.origin);
  url.searchParams.set('site', site);
  const response = await fetch(url, {
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
    cache: 'no-store',
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  if (!response.ok) throw new HttpError(response);
  const data = await response.json();
  if (!data || typeof data !== 'object') throw new Error('the response was not an insights object');
  return data;
}

function describeFailure(err) {
  if (err instanceof HttpError) return `Could not load insights (${err.message}).`;
  if (err?.name === 'TimeoutError') return 'Could not load insights: the server did not answer in time.';
  if (err instanceof SyntaxError) return 'Could not load insights: the server sent a response that is not JSON.';
  if (err instanceof TypeError) return 'Could not load insights: the network request failed.';
  return `Could not load insights: ${err?.message ?? err}.`;
}

async function load() {
  const token = storedToken();
  if (!token) { setState('token', 'Enter an admin token to see the insights for this site.', { form: true }); return; }
  const site = siteParam();
  setState('loading', 'Loading…');
  let data;
  try {
    data = await fetchInsights(site, token);
  } catch (err) {
    if (err instanceof HttpError && (err.status === 401 || err.status === 403)) {
      forgetToken();
      setState('token', `The admin token was refused (HTTP ${err.status}). Enter a valid admin token.`, { form: true, alert: true });
    } else {
      setState('error', describeFailure(err), { retry: true });
    }
    document.getElementById('cards').hidden = true;
    return;
  }
  const complete = renderAll(data, site);
  setState(complete ? 'ready' : 'error', complete ? null : 'Some charts could not be drawn from the data received.', { retry: !complete });
}

function onTokenSubmit(event) {
  event.preventDefault();
  const input = event.currentTarget.elements.token;
  const token = input.value.trim();
  if (!token) return;
  input.value = '';
  storeToken(token);
  load();
}

function start() {
  document.getElementById('meta-site').textContent = siteParam();
  takeTokenFromFragment();
  document.getElementById('token-form').addEventListener('submit', onTokenSubmit);
  document.getElementById('retry').addEventListener('click', () => load());
  // Deferred to the next frame so a redraw never resizes what the observer is measuring mid-callback.
  new ResizeObserver(() => requestAnimationFrame(redrawResized)).observe(document.getElementById('cards'));
  load();
}

start();
