import { type Money, money, toScaled, fromScaled } from '../../domain';

// Conversions that happen only at the Odoo wire: Money <-> float, ISO-8601 <-> naive UTC.

/** Decimal string to the float Odoo's float/monetary fields take. */
export function toOdooAmount(amount: string): number {
  return Number(amount);
}

/** A float Odoo returned to Money at the currency's precision. */
export function fromOdooAmount(value: number, currency: string): Money {
  return money(value, currency);
}

/** (part / whole) * 100 as a percentage with 4 decimals, computed on decimals, float only at the end. */
export function percentOf(part: string, whole: string): number {
  const scale = 8;
  const p = toScaled(part, scale);
  const w = toScaled(whole, scale);
  if (w === 0n) return 0;
  return Number(fromScaled((p * 1_000_000n) / w, 4));
}

/** ISO-8601 with any offset -> "YYYY-MM-DD HH:MM:SS" in UTC, as Odoo stores datetimes. */
export function toOdooDatetime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new Error(`not a datetime: ${iso}`);
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** Odoo's naive UTC datetime -> ISO-8601 with Z. */
export function fromOdooDatetime(value: string): string {
  return `${value.replace(' ', 'T')}Z`;
}
