// Number and date formatting shared by the dashboard's cards.

export const DASH = '—';


export const isNum = (v) => typeof v === 'number' && Number.isFinite(v);
export const formatter = (options) => {
  const nf = new Intl.NumberFormat(undefined, options);
  return (v) => (isNum(v) ? nf.format(v) : DASH);
};
export const fmtInt = formatter({ maximumFractionDigits: 0 });
export const fmtPct = formatter({ style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
export const fmtPctShort = formatter({ style: 'percent', maximumFractionDigits: 1 });
export const fmtSignedPct = formatter({ style: 'percent', maximumFractionDigits: 1, minimumFractionDigits: 1, signDisplay: 'exceptZero' });
const fmtSignedNum = formatter({ minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' });
export const fmtEffect = formatter({ minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: 'exceptZero' });
export const fmtP = formatter({ maximumSignificantDigits: 2 });
// Lift is a difference of two proportions, so it reads best in percentage points.
export const fmtPp = (v) => (isNum(v) ? `${fmtSignedNum(v * 100)} pp` : DASH);
const fmtSignedInt = formatter({ maximumFractionDigits: 0, signDisplay: 'exceptZero' });
export const fmtPpTick = (v) => (isNum(v) ? `${fmtSignedInt(v * 100)} pp` : DASH);
export const fmtSignedPctTick = formatter({ style: 'percent', maximumFractionDigits: 0, signDisplay: 'exceptZero' });
// Feature means range from shares (0.3) to seconds (640): fewer decimals as values grow.
const fmtMeanBy = [2, 1, 0].map((digits) => formatter({ maximumFractionDigits: digits }));
export const fmtMean = (v) => fmtMeanBy[!isNum(v) || Math.abs(v) < 10 ? 0 : Math.abs(v) < 100 ? 1 : 2](v);
export const fmtDay = (() => {
  const df = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
  return (day) => {
    const d = new Date(`${day}T00:00:00Z`);
    return Number.isNaN(d.getTime()) ? String(day) : df.format(d);
  };
})();
export const fmtDateTime = (() => {
  const df = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  return (iso) => {
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? String(iso ?? DASH) : df.format(d);
  };
})();
