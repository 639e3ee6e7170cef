import { type OdooClient, OdooError, type OdooOperations } from '../../activities/odoo';
import { odooReturnedGoodsRef } from '../../domain';
import { type OdooSimulator } from '../../simulators/odoo';
import { caught } from '../support/errors';
import { orderKey, sampleOrder } from '../fixtures/odoo/orders';
import { useOdooSimulator } from '../support/odoo';

// Returned goods against the Odoo simulator, once per version: restock is Odoo's return wizard on the done
// delivery (then validated), write-off a stock.scrap from where the goods were delivered; both once per reference.

describe.each([16, 17, 18, 19] as const)('Odoo %i returned goods', (version) => {
  const bed = useOdooSimulator(version);
  let sim: OdooSimulator;
  let client: OdooClient;
  let ops: OdooOperations;
  beforeAll(() => ({ sim, client, ops } = bed));
  afterEach(async () => {
    await sim.admin.clearFaults();
  });

  /** A confirmed order (TSHIRT-RED-M ×2, MUG-WHITE ×1) whose delivery is validated. */
  async function deliveredOrder() {
    const key = orderKey('R');
    const order = sampleOrder(key);
    const customer = await ops.ensureCustomer({ order });
    const so = await ops.ensureSaleOrder({ key, order, customer });
    await ops.confirmSaleOrder({ saleOrderId: so.saleOrderId });
    await sim.admin.validateDelivery({ saleOrderId: so.saleOrderId, trackingRef: `1Z${so.saleOrderId}`, carrier: 'UPS' });
    return { key, saleOrderId: so.saleOrderId };
  }

  const onHand = async (sku: string, warehouse = 'WH') => (await sim.admin.stock(sku)).find((l) => l.warehouse === warehouse)!.onHand;
  const returnsOf = async (reference: string) => (await sim.admin.records('stock.picking')).filter((p) => p.origin === reference);
  const deliveredQty = async (saleOrderId: number, sku: string) =>
    (await sim.admin.saleOrders()).find((o) => o.id === saleOrderId)!.lines.find((l) => l.sku === sku)!.qtyDelivered;

  it('restocks once per reference: one validated return of the delivery, stock back in the warehouse', async () => {
    const { key, saleOrderId } = await deliveredOrder();
    const reference = odooReturnedGoodsRef(key, 'r1');
    const [mugBefore, shirtBefore] = [await onHand('MUG-WHITE'), await onHand('TSHIRT-RED-M')];
    const input = { saleOrderId, reference, lines: [{ sku: 'MUG-WHITE', quantity: 1 }, { sku: 'TSHIRT-RED-M', quantity: 1 }] };
    const first = await ops.restockReturnedGoods(input);
    expect(first.lines).toEqual([{ sku: 'MUG-WHITE', quantity: 1 }, { sku: 'TSHIRT-RED-M', quantity: 1 }]);
    expect(first.records).toHaveLength(1);
    expect(first.records[0]).toMatchObject({ state: 'done', name: expect.stringMatching(/^WH\/IN\/\d{5}$/) });
    const again = await ops.restockReturnedGoods(input);
    expect(again).toEqual(first);
    const pickings = await returnsOf(reference);
    expect(pickings).toHaveLength(1);
    expect(pickings[0]).toMatchObject({ picking_type_code: 'incoming', state: 'done', sale_id: [saleOrderId, expect.any(String)] });
    if (version >= 17) expect(pickings[0]!.return_id).not.toBe(false);
    expect(await onHand('MUG-WHITE')).toBe(mugBefore + 1);
    expect(await onHand('TSHIRT-RED-M')).toBe(shirtBefore + 1);
    expect(await deliveredQty(saleOrderId, 'TSHIRT-RED-M')).toBe(1);
    expect(await deliveredQty(saleOrderId, 'MUG-WHITE')).toBe(0);
  });

  it('never returns more than was delivered and not yet returned, across references', async () => {
    const { key, saleOrderId } = await deliveredOrder();
    const before = await onHand('TSHIRT-RED-M');
    const a = await ops.restockReturnedGoods({ saleOrderId, reference: odooReturnedGoodsRef(key, 'a'), lines: [{ sku: 'TSHIRT-RED-M', quantity: 1 }] });
    const b = await ops.restockReturnedGoods({ saleOrderId, reference: odooReturnedGoodsRef(key, 'b'), lines: [{ sku: 'TSHIRT-RED-M', quantity: 5 }] });
    expect(a.lines).toEqual([{ sku: 'TSHIRT-RED-M', quantity: 1 }]);
    expect(b.lines).toEqual([{ sku: 'TSHIRT-RED-M', quantity: 1 }]);
    expect(await onHand('TSHIRT-RED-M')).toBe(before + 2);
    const c = await ops.restockReturnedGoods({ saleOrderId, reference: odooReturnedGoodsRef(key, 'c'), lines: [{ sku: 'TSHIRT-RED-M', quantity: 1 }] });
    expect(c).toEqual({ lines: [], records: [] });
    expect(await onHand('TSHIRT-RED-M')).toBe(before + 2);
  });

  it('a retry after the answer creating the return was lost takes that return instead of making a second one', async () => {
    const { key, saleOrderId } = await deliveredOrder();
    const reference = odooReturnedGoodsRef(key, 'lost');
    const before = await onHand('MUG-WHITE');
    const method = version >= 18 ? 'action_create_returns' : 'create_returns';
    await sim.admin.setFaults({ dropAfterCommit: 1, dropAfterCommitOn: `stock.return.picking.${method}` });
    const input = { saleOrderId, reference, lines: [{ sku: 'MUG-WHITE', quantity: 1 }] };
    expect((await caught(ops.restockReturnedGoods(input), OdooError)).kind).toBe('transient');
    const retried = await ops.restockReturnedGoods(input);
    expect(retried.lines).toEqual([{ sku: 'MUG-WHITE', quantity: 1 }]);
    const incoming = (await sim.admin.records('stock.picking')).filter((p) => p.picking_type_code === 'incoming' && Array.isArray(p.sale_id) && p.sale_id[0] === saleOrderId);
    expect(incoming.map((p) => [p.origin, p.state])).toEqual([[reference, 'done']]);
    expect(await onHand('MUG-WHITE')).toBe(before + 1);
  });

  it('restocks into the configured warehouse', async () => {
    const location = await client.create({ model: 'stock.location', values: { name: `Returns-${version}`, usage: 'internal' } });
    await client.create({ model: 'stock.warehouse', values: { name: 'Returns', code: 'RET', lot_stock_id: location } });
    const { key, saleOrderId } = await deliveredOrder();
    const wh = await onHand('MUG-WHITE');
    const done = await ops.restockReturnedGoods({ saleOrderId, reference: odooReturnedGoodsRef(key, 'ret'), lines: [{ sku: 'MUG-WHITE', quantity: 1 }], warehouseCode: 'RET' });
    expect(done.lines).toEqual([{ sku: 'MUG-WHITE', quantity: 1 }]);
    expect(await onHand('MUG-WHITE', 'RET')).toBe(1);
    expect(await onHand('MUG-WHITE')).toBe(wh);
    expect((await caught(ops.restockReturnedGoods({ saleOrderId, reference: odooReturnedGoodsRef(key, 'x'), lines: [{ sku: 'MUG-WHITE', quantity: 1 }], warehouseCode: 'NOPE' }), OdooError)).kind).toBe('business');
  });

  it('writes off once per reference: a validated scrap from the customer location, warehouse stock unchanged', async () => {
    const { key, saleOrderId } = await deliveredOrder();
    const reference = odooReturnedGoodsRef(key, 'w1');
    const before = await onHand('TSHIRT-RED-M');
    const input = { saleOrderId, reference, lines: [{ sku: 'TSHIRT-RED-M', quantity: 2 }] };
    const first = await ops.writeOffReturnedGoods(input);
    expect(first.lines).toEqual([{ sku: 'TSHIRT-RED-M', quantity: 2 }]);
    expect(first.records).toEqual([{ id: expect.any(Number), name: expect.stringMatching(/^SP\/\d{5}$/), state: 'done' }]);
    expect(await ops.writeOffReturnedGoods(input)).toEqual(first);
    // More than is still out at the customer is never scrapped.
    expect((await ops.writeOffReturnedGoods({ ...input, reference: odooReturnedGoodsRef(key, 'w2') })).lines).toEqual([]);
    const scraps = (await sim.admin.records('stock.scrap')).filter((s) => s.origin === reference);
    expect(scraps).toHaveLength(1);
    expect(scraps[0]).toMatchObject({ state: 'done', scrap_qty: 2, location_id: [expect.any(Number), 'Partners/Customers'], scrap_location_id: [expect.any(Number), 'Scrap'] });
    expect(await onHand('TSHIRT-RED-M')).toBe(before);
  });

  it('refuses unknown SKUs and touches nothing', async () => {
    const { key, saleOrderId } = await deliveredOrder();
    const reference = odooReturnedGoodsRef(key, 'bad');
    expect((await caught(ops.writeOffReturnedGoods({ saleOrderId, reference, lines: [{ sku: 'GHOST', quantity: 1 }] }), OdooError)).kind).toBe('business');
    expect((await caught(ops.restockReturnedGoods({ saleOrderId, reference, lines: [{ sku: 'GHOST', quantity: 1 }] }), OdooError)).kind).toBe('business');
    expect((await sim.admin.records('stock.scrap')).filter((s) => s.origin === reference)).toEqual([]);
    expect(await returnsOf(reference)).toEqual([]);
  });
});
