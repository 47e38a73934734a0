/**
 * Python's `format(x, '.{digits}f')`. JavaScript's toFixed rounds an exact tie (0.125 to 2 digits)
 * up, Python to even; both round the exact binary value otherwise. toFixed(100) shows the exact
 * decimal expansion of any double >= 2^-47, which is all a tie at <= 12 digits can be.
 */
export function pyFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const negative = x < 0 || Object.is(x, -0);
  const a = Math.abs(x);
  let s = a.toFixed(digits);
  const exact = a.toFixed(100);
  const dot = exact.indexOf('.');
  const rest = exact.slice(dot + 1 + digits);
  if (/^50*$/.test(rest)) {
    const last = s.charCodeAt(s.length - 1) - 48;
    if (last % 2 === 1) s = s.slice(0, -1) + String(last - 1);
  }
  return (negative ? '-' : '') + s;
}

/** Python's `'{:>w}'.format(s)`: right-aligned to w code points. */
export function padLeft(s: string, width: number): string {
  const len = [...s].length;
  return len >= width ? s : ' '.repeat(width - len) + s;
}
