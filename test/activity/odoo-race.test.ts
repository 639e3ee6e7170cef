import { z } from 'zod';
import { createOdooClient, createOdooOrderOperations, type OdooClient, type OdooOperations } from '../../activities/odoo';
import { odooClientOrderRef } from '../../domain';
import { type OdooSimulator, startOdooSimulator } from '../../simulators/odoo';
import { orderKey, sampleOrder } from '../fixtures/odoo/orders';

// Concurrent ensureSaleOrder runs for one order key must leave exactly one live sale order.

const RUNS = 6;

describe.each([16, 17, 18, 19] as const)('Odoo %i: concurrent ensureSaleOrder', (version) => {
  let sim: OdooSimulator;
  let client: OdooClient;
  let ops: OdooOperations;

  beforeAll(async () => {
    sim = await startOdooSimulator({ version, seed: 'demo' });
    client = createOdooClient({ url: sim.url, database: sim.database, login: sim.login, secret: sim.apiKey, version: 'auto' });
    ops = createOdooOrderOperations(client);
    await client.version();
  });
  afterAll(async () => sim.close());
  afterEach(async () => {
    await sim.admin.clearFaults();
  });

  const countCreates = async (model: string) => (await sim.admin.calls()).filter((c) => c.model === model && c.method === 'create').length;

  async function race(prefix: string) {
    const createsBefore = await countCreates('sale.order');
    const key = orderKey(prefix);
    const order = sampleOrder(key);
    const customer = await ops.ensureCustomer({ order });
    // A little latency makes every run search before any run creates.
    await sim.admin.setFaults({ latencyMs: 15 });
    const results = await Promise.all(Array.from({ length: RUNS }, () => ops.ensureSaleOrder({ key, order, customer })));
    await sim.admin.setFaults({ latencyMs: 0 });
    const orders = await sim.admin.saleOrders({ clientOrderRef: odooClientOrderRef(key) });
    return { key, results, orders, creates: (await countCreates('sale.order')) - createsBefore };
  }

  it('the race is real: naive search-then-create duplicates under the same load', async () => {
    const ref = odooClientOrderRef(orderKey('naive'));
    const partner = await client.create({ model: 'res.partner', values: { name: 'Naive Buyer' } });
    await sim.admin.setFaults({ latencyMs: 15 });
    await Promise.all(
      Array.from({ length: RUNS }, async () => {
        const found = await client.search({ model: 'sale.order', domain: [['client_order_ref', '=', ref]] });
        if (found.length === 0) await client.create({ model: 'sale.order', values: { partner_id: partner, client_order_ref: ref } });
      }),
    );
    expect((await sim.admin.saleOrders({ clientOrderRef: ref })).length).toBeGreaterThan(1);
  });

  it('converges on one live, bound order (Odoo unique index on ir.model.data)', async () => {
    const { results, orders, creates } = await race('R');
    const live = orders.filter((o) => o.state !== 'cancel');
    expect(live).toHaveLength(1);
    expect(new Set(results.map((r) => r.saleOrderId))).toEqual(new Set([live[0]!.id]));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(live[0]!.bindings).toHaveLength(1);
    // More than one run really created an order: the losers cleaned up after themselves.
    expect(creates).toBeGreaterThan(1);
  });

  it('converges even without the unique index (oldest binding wins)', async () => {
    await sim.admin.setFaults({ xmlidUnique: false });
    const bindingCreatesBefore = await countCreates('ir.model.data');
    const { results, orders, creates } = await race('N');
    expect(creates).toBeGreaterThan(1);
    // Without the index several runs managed to write a binding; all but the oldest were removed.
    expect((await countCreates('ir.model.data')) - bindingCreatesBefore).toBeGreaterThan(1);
    const live = orders.filter((o) => o.state !== 'cancel');
    expect(live).toHaveLength(1);
    expect(new Set(results.map((r) => r.saleOrderId))).toEqual(new Set([live[0]!.id]));
    const bindings = (await sim.admin.records('ir.model.data')).filter((b) => b.model === 'sale.order' && b.res_id === live[0]!.id);
    expect(bindings).toHaveLength(1);
  });

  it('a later run also removes a stray draft left by a crashed run', async () => {
    const key = orderKey('stray');
    const order = sampleOrder(key);
    const customer = await ops.ensureCustomer({ order });
    const first = await ops.ensureSaleOrder({ key, order, customer });
    // A run that died after its create and before it looked again left a second draft behind.
    const stray = await client.create({ model: 'sale.order', values: { partner_id: customer.partnerId, client_order_ref: odooClientOrderRef(key) } });
    const again = await ops.ensureSaleOrder({ key, order, customer });
    expect(again.saleOrderId).toBe(first.saleOrderId);
    expect(await client.call({ model: 'sale.order', method: 'search_count', params: { domain: [['id', '=', stray]] } }, z.number())).toBe(0);
  });
});
