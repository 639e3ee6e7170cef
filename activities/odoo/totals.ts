import { type CanonicalOrder, type Money, fromScaled, money, toScaled } from '../../domain';

// A sale order's amount_total against the channel's order, on exact decimals. Lines, discounts and shipping
// go to Odoo as the channel gives them and line taxes are cleared (operations.ts), so the channel's tax is in
// Odoo only where it is inside the prices: when prices exclude tax, the line taxes never reach Odoo.

const SCALE = 6;

export interface TotalComparison {
  /** What Odoo should total: the channel's total, less the line taxes when prices exclude tax. */
  expected: Money;
  /** The line taxes left out of `expected` (prices excluding tax), when there are any. */
  taxLeftOut?: Money;
  /** Odoo minus expected (same currency only). */
  difference?: Money;
  within: boolean;
}

export function compareTotals(input: { odoo: Money; order: CanonicalOrder; tolerance: string }): TotalComparison {
  const { odoo, order, tolerance } = input;
  const tax = order.taxesIncluded ? 0n : order.lines.reduce((sum, l) => sum + (l.tax ? toScaled(l.tax.amount, SCALE) : 0n), 0n);
  const expected = money(fromScaled(toScaled(order.total.amount, SCALE) - tax, SCALE), order.currency);
  const taxLeftOut = tax === 0n ? undefined : money(fromScaled(tax, SCALE), order.currency);
  if (odoo.currency !== order.currency) return { expected, taxLeftOut, within: false };
  const gap = toScaled(odoo.amount, SCALE) - toScaled(expected.amount, SCALE);
  const within = (gap < 0n ? -gap : gap) <= toScaled(tolerance, SCALE);
  return { expected, taxLeftOut, difference: money(fromScaled(gap, SCALE), order.currency), within };
}

/** Says what differs and by how much, for the operator who fixes the sale order (or the tolerance). */
export function totalMismatchMessage(saleOrderName: string, odoo: Money, order: CanonicalOrder, compared: TotalComparison, tolerance: string): string {
  const show = (m: Money) => `${m.amount} ${m.currency}`;
  const channel = `the channel's order ${order.name}`;
  if (!compared.difference) return `sale order ${saleOrderName} is in ${odoo.currency} in Odoo but ${channel} is in ${order.currency}`;
  const expected = compared.taxLeftOut
    ? `${channel} totals ${show(order.total)}, ${show(compared.taxLeftOut)} of it line tax that Odoo is not given (prices exclude tax), so Odoo should total ${show(compared.expected)}`
    : `${channel} totals ${show(order.total)}`;
  return (
    `sale order ${saleOrderName} totals ${show(odoo)} in Odoo but ${expected}: a difference of ${show(compared.difference)}, ` +
    `more than the tolerance of ${tolerance} ${order.currency}; correct the sale order in Odoo, then retry`
  );
}
