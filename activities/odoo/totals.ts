import { type CanonicalOrder, type Money, fromScaled, money, toScaled } from '../../domain';

// A sale order's amount_total against the channel's order, on exact decimals. Lines, discounts and shipping
// go to Odoo as the channel gives them and line taxes are cleared (operations.ts), so the channel's tax is in
// Odoo only where it is inside the prices: when prices exclude tax, the line taxes never reach Odoo, nor the
// tax on the shipping (Odoo gets the shipping line at its price before tax), which the channel's total includes.

const SCALE = 6;

export interface TotalComparison {
  /** What Odoo should total: the channel's total, less the line and shipping taxes when prices exclude tax. */
  expected: Money;
  /** The line taxes left out of `expected` (prices excluding tax), when there are any. */
  taxLeftOut?: Money;
  /** The shipping tax left out of `expected` (prices excluding tax), when there is any. */
  shippingTaxLeftOut?: Money;
  /** Odoo minus expected (same currency only). */
  difference?: Money;
  within: boolean;
}

export function compareTotals(input: { odoo: Money; order: CanonicalOrder; tolerance: string }): TotalComparison {
  const { odoo, order, tolerance } = input;
  const tax = order.taxesIncluded ? 0n : order.lines.reduce((sum, l) => sum + (l.tax ? toScaled(l.tax.amount, SCALE) : 0n), 0n);
  // With prices including tax the shipping tax is inside the shipping price Odoo gets: nothing to leave out.
  const shippingTax = order.taxesIncluded || !order.shippingTax ? 0n : toScaled(order.shippingTax.amount, SCALE);
  const expected = money(fromScaled(toScaled(order.total.amount, SCALE) - tax - shippingTax, SCALE), order.currency);
  const left = {
    ...(tax === 0n ? {} : { taxLeftOut: money(fromScaled(tax, SCALE), order.currency) }),
    ...(shippingTax === 0n ? {} : { shippingTaxLeftOut: money(fromScaled(shippingTax, SCALE), order.currency) }),
  };
  if (odoo.currency !== order.currency) return { expected, ...left, within: false };
  const gap = toScaled(odoo.amount, SCALE) - toScaled(expected.amount, SCALE);
  const within = (gap < 0n ? -gap : gap) <= toScaled(tolerance, SCALE);
  return { expected, ...left, difference: money(fromScaled(gap, SCALE), order.currency), within };
}

/** Says what differs and by how much, for the operator who fixes the sale order (or the tolerance). */
export function totalMismatchMessage(saleOrderName: string, odoo: Money, order: CanonicalOrder, compared: TotalComparison, tolerance: string): string {
  const show = (m: Money) => `${m.amount} ${m.currency}`;
  const channel = `the channel's order ${order.name}`;
  if (!compared.difference) return `sale order ${saleOrderName} is in ${odoo.currency} in Odoo but ${channel} is in ${order.currency}`;
  // "1.00 USD of it line tax and 0.50 USD shipping tax", or either alone.
  const leftOut = [
    ...(compared.taxLeftOut ? [{ amount: compared.taxLeftOut, what: 'line tax' }] : []),
    ...(compared.shippingTaxLeftOut ? [{ amount: compared.shippingTaxLeftOut, what: 'shipping tax' }] : []),
  ].map((t, i) => `${show(t.amount)}${i === 0 ? ' of it' : ''} ${t.what}`);
  const expected =
    leftOut.length > 0
      ? `${channel} totals ${show(order.total)}, ${leftOut.join(' and ')} that Odoo is not given (prices exclude tax), so Odoo should total ${show(compared.expected)}`
      : `${channel} totals ${show(order.total)}`;
  return (
    `sale order ${saleOrderName} totals ${show(odoo)} in Odoo but ${expected}: a difference of ${show(compared.difference)}, ` +
    `more than the tolerance of ${tolerance} ${order.currency}; correct the sale order in Odoo, then retry`
  );
}
