import { z } from 'zod';

/** ISO 4217 code, upper case. */
export const CurrencyCode = z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code such as USD');

/** A decimal amount as text ("19.99", "-3", "0.125"); never a float. */
export const DecimalString = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/, 'expected a decimal amount as a string, e.g. "19.99"');
export type DecimalString = z.infer<typeof DecimalString>;

export const Money = z.object({ amount: DecimalString, currency: CurrencyCode });
export type Money = z.infer<typeof Money>;

export { addMoney, fromScaled, minorDigits, money, moneyEquals, multiplyMoney, numberToDecimal, toScaled } from './decimal';
