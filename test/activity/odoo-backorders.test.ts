import { z } from 'zod';
import { type OdooClient, type OdooOperations } from '../../activities/odoo';
import { type OdooSimulator } from '../../simulators/odoo';
import { orderKey, sampleOrder } from '../fixtures/odoo/orders';
import { useOdooSimulator } from '../support/odoo';

// A delivery shipped in several packages, once per version: done quantities below the demand, Validate, and
// the backorder wizard (stock.backorder.confirmation) Odoo answers with: process() puts the rest in a backorder
// of the delivery, process_cancel_backorder() cancels it. 16 marks quantity_done, 17+ sets quantity (and picked).

const Action = z.object({ res_model: z.string(), context: z.record(z.string(), z.unknown()) }).passthrough();
const MoveRow = z.object({ id: z.number().int(), product_id: z.tuple([z.number(), z.string()]), product_uom_qty: z.number(), state: z.string() });

describe.each([16, 17, 18, 19] as const)('Odoo %i partial deliveries', (version) => {
  const bed = useOdooSimulator(version);
  let sim: OdooSimulator;
  let client: OdooClient;
  let ops: OdooOperations;
  beforeAll(() => ({ sim, client, ops } = bed));

  /** A confirmed order: TSHIRT-RED-M ×2, MUG-WHITE ×1 (and shipping, not storable). */
  async function confirmedOrder() {
    const key = orderKey('B');
    const order = sampleOrder(key);
    const customer = await ops.ensureCustomer({ order });
    const so = await ops.ensureSaleOrder({ key, order, customer });
    await ops.confirmSaleOrder({ saleOrderId: so.saleOrderId });
    return so.saleOrderId;
  }

  const view = async (saleOrderId: number) => (await sim.admin.saleOrders()).find((o) => o.id === saleOrderId)!;
  const delivered = async (saleOrderId: number, sku: string) => (await view(saleOrderId)).lines.find((l) => l.sku === sku)!.qtyDelivered;
  const stockOf = async (sku: string) => (await sim.admin.stock(sku)).find((l) => l.warehouse === 'WH')!;

  it('ships one package, keeps the rest in a reserved backorder, then ships that with its own tracking', async () => {
    const saleOrderId = await confirmedOrder();
    const before = await stockOf('TSHIRT-RED-M');
    const first = await sim.admin.validateDelivery({ saleOrderId, trackingRef: '1ZPART-A', carrier: 'UPS', lines: [{ sku: 'TSHIRT-RED-M', quantity: 1 }, { sku: 'MUG-WHITE', quantity: 1 }] });
    expect(first).toMatchObject({ state: 'done', backorder: { state: 'assigned', name: expect.stringMatching(/^WH\/OUT\/\d{5}$/) } });
    const [done, open] = await ops.readDeliveries({ saleOrderId });
    expect(done).toMatchObject({ pickingId: first.pickingId, state: 'done', trackingRef: '1ZPART-A', carrier: 'UPS' });
    expect(done!.lines.map(({ sku, quantity }) => ({ sku, quantity }))).toEqual([{ sku: 'TSHIRT-RED-M', quantity: 1 }, { sku: 'MUG-WHITE', quantity: 1 }]);
    expect(open).toMatchObject({ pickingId: first.backorder!.pickingId, state: 'assigned', lines: [{ sku: 'TSHIRT-RED-M', quantity: 1 }] });
    expect(open!.trackingRef).toBeUndefined();
    expect((await view(saleOrderId)).pickings.find((p) => p.id === open!.pickingId)).toMatchObject({ backorderOf: first.pickingId });
    expect(await delivered(saleOrderId, 'TSHIRT-RED-M')).toBe(1);
    // One unit left the warehouse; the other stays reserved for the backorder.
    const between = await stockOf('TSHIRT-RED-M');
    expect(between.onHand).toBe(before.onHand - 1);
    expect(between.free).toBe(before.free);

    const second = await sim.admin.validateDelivery({ saleOrderId, trackingRef: '1ZPART-B', carrier: 'UPS' });
    expect(second).toEqual({ pickingId: open!.pickingId, name: open!.name, state: 'done' });
    const after = await ops.readDeliveries({ saleOrderId });
    expect(after.map((d) => [d.state, d.trackingRef, d.lines.map((l) => `${l.sku}×${l.quantity}`)])).toEqual([
      ['done', '1ZPART-A', ['TSHIRT-RED-M×1', 'MUG-WHITE×1']],
      ['done', '1ZPART-B', ['TSHIRT-RED-M×1']],
    ]);
    expect(await delivered(saleOrderId, 'TSHIRT-RED-M')).toBe(2);
    expect(await stockOf('TSHIRT-RED-M')).toMatchObject({ onHand: before.onHand - 2, free: before.free });
  });

  it('over the wire: done quantities, button_validate answers the wizard, "No Backorder" cancels the rest', async () => {
    const saleOrderId = await confirmedOrder();
    const before = await stockOf('TSHIRT-RED-M');
    const [picking] = (await view(saleOrderId)).pickings;
    const moves = await client.searchRead(
      { model: 'stock.move', domain: [['picking_id', '=', picking!.id]], fields: ['product_id', 'product_uom_qty', 'state'], order: 'id' },
      MoveRow,
    );
    const shirt = moves.find((m) => m.product_id[1].includes('TSHIRT-RED-M'))!;
    const mug = moves.find((m) => m.product_id[1].includes('MUG-WHITE'))!;
    // One shirt of two, no mug: what a person enters before pressing Validate.
    if (version === 16) {
      await client.write({ model: 'stock.move', ids: [shirt.id], values: { quantity_done: 1 } });
    } else {
      await client.write({ model: 'stock.move', ids: [shirt.id], values: { quantity: 1, picked: true } });
      await client.write({ model: 'stock.move', ids: [mug.id], values: { quantity: 0 } });
    }
    const answer = Action.parse(await client.call({ model: 'stock.picking', method: 'button_validate', ids: [picking!.id] }, z.unknown()));
    expect(answer).toMatchObject({ res_model: 'stock.backorder.confirmation', context: { button_validate_picking_ids: [picking!.id] } });
    const wizard = await client.create({ model: 'stock.backorder.confirmation', values: {}, context: answer.context });
    expect(await client.call({ model: 'stock.backorder.confirmation', method: 'process_cancel_backorder', ids: [wizard], context: answer.context }, z.unknown())).toBe(true);

    const deliveries = await ops.readDeliveries({ saleOrderId });
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ state: 'done', lines: [{ sku: 'TSHIRT-RED-M', quantity: 1 }] });
    const all = await client.searchRead({ model: 'stock.move', domain: [['picking_id', '=', picking!.id]], fields: ['product_id', 'product_uom_qty', 'state'], order: 'id' }, MoveRow);
    expect(all.map((m) => [m.product_id[0], m.product_uom_qty, m.state])).toEqual([
      [shirt.product_id[0], 1, 'done'],
      [mug.product_id[0], 1, 'cancel'],
      [shirt.product_id[0], 1, 'cancel'],
    ]);
    expect(await delivered(saleOrderId, 'TSHIRT-RED-M')).toBe(1);
    expect(await delivered(saleOrderId, 'MUG-WHITE')).toBe(0);
    // Nothing stays reserved for the cancelled rest.
    expect(await stockOf('TSHIRT-RED-M')).toMatchObject({ onHand: before.onHand - 1, free: before.free + 1 });
  });

  it('a Validate with nothing done: 16 asks to apply the reservation, 17+ refuses; nothing changes', async () => {
    const saleOrderId = await confirmedOrder();
    const refusal = version === 16 ? /asks for stock\.immediate\.transfer/ : /no quantities are reserved nor done/;
    await expect(sim.admin.validateDelivery({ saleOrderId, trackingRef: '1ZNONE', lines: [{ sku: 'MUG-WHITE', quantity: 0 }] })).rejects.toThrow(refusal);
    expect((await view(saleOrderId)).pickings).toMatchObject([{ state: 'assigned' }]);
  });
});
