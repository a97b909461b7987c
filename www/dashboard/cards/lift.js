// The lift card: traffic-split check, both arms, lift intervals, per-version table.


// An arm without sessions has no conversion rate; showing 0.0% would read as a measured zero.

import { DASH, isNum, formatter, fmtInt, fmtPct, fmtSignedPct, fmtP, fmtPp, fmtPpTick, fmtSignedPctTick } from '../format.js';
import { h, s, chart, dataTable, linear, niceMax } from '../dom.js';

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
  const what = srm.counted === 'units' ? 'visitors' : 'sessions';
  if (srm.mismatch) {
    return h('p', { class: 'srm srm--fail', role: 'alert' },
      `Sample ratio mismatch: the holdout got ${observed} of ${what} where ${expected} was configured (χ² p = ${fmtP(srm.p_value)}). ` +
      `Something is dropping or moving ${what} in one arm; the lift below is not reliable until that is fixed.`);
  }
  return h('p', { class: 'srm srm--ok' }, `Traffic split check passed: holdout ${observed} of ${what}, ${expected} configured (p = ${fmtP(srm.p_value)}).`);
}

// How much wider visitors' repeat sessions make the intervals, per arm.
function designNote(design, unit) {
  if (unit !== 'visitor' || !design) return '';
  const arm = (a) => `${fmtInt(a?.units ?? 0)} visitors, design effect ×${fmtFactor(a?.design_effect_conversion ?? 1)}`;
  return ` Treatment: ${arm(design.treatment)}; holdout: ${arm(design.control)}.`;
}

const fmtFactor = formatter({ minimumFractionDigits: 2, maximumFractionDigits: 2 });
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

export function renderLift(data, width) {
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
    exp.unit_note ? h('p', { class: 'note unit' }, `Unit of analysis: ${exp.unit}. ${exp.unit_note}${designNote(exp.design, exp.unit)}`) : null,
    lift.method ? h('p', { class: 'method' }, `Method: ${lift.method}`) : null,
  ];
}
