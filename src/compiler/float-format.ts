// Ruby's Float#to_s, shared by string conversion and catalog JSON (kept apart so
// that catalog-json.ts stays light for the server).

/** Ruby's Float#to_s: shortest digits; exponent form from 1e15 up and below 1e-4 ("1.0e+15", "1.0e-05"), as Puppet 7.23 prints them. */
export function formatFloat(n: number): string {
  if (!isFinite(n)) return isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
  const abs = Math.abs(n);
  if (abs !== 0 && (abs >= 1e15 || abs < 1e-4)) {
    const [m, e] = n.toExponential().split('e');
    const exp = Number(e);
    return `${m.includes('.') ? m : m + '.0'}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const s = String(n);
  return s.includes('.') ? s : (Object.is(n, -0) ? '-0' : s) + '.0';
}
