// Order statistics shared by the benchmarks.

/** The `q` quantile (nearest rank, 0..1) of numbers `xs`; null when there are none. */
export const quantile = (xs, q) => {
  if (!xs.length) return null;
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
