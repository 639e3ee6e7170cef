// Which order lines a delivery's units belong to. Pure and zod-free: the order workflow imports it.

export interface ShipmentLine {
  lineId: string;
  quantity: number;
}

/**
 * Spreads a delivery's units per SKU over the order's lines with that SKU, in line order, each up to what it
 * still has to ship; a SKU on two lines (a second price, a gift) no longer lands all on the first one. Units
 * beyond every line's remainder go to the SKU's last line, so the channel hears about everything Odoo shipped.
 */
export function shipmentLinesFor(input: {
  orderLines: readonly { lineId: string; sku: string; quantity: number }[];
  shipped: readonly ShipmentLine[];
  delivered: readonly { sku?: string; quantity: number }[];
}): ShipmentLine[] {
  const remaining = new Map<string, number>();
  for (const line of input.orderLines) remaining.set(line.lineId, line.quantity);
  for (const s of input.shipped) remaining.set(s.lineId, (remaining.get(s.lineId) ?? 0) - s.quantity);
  const out = new Map<string, number>();
  const add = (lineId: string, quantity: number) => out.set(lineId, (out.get(lineId) ?? 0) + quantity);
  for (const d of input.delivered) {
    const lines = input.orderLines.filter((l) => l.sku === d.sku);
    if (d.sku === undefined || lines.length === 0 || d.quantity <= 0) continue;
    let left = d.quantity;
    for (const line of lines) {
      const take = Math.min(left, Math.max(0, remaining.get(line.lineId) ?? 0));
      if (take === 0) continue;
      add(line.lineId, take);
      remaining.set(line.lineId, (remaining.get(line.lineId) ?? 0) - take);
      left -= take;
      if (left === 0) break;
    }
    if (left > 0) add(lines[lines.length - 1]!.lineId, left);
  }
  return [...out].map(([lineId, quantity]) => ({ lineId, quantity }));
}
