// Amazon money is a decimal string; the simulator does its arithmetic on scaled integers so no float
// ever reaches a response.

export function scaleOf(amount: string): number {
  return amount.split('.')[1]?.length ?? 0;
}

export function toUnits(amount: string, scale: number): bigint {
  const negative = amount.startsWith('-');
  const [whole = '0', frac = ''] = (negative ? amount.slice(1) : amount).split('.');
  const value = BigInt(whole) * 10n ** BigInt(scale) + BigInt(frac.slice(0, scale).padEnd(scale, '0') || '0');
  return negative ? -value : value;
}

export function fromUnits(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

/** Sum of decimal strings at `scale` places. */
export function sumAmounts(amounts: readonly string[], scale: number): string {
  return fromUnits(amounts.reduce((acc, a) => acc + toUnits(a, scale), 0n), scale);
}

export function timesQuantity(amount: string, quantity: number, scale: number): string {
  return fromUnits(toUnits(amount, scale) * BigInt(quantity), scale);
}

export const CURRENCY_SCALE: Record<string, number> = { JPY: 0 };
export function currencyScale(currency: string): number {
  return CURRENCY_SCALE[currency] ?? 2;
}
