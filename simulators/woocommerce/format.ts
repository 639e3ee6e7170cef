// WooCommerce's wire conventions: amounts as 2-dp strings, dates site-local without offset plus a `_gmt` twin.

/** Cents (integer) to WooCommerce's money string, e.g. 1250 -> "12.50". */
export function centsToString(cents: number): string {
  const negative = cents < 0;
  const abs = Math.abs(Math.round(cents));
  const text = `${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
  return negative ? `-${text}` : text;
}

/** "12.5" / "12.50" / 12.5 -> 1250. Rejects more than 2 decimals. */
export function parseCents(value: string | number): number {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!m) throw new Error(`not an amount with at most 2 decimals: ${text}`);
  const cents = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] === '-' ? -cents : cents;
}

/** Line `price` is a JSON number on the wire (total / quantity). */
export function centsToNumber(cents: number, quantity = 1): number {
  return Number((cents / 100 / Math.max(1, quantity)).toPrecision(15));
}

/** `YYYY-MM-DDTHH:MM:SS` in UTC (the `_gmt` fields). */
export function gmtDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/** Same instant in the site's timezone, still without an offset (how WordPress writes it). */
export function localDate(ms: number, offsetMinutes: number): string {
  return new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
}

export function datePair(ms: number | null, offsetMinutes: number): { local: string | null; gmt: string | null } {
  return ms === null ? { local: null, gmt: null } : { local: localDate(ms, offsetMinutes), gmt: gmtDate(ms) };
}

/**
 * Reads a date query parameter: with an explicit offset it is absolute; otherwise it is GMT when
 * `dates_are_gmt` is true and site-local when not, as WooCommerce does.
 */
export function parseQueryDate(value: string, datesAreGmt: boolean, offsetMinutes: number): number | undefined {
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(value);
  const ms = Date.parse(hasZone ? value : `${value}Z`);
  if (Number.isNaN(ms)) return undefined;
  return hasZone || datesAreGmt ? ms : ms - offsetMinutes * 60_000;
}
