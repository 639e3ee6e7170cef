import { z } from 'zod';
import { ApplicationFailure } from '@temporalio/common';
import { toApplicationFailure } from '../../activities/failures';
import { type OdooClient, OdooError, type OdooOperations } from '../../activities/odoo';
import { type CanonicalOrder, FAILURE, money, odooClientOrderRef } from '../../domain';
import { type OdooSimulator } from '../../simulators/odoo';
import { caught } from '../support/errors';
import { orderKey, sampleOrder } from '../fixtures/odoo/orders';
import { useOdooSimulator } from '../support/odoo';

// Orders in another currency than the company's (Daraz PKR, noon AED/SAR/EGP) are booked in that currency:
// the sale order gets a pricelist in it (Odoo's order currency is its pricelist's) and credit notes follow.

function orderIn(currency: string, prefix: string) {
  const key = orderKey(prefix);
  const order: CanonicalOrder = sampleOrder(key, {
    currency,
    lines: [{ lineId: 'L1', sku: 'MUG-WHITE', title: 'Mug White', quantity: 2, unitPrice: money('3500.00', currency) }],
    shippingTotal: money('250.00', currency),
    total: money('7250.00', currency),
  });
  return { key, order };
}

describe.each([16, 17, 18, 19] as const)('Odoo %i order currency', (version) => {
  const bed = useOdooSimulator(version);
  let sim: OdooSimulator;
  let client: OdooClient;
  let ops: OdooOperations;
  beforeAll(() => ({ sim, client, ops } = bed));

  const saleOrder = async (id: number) => (await sim.admin.records('sale.order')).find((o) => o.id === id)!;
  const pricelistIn = async (currency: string) =>
    (await sim.admin.records('product.pricelist')).filter((p) => Array.isArray(p.currency_id) && p.currency_id[1] === currency);

  it('books a PKR order with the PKR pricelist, in PKR, and refunds it in PKR', async () => {
    const { key, order } = orderIn('PKR', 'PKR');
    const customer = await ops.ensureCustomer({ order });
    const so = await ops.ensureSaleOrder({ key, order, customer });
    const [pkrList] = await pricelistIn('PKR');
    expect(pkrList).toBeDefined();
    const row = await saleOrder(so.saleOrderId);
    expect(row.pricelist_id).toEqual([pkrList!.id, expect.any(String)]);
    expect(row.currency_id).toEqual([expect.any(Number), 'PKR']);
    expect(row.amount_total).toBe(7250);
    await ops.confirmSaleOrder({ saleOrderId: so.saleOrderId });
    await sim.admin.invoiceOrder({ saleOrderId: so.saleOrderId });
    const note = await ops.createCreditNote({
      saleOrderId: so.saleOrderId,
      reference: `${odooClientOrderRef(key)}:refund:1`,
      lines: [{ sku: 'MUG-WHITE', quantity: 1, unitPrice: money('3500.00', 'PKR') }],
    });
    expect(note).toMatchObject({ state: 'posted', created: true, total: money('3500.00', 'PKR') });
    const moves = (await sim.admin.records('account.move')).filter((m) => m.invoice_origin === so.name);
    expect(moves.map((m) => [m.move_type, (m.currency_id as [number, string])[1]])).toEqual([
      ['out_invoice', 'PKR'],
      ['out_refund', 'PKR'],
    ]);
  });

  it('leaves orders in the company currency without a pricelist', async () => {
    const key = orderKey('USD');
    const order = sampleOrder(key);
    const so = await ops.ensureSaleOrder({ key, order, customer: await ops.ensureCustomer({ order }) });
    const row = await saleOrder(so.saleOrderId);
    expect(row.pricelist_id).toBe(false);
    expect(row.currency_id).toEqual([expect.any(Number), 'USD']);
  });

  it('refuses a currency without a pricelist with what to create, and books it once the pricelist exists', async () => {
    const { key, order } = orderIn('SAR', 'SAR');
    const customer = await ops.ensureCustomer({ order });
    expect(await pricelistIn('SAR')).toEqual([]);
    const err = await caught(ops.ensureSaleOrder({ key, order, customer }), OdooError);
    expect(err.kind).toBe('business');
    expect(err.message).toBe('no active pricelist in SAR: create one in Sales > Products > Pricelists');
    const failure = toApplicationFailure(err);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: FAILURE.odooBusiness, nonRetryable: true });
    expect(await sim.admin.saleOrders({ clientOrderRef: odooClientOrderRef(key) })).toEqual([]);

    // What the operator does in Sales > Products > Pricelists; an archived one does not count.
    const [sar] = await client.search({ model: 'res.currency', domain: [['name', '=', 'SAR']], limit: 1 });
    const archived = await client.create({ model: 'product.pricelist', values: { name: 'Old KSA', currency_id: sar } });
    await client.write({ model: 'product.pricelist', ids: [archived], values: { active: false } });
    expect((await caught(ops.ensureSaleOrder({ key, order, customer }), OdooError)).message).toMatch(/^no active pricelist in SAR/);
    const list = await client.create({ model: 'product.pricelist', values: { name: 'noon KSA', currency_id: sar } });
    const so = await ops.ensureSaleOrder({ key, order, customer });
    const row = await saleOrder(so.saleOrderId);
    expect(row.pricelist_id).toEqual([list, expect.any(String)]);
    expect(row.currency_id).toEqual([sar, 'SAR']);
  });

  it('asks to activate an archived currency first', async () => {
    const { key, order } = orderIn('EGP', 'EGP');
    const customer = await ops.ensureCustomer({ order });
    const err = await caught(ops.ensureSaleOrder({ key, order, customer }), OdooError);
    expect(err.kind).toBe('business');
    expect(err.message).toMatch(/^currency EGP is not active in Odoo: activate it .*create a pricelist in EGP in Sales > Products > Pricelists$/);
    const [egp] = await client.searchRead(
      { model: 'res.currency', domain: [['name', '=', 'EGP']], fields: ['active'], context: { active_test: false } },
      z.object({ id: z.number().int(), active: z.boolean() }),
    );
    await client.write({ model: 'res.currency', ids: [egp!.id], values: { active: true } });
    expect((await caught(ops.ensureSaleOrder({ key, order, customer }), OdooError)).message).toBe(
      'no active pricelist in EGP: create one in Sales > Products > Pricelists',
    );
    await client.create({ model: 'product.pricelist', values: { name: 'noon Egypt', currency_id: egp!.id } });
    const so = await ops.ensureSaleOrder({ key, order, customer });
    expect((await saleOrder(so.saleOrderId)).currency_id).toEqual([egp!.id, 'EGP']);
  });
});
