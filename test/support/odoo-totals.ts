import { compareTotals } from '../../activities/odoo/totals';
import { percentOf } from '../../activities/odoo/wire';
import { type CanonicalOrder, DEFAULT_ORDER_POLICY, fromScaled, money, multiplyMoney, toScaled } from '../../domain';

/**
 * Odoo's amount_total for the sale order the order becomes (operations.ts): per line, unit price × quantity less
 * the discount as the percentage sent, rounded to cents; plus shipping; line taxes cleared.
 */
export function odooTotal(o: CanonicalOrder) {
  const cents = o.lines.reduce((sum, l) => {
    const gross = toScaled(multiplyMoney(l.unitPrice, l.quantity).amount, 2);
    const percent = l.discount && l.quantity > 0 ? toScaled(String(percentOf(l.discount.amount, fromScaled(gross, 2))), 4) : 0n;
    return sum + (2n * gross * (1_000_000n - percent) + 1_000_000n) / 2_000_000n;
  }, toScaled(o.shippingTotal?.amount ?? '0', 2));
  return money(fromScaled(cents, 2), o.currency);
}

/** What the order workflow checks after writing the sale order, with the default tolerance (0.01). */
export const checkTotals = (o: CanonicalOrder) => compareTotals({ odoo: odooTotal(o), order: o, tolerance: DEFAULT_ORDER_POLICY.totalTolerance });
