import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { type OdooClient, type OdooOperations } from '../../activities/odoo';
import { createOrderActivities, type OrderActivities } from '../../activities/order-activities';
import { createLogger } from '../../config/logger';
import { type Address, type CanonicalOrder, DEFAULT_ORDER_POLICY, FAILURE, money, odooClientOrderRef, type OrderKey, type OrderPolicy } from '../../domain';
import { type OdooSimulator } from '../../simulators/odoo';
import { caught } from '../support/errors';
import { orderKey, sampleOrder } from '../fixtures/odoo/orders';
import { useOdooSimulator } from '../support/odoo';

// The order activities as the worker runs them (failures typed for the workflow), over the real client against
// the simulator: an address edit reaches the sale order and its open delivery; a country Odoo does not know and a
// total Odoo does not reach stop the order for a person (AddressRejected, TaxMismatch); the retry after the fix
// in Odoo passes.

describe.each([16, 17, 18, 19] as const)('Odoo %i order activities: address edits, rejected addresses, totals', (version) => {
  const bed = useOdooSimulator(version);
  let sim: OdooSimulator;
  let client: OdooClient;
  let ops: OdooOperations;
  let activities: OrderActivities;
  let policy: OrderPolicy = DEFAULT_ORDER_POLICY;
  beforeAll(() => {
    ({ sim, client, ops } = bed);
    activities = createOrderActivities({
      odoo: ops,
      alerts: { raise: async () => undefined },
      logger: createLogger({ level: 'silent' }),
      temporalUiUrl: 'http://127.0.0.1:8233',
      policyFor: () => policy,
    });
  });
  afterEach(() => {
    policy = DEFAULT_ORDER_POLICY;
  });

  /** Runs one activity in an activity context, as the worker would (the SDK's "Activity failed" warnings are expected). */
  const run = <I, O>(fn: (input: I) => Promise<O>, input: I): Promise<O> =>
    new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') }).run(fn, input);
  /** The failure the workflow would see: typed and not retried. */
  async function failure(promise: Promise<unknown>, type: string): Promise<ApplicationFailure> {
    const err = await caught(promise, ApplicationFailure);
    expect(err).toMatchObject({ type, nonRetryable: true });
    return err;
  }

  async function imported(key: OrderKey, order: CanonicalOrder, confirm = true) {
    const customer = await run(activities.ensureCustomer, { key, order });
    const so = await run(activities.ensureSaleOrder, { key, order, customer });
    if (confirm) await run(activities.confirmSaleOrder, { key, saleOrderId: so.saleOrderId });
    return { customer, saleOrderId: so.saleOrderId };
  }
  const view = async (key: OrderKey) => (await sim.admin.saleOrders({ clientOrderRef: odooClientOrderRef(key) }))[0]!;
  const pickingPartner = async (pickingId: number) => (await sim.admin.records('stock.picking')).find((p) => p.id === pickingId)?.partner_id;
  const addCountry = (code: string, name: string) => client.create({ model: 'res.country', values: { code, name } });

  it('an address edit points the confirmed sale order and its open delivery at the new delivery contact, once', async () => {
    const key = orderKey('ADDR');
    const order = sampleOrder(key);
    const { customer, saleOrderId } = await imported(key, order);
    const before = await view(key);
    expect(before.pickings).toHaveLength(1);
    const moved: Address = { ...order.shippingAddress!, street1: '7 Evergreen Terrace', city: 'Shelbyville', postalCode: '54321' };
    const edit = { key, saleOrderId, order: { ...order, shippingAddress: moved } };
    await run(activities.updateSaleOrder, edit);

    const after = await view(key);
    expect(after.shippingPartner).toMatchObject({ street: '7 Evergreen Terrace', city: 'Shelbyville', zip: '54321', countryCode: 'US', type: 'delivery', parentId: customer.partnerId });
    expect(after.shippingPartner.id).not.toBe(customer.shippingPartnerId);
    expect(after.partner.id).toBe(customer.partnerId);
    expect(await pickingPartner(before.pickings[0]!.id)).toEqual([after.shippingPartner.id, expect.any(String)]);

    const partners = (await sim.admin.records('res.partner')).length;
    await run(activities.updateSaleOrder, edit);
    expect((await sim.admin.records('res.partner')).length).toBe(partners);
    expect((await view(key)).shippingPartner.id).toBe(after.shippingPartner.id);

    // Back to the first address: its delivery contact is found again, not duplicated.
    await run(activities.updateSaleOrder, { ...edit, order });
    expect((await view(key)).shippingPartner.id).toBe(customer.shippingPartnerId);
    expect(await pickingPartner(before.pickings[0]!.id)).toEqual([customer.shippingPartnerId, expect.any(String)]);
  });

  it('a country Odoo does not know stops the import and the edit as AddressRejected; both pass once it exists', async () => {
    const key = orderKey('CTRY');
    const base = sampleOrder(key);
    const order = { ...base, shippingAddress: { ...base.shippingAddress!, street1: '1-1 Chiyoda', city: 'Tokyo', postalCode: '100-0001', countryCode: 'JP' } };
    const rejected = await failure(run(activities.ensureCustomer, { key, order }), FAILURE.addressRejected);
    expect(rejected.message).toContain('JP');
    const countryless = (await sim.admin.records('res.partner')).filter((p) => p.street === '1-1 Chiyoda');
    expect(countryless).toEqual([]);

    // A person adds the country in Odoo; the same worker (and its caches) retries.
    await addCountry('JP', 'Japan');
    const { saleOrderId } = await imported(key, order);
    expect((await view(key)).shippingPartner).toMatchObject({ street: '1-1 Chiyoda', countryCode: 'JP', type: 'delivery' });

    const toNz = { ...order, shippingAddress: { ...order.shippingAddress, street1: '1 Queen Street', city: 'Auckland', postalCode: '1010', countryCode: 'NZ' } };
    const refused = await failure(run(activities.updateSaleOrder, { key, saleOrderId, order: toNz }), FAILURE.addressRejected);
    expect(refused.message).toContain('NZ');
    expect((await view(key)).shippingPartner).toMatchObject({ countryCode: 'JP' });
    await addCountry('NZ', 'New Zealand');
    await run(activities.updateSaleOrder, { key, saleOrderId, order: toNz });
    expect((await view(key)).shippingPartner).toMatchObject({ street: '1 Queen Street', countryCode: 'NZ' });
  });

  /** 2 mugs at 12.50 with 2.00 tax on top (prices exclude tax) and 5.00 shipping: lines + shipping + tax = 32.00. */
  function taxExclusive(prefix: string, total: string, shippingTax?: string) {
    const key = orderKey(prefix);
    const order = sampleOrder(key, {
      lines: [{ lineId: 'L1', sku: 'MUG-WHITE', title: 'Mug White', quantity: 2, unitPrice: money('12.50', 'USD'), tax: money('2.00', 'USD') }],
      shippingTotal: money('5.00', 'USD'),
      ...(shippingTax ? { shippingTax: money(shippingTax, 'USD') } : {}),
      total: money(total, 'USD'),
      taxesIncluded: false,
    });
    return { key, order };
  }

  it('a channel that also taxes the shipping passes: Odoo gets lines and shipping, the shipping tax is left out like the line tax', async () => {
    // 25.00 + 2.00 line tax + 5.00 shipping + 0.40 shipping tax = 32.40 on the channel; 30.00 in Odoo.
    const taxed = taxExclusive('SHIPTAX', '32.40', '0.40');
    const { saleOrderId } = await imported(taxed.key, taxed.order);
    expect((await view(taxed.key)).amountTotal).toBe(30);
    // An edit (a third mug, 12.50 + 1.00 tax more on the channel) is compared the same way.
    const lines = taxed.order.lines.map((l) => ({ ...l, quantity: 3, tax: money('3.00', 'USD') }));
    await run(activities.updateSaleOrder, { key: taxed.key, saleOrderId, order: { ...taxed.order, lines, total: money('45.90', 'USD') } });
    expect((await view(taxed.key)).amountTotal).toBeCloseTo(42.5, 2);

    // Without the shipping tax on the order the same total is 0.40 over (the false TaxMismatch this fixes).
    const untold = taxExclusive('SHIPTAXNO', '32.40');
    const customer = await run(activities.ensureCustomer, untold);
    const mismatch = await failure(run(activities.ensureSaleOrder, { ...untold, customer }), FAILURE.taxMismatch);
    expect(mismatch.message).toContain('a difference of -0.40 USD');

    // A real gap still stops it, and the message names the shipping tax left out.
    const off = taxExclusive('SHIPTAXOFF', '33.40', '0.40');
    const offCustomer = await run(activities.ensureCustomer, off);
    const offMismatch = await failure(run(activities.ensureSaleOrder, { ...off, customer: offCustomer }), FAILURE.taxMismatch);
    expect(offMismatch.message).toContain('2.00 USD of it line tax and 0.40 USD shipping tax that Odoo is not given (prices exclude tax), so Odoo should total 31.00 USD');
    expect(offMismatch.message).toContain('a difference of -1.00 USD');
  });

  it('a channel total that disagrees with its lines, shipping and tax beyond the tolerance is a TaxMismatch; within it passes', async () => {
    const agreeing = taxExclusive('TAXOK', '32.00');
    await imported(agreeing.key, agreeing.order);
    expect((await view(agreeing.key)).amountTotal).toBe(30);

    const off = taxExclusive('TAXOFF', '32.50');
    const customer = await run(activities.ensureCustomer, off);
    const mismatch = await failure(run(activities.ensureSaleOrder, { ...off, customer }), FAILURE.taxMismatch);
    const name = (await view(off.key)).name;
    expect(mismatch.message).toContain(`sale order ${name} totals 30.00 USD in Odoo`);
    expect(mismatch.message).toContain('32.50 USD');
    expect(mismatch.message).toContain('2.00 USD of it line tax');
    expect(mismatch.message).toContain('a difference of -0.50 USD');

    // 0.02 apart: beyond the default 0.01, within an account's 0.05.
    const close = taxExclusive('TAXNEAR', '32.02');
    const nearCustomer = await run(activities.ensureCustomer, close);
    await failure(run(activities.ensureSaleOrder, { ...close, customer: nearCustomer }), FAILURE.taxMismatch);
    policy = { ...DEFAULT_ORDER_POLICY, totalTolerance: '0.05' };
    expect(await run(activities.ensureSaleOrder, { ...close, customer: nearCustomer })).toMatchObject({ created: false });
  });

  it('after a person corrects the sale order in Odoo, the retry passes on the same order; edits are compared again', async () => {
    // The channel charged 60.00; its lines and shipping come to 53.48 (prices include tax).
    const key = orderKey('FIX');
    const order = sampleOrder(key, { total: money('60.00', 'USD') });
    const customer = await run(activities.ensureCustomer, { key, order });
    const mismatch = await failure(run(activities.ensureSaleOrder, { key, order, customer }), FAILURE.taxMismatch);
    expect(mismatch.message).toContain('53.48 USD');
    expect(mismatch.message).toContain('60.00 USD');
    const parked = await view(key);
    expect(parked.state).toBe('draft');

    // The person raises the shipping line to what the channel charged.
    const shipping = parked.lines.find((l) => l.sku === 'SHIPPING')!;
    await client.write({ model: 'sale.order.line', ids: [shipping.id], values: { price_unit: 11.52 } });
    const retried = await run(activities.ensureSaleOrder, { key, order, customer });
    expect(retried).toMatchObject({ saleOrderId: parked.id, created: false });
    await run(activities.confirmSaleOrder, { key, saleOrderId: parked.id });
    expect(await sim.admin.saleOrders({ clientOrderRef: odooClientOrderRef(key) })).toHaveLength(1);

    // An edit (a second mug) whose total the channel did not raise stops again; the one that did passes.
    const lines = order.lines.map((l) => (l.sku === 'MUG-WHITE' ? { ...l, quantity: 2 } : l));
    await failure(run(activities.updateSaleOrder, { key, saleOrderId: parked.id, order: { ...order, lines } }), FAILURE.taxMismatch);
    await run(activities.updateSaleOrder, { key, saleOrderId: parked.id, order: { ...order, lines, total: money('72.50', 'USD') } });
    expect((await view(key)).amountTotal).toBeCloseTo(72.5, 2);
  });

  it('a quantity edit carries the line discount over to the new quantity', async () => {
    // 4.00 off the t-shirts stays 4.00 when a third one is added: 3 x 19.99 - 4.00 + 12.50 + 5.00 = 73.47.
    const key = orderKey('DISC');
    const order = sampleOrder(key);
    const { saleOrderId } = await imported(key, order);
    const lines = order.lines.map((l) => (l.sku === 'TSHIRT-RED-M' ? { ...l, quantity: 3 } : l));
    await run(activities.updateSaleOrder, { key, saleOrderId, order: { ...order, lines, total: money('73.47', 'USD') } });
    const after = await view(key);
    expect(after.lines.find((l) => l.sku === 'TSHIRT-RED-M')).toMatchObject({ quantity: 3 });
    expect(after.amountTotal).toBeCloseTo(73.47, 2);
  });
});
