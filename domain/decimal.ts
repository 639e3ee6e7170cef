// Money arithmetic on decimal strings. No zod here: workflow code imports this file, and every module a
// workflow imports is evaluated again for each workflow instance the worker creates.

/** An amount in a currency; the zod schema of the same shape is in money.ts. */
export interface Money {
  amount: string;
  currency: string;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

// Minor-unit digits where they differ from 2; everything else uses 2.
const MINOR_DIGITS: Record<string, number> = { JPY: 0, KRW: 0, BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3 };

export function minorDigits(currency: string): number {
  return MINOR_DIGITS[currency] ?? 2;
}

/** Parses a decimal string into an integer count of `scale` decimal places, rounding half away from zero. */
export function toScaled(amount: string, scale: number): bigint {
  const parsed = amount.trim();
  if (!DECIMAL.test(parsed)) throw new Error(`expected a decimal amount as a string, e.g. "19.99", got ${JSON.stringify(amount)}`);
  const negative = parsed.startsWith('-');
  const [whole = '0', frac = ''] = (negative ? parsed.slice(1) : parsed).split('.');
  const kept = frac.slice(0, scale).padEnd(scale, '0');
  let value = BigInt(whole) * 10n ** BigInt(scale) + BigInt(kept || '0');
  if ((frac[scale] ?? '0') >= '5') value += 1n;
  return negative ? -value : value;
}

export function fromScaled(value: bigint, scale: number): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const digits = abs.toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

/** Normalises a vendor amount (string or number) to the currency's minor-unit precision. */
export function money(amount: string | number, currency: string): Money {
  const text = typeof amount === 'number' ? numberToDecimal(amount) : amount;
  const digits = minorDigits(currency);
  return { amount: fromScaled(toScaled(text, digits), digits), currency };
}

/** Vendors that send JSON numbers (WooCommerce line price, Walmart) go through here once. */
export function numberToDecimal(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite amount: ${value}`);
  // toPrecision(15) strips binary noise such as 0.1 + 0.2 = 0.30000000000000004
  const text = String(Number(value.toPrecision(15)));
  return text.includes('e') ? Number(text).toFixed(12).replace(/\.?0+$/, '') : text;
}

export function addMoney(a: Money, b: Money): Money {
  if (a.currency !== b.currency) throw new Error(`cannot add ${a.currency} to ${b.currency}`);
  const digits = Math.max(scaleOf(a.amount), scaleOf(b.amount));
  return { amount: fromScaled(toScaled(a.amount, digits) + toScaled(b.amount, digits), digits), currency: a.currency };
}

export function multiplyMoney(a: Money, quantity: number): Money {
  if (!Number.isInteger(quantity)) throw new Error(`quantity must be an integer, got ${quantity}`);
  const digits = scaleOf(a.amount);
  return { amount: fromScaled(toScaled(a.amount, digits) * BigInt(quantity), digits), currency: a.currency };
}

export function moneyEquals(a: Money, b: Money): boolean {
  const digits = Math.max(scaleOf(a.amount), scaleOf(b.amount));
  return a.currency === b.currency && toScaled(a.amount, digits) === toScaled(b.amount, digits);
}

function scaleOf(amount: string): number {
  return amount.split('.')[1]?.length ?? 0;
}
