/** How the UI writes a value the source did not give (null): a dash, never a made-up 0. */
export const UNKNOWN = '—';
/** How the UI writes a metric this GPU does not report (capability false). */
export const NOT_SUPPORTED = 'not supported';

// One formatter per number of digits: toLocaleString builds a new ICU formatter per call, and the GPU tab's 48
// readouts format a value per sample.
const formatters = new Map<number, Intl.NumberFormat>();
function formatter(digits: number): Intl.NumberFormat {
  let f = formatters.get(digits);
  if (!f) formatters.set(digits, (f = new Intl.NumberFormat('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 })));
  return f;
}

export function fmt(value: number | null | undefined, digits = 1, unit = ''): string {
  if (value == null || !Number.isFinite(value)) return UNKNOWN;
  const text = formatter(digits).format(value);
  return unit ? `${text} ${unit}` : text;
}

export function fmtSeconds(value: number | null | undefined): string {
  if (value == null) return UNKNOWN;
  return value < 1 ? `${fmt(value * 1000, 0)} ms` : `${fmt(value, 2)} s`;
}

export function fmtPercent(value: number | null | undefined, digits = 1): string {
  return fmt(value, digits, '%');
}

export function fmtBytes(bytes: number | null | undefined): string {
  if (bytes == null) return UNKNOWN;
  const gib = bytes / 2 ** 30;
  return gib >= 1 ? `${fmt(gib, 1)} GiB` : `${fmt(bytes / 2 ** 20, 0)} MiB`;
}
