import { fromScaled, toScaled } from './decimal';

// Exact fractions of big integers for price arithmetic (price rules, Odoo pricelists). No zod: workflow code
// imports this file.

// n/d with d > 0. Amounts stay exact until a rounding step.
export interface Fraction {
  n: bigint;
  d: bigint;
}

export const ONE: Fraction = { n: 1n, d: 1n };
export const HALF: Fraction = { n: 1n, d: 2n };
export const HUNDRED: Fraction = { n: 100n, d: 1n };

export function decimal(text: string): Fraction {
  const scale = text.trim().split('.')[1]?.length ?? 0;
  return { n: toScaled(text, scale), d: 10n ** BigInt(scale) };
}

export function add(a: Fraction, b: Fraction): Fraction {
  return { n: a.n * b.d + b.n * a.d, d: a.d * b.d };
}

export function sub(a: Fraction, b: Fraction): Fraction {
  return add(a, { n: -b.n, d: b.d });
}

export function mul(a: Fraction, b: Fraction): Fraction {
  return { n: a.n * b.n, d: a.d * b.d };
}

export function div(a: Fraction, b: Fraction): Fraction {
  if (b.n === 0n) throw new RangeError('division by zero');
  const sign = b.n < 0n ? -1n : 1n;
  return { n: a.n * b.d * sign, d: a.d * b.n * sign };
}

export function compare(a: Fraction, b: Fraction): number {
  const diff = a.n * b.d - b.n * a.d;
  return diff < 0n ? -1 : diff > 0n ? 1 : 0;
}

/** floor(a / b) as an integer, b > 0. */
export function floorDiv(a: Fraction, b: Fraction): bigint {
  const q = div(a, b);
  const whole = q.n / q.d;
  return q.n < 0n && whole * q.d !== q.n ? whole - 1n : whole;
}

/** Decimal text with `digits` places, half away from zero. */
export function show(value: Fraction, digits: number): string {
  const factor = 10n ** BigInt(digits);
  const scaled = value.n * factor;
  const abs = scaled < 0n ? -scaled : scaled;
  let q = abs / value.d;
  if ((abs % value.d) * 2n >= value.d) q += 1n;
  return fromScaled(scaled < 0n ? -q : q, digits);
}
