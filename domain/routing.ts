import { type CanonicalOrder } from './order';
import { type RoutingRule } from './policy';

// Which Odoo warehouse ships an order. The rule is configuration (its schema is in policy.ts, so workflow code
// that imports this pure function does not load zod); the decision is this pure function.

export interface RoutingDecision {
  warehouse: string;
  reason: 'country' | 'country_in_stock' | 'default' | 'default_in_stock' | 'no_warehouse_in_stock';
}

/**
 * Candidates are the ship-to country's warehouses (or the default). With preferInStock and stock given,
 * the first candidate holding every line wins, then any other candidate or the default that does; when no
 * warehouse can ship it all, the first candidate is kept (Odoo backorders) and the reason says so.
 */
export function routeWarehouse(input: {
  rule: RoutingRule;
  order: Pick<CanonicalOrder, 'lines' | 'shippingAddress'>;
  /** Free quantity per warehouse code and SKU. */
  stock?: Record<string, Record<string, number>>;
}): RoutingDecision {
  const { rule, order, stock } = input;
  const country = order.shippingAddress?.countryCode;
  const byCountry = country ? rule.byCountry[country] : undefined;
  const candidates = byCountry ?? [rule.defaultWarehouse];
  const first = candidates[0] ?? rule.defaultWarehouse;
  if (!rule.preferInStock || !stock) return { warehouse: first, reason: byCountry ? 'country' : 'default' };
  const canShip = (warehouse: string) => {
    const needed = new Map<string, number>();
    for (const line of order.lines) needed.set(line.sku, (needed.get(line.sku) ?? 0) + line.quantity);
    return [...needed].every(([sku, quantity]) => (stock[warehouse]?.[sku] ?? 0) >= quantity);
  };
  const inStock = candidates.find(canShip);
  if (inStock) return { warehouse: inStock, reason: byCountry ? 'country_in_stock' : 'default_in_stock' };
  if (byCountry && canShip(rule.defaultWarehouse)) return { warehouse: rule.defaultWarehouse, reason: 'default_in_stock' };
  return { warehouse: first, reason: 'no_warehouse_in_stock' };
}
