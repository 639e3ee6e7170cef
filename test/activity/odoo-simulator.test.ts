import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { createOdooClient, type OdooClient } from '../../activities/odoo';
import { DEMO_PRODUCTS, type OdooSimulator, startOdooSimulator } from '../../simulators/odoo';

// Simulator behaviour beyond the client contract: notifications, state files, ORM semantics, admin inputs.

interface Received {
  event: string;
  [key: string]: unknown;
}

async function receiver(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push(JSON.parse(body) as Received);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/odoo-events`, received, server };
}

describe.each([16, 19] as const)('Odoo %i simulator', (version) => {
  let sim: OdooSimulator;
  let client: OdooClient;
  let hook: Awaited<ReturnType<typeof receiver>>;
  const stateFile = join(mkdtempSync(join(tmpdir(), 'odoo-sim-')), 'state.json');

  beforeAll(async () => {
    hook = await receiver();
    sim = await startOdooSimulator({ version, seed: 'demo', notifyUrl: hook.url, stateFile, users: [{ login: 'bot', password: 'pw', apiKey: 'k'.repeat(40) }] });
    client = createOdooClient({ url: sim.url, database: sim.database, login: sim.login, secret: sim.apiKey, version });
  });
  afterAll(async () => {
    await sim.close();
    await new Promise((resolve) => hook.server.close(resolve));
  });

  it('uses the configured user and key', () => {
    expect([sim.login, sim.password, sim.apiKey]).toEqual(['bot', 'pw', 'k'.repeat(40)]);
  });

  it('seeds the demo catalogue in warehouse WH', async () => {
    const stock = await sim.admin.stock();
    for (const p of DEMO_PRODUCTS) expect(stock).toContainEqual({ sku: p.sku, productId: expect.any(Number), warehouse: 'WH', onHand: p.quantity, free: p.quantity });
  });

  it('notifies stock changes and validated deliveries after commit', async () => {
    const before = (await sim.admin.notifications()).length;
    await sim.admin.setStock({ sku: 'CAP-BLACK', quantity: 12 });
    const partner = await client.create({ model: 'res.partner', values: { name: 'Notify Me' } });
    const [cap] = await client.search({ model: 'product.product', domain: [['default_code', '=', 'CAP-BLACK']] });
    const order = await client.create({
      model: 'sale.order',
      values: { partner_id: partner, client_order_ref: 'notify-1', order_line: [[0, 0, { product_id: cap, product_uom_qty: 2 }]] },
    });
    await client.call({ model: 'sale.order', method: 'action_confirm', ids: [order] }, z.unknown());
    await sim.admin.validateDelivery({ saleOrderId: order, trackingRef: 'TRACK-1' });
    const sent = (await sim.admin.notifications()).slice(before);
    expect(sent.every((s) => s.status === 204)).toBe(true);
    const stockEvents = hook.received.filter((r) => r.event === 'stock.changed');
    const lastCap = stockEvents
      .flatMap((e) => e.records as { default_code: string; free_qty: number; qty_available: number; warehouse: string }[])
      .filter((r) => r.default_code === 'CAP-BLACK')
      .pop();
    expect(lastCap).toMatchObject({ warehouse: 'WH', qty_available: 10, free_qty: 10 });
    const delivery = hook.received.find((r) => r.event === 'delivery.done');
    expect(delivery?.record).toMatchObject({ client_order_ref: 'notify-1', carrier_tracking_ref: 'TRACK-1', state: 'done', lines: [{ default_code: 'CAP-BLACK', quantity: 2 }] });
    // A failed call sends nothing: its transaction is rolled back.
    const count = hook.received.length;
    await expect(client.call({ model: 'sale.order', method: 'action_confirm', ids: [order] }, z.unknown())).rejects.toThrow(/not allowed to confirm/);
    await sim.admin.notifications();
    expect(hook.received.length).toBe(count);
  });

  it('rolls a failed call back completely', async () => {
    const before = (await sim.admin.records('res.partner')).length;
    await expect(client.call({ model: 'res.partner', method: 'create', params: { vals_list: [{ name: 'ok' }, { email: 'no-name@example.com' }] } }, z.unknown())).rejects.toThrow();
    expect((await sim.admin.records('res.partner')).length).toBe(before);
  });

  it('applies x2many commands and domain operators', async () => {
    const tax = await client.create({ model: 'account.tax', values: { name: 'VAT 5', amount: 5 } });
    const partner = await client.create({ model: 'res.partner', values: { name: 'Cmd Buyer' } });
    const [mug, cap] = await client.search({ model: 'product.product', domain: [['default_code', 'in', ['MUG-WHITE', 'CAP-BLACK']]], order: 'default_code desc' });
    const taxField = version >= 19 ? 'tax_ids' : 'tax_id';
    const order = await client.create({
      model: 'sale.order',
      values: { partner_id: partner, order_line: [[0, 0, { product_id: mug, product_uom_qty: 1, [taxField]: [[6, 0, [tax]]] }], [0, 0, { product_id: cap }]] },
    });
    const lines = () => client.searchRead({ model: 'sale.order.line', domain: [['order_id', '=', order]], fields: ['product_id', 'price_unit', taxField], order: 'id' }, z.object({ id: z.number(), product_id: z.tuple([z.number(), z.string()]), price_unit: z.number() }).passthrough());
    const [l1, l2] = await lines();
    expect(l1![taxField]).toEqual([tax]);
    expect(l1!.product_id[1]).toBe('[MUG-WHITE] Mug White');
    await client.write({ model: 'sale.order', ids: [order], values: { order_line: [[1, l1!.id, { price_unit: 10 }], [2, l2!.id, 0]] } });
    expect((await lines()).map((l) => l.price_unit)).toEqual([10]);
    await client.write({ model: 'sale.order.line', ids: [l1!.id], values: { [taxField]: [[3, tax, 0]] } });
    expect((await lines())[0]![taxField]).toEqual([]);
    const [totals] = await client.read({ model: 'sale.order', ids: [order], fields: ['amount_total', 'partner_id', 'note'] }, z.object({ amount_total: z.number(), partner_id: z.tuple([z.number(), z.string()]), note: z.literal(false) }));
    expect(totals!.amount_total).toBe(10);

    const count = (domain: unknown[]) => client.searchCount({ model: 'product.product', domain });
    expect(await count([['default_code', 'ilike', 'tshirt']])).toBe(2);
    expect(await count(['|', ['default_code', '=', 'MUG-WHITE'], ['default_code', '=', 'CAP-BLACK']])).toBe(2);
    expect(await count(['!', ['default_code', 'in', ['MUG-WHITE', 'CAP-BLACK']], ['default_code', '!=', false]])).toBe(4);
    expect(await count([['lst_price', '>=', 15], ['lst_price', '<', 19.99]])).toBe(1);
    expect(await count([['default_code', 'not in', ['MUG-WHITE']], ['product_tmpl_id.name', 'ilike', 'mug']])).toBe(0);
    const page = await client.searchRead({ model: 'product.product', domain: [['default_code', '!=', false]], fields: ['default_code'], order: 'default_code asc', limit: 2, offset: 1 }, z.object({ default_code: z.string() }));
    expect(page.map((p) => p.default_code)).toEqual(['MUG-WHITE', 'SHIPPING']);
  });

  it('refuses bad admin input with 400', async () => {
    const res = await fetch(`${sim.url}/_admin/stock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sku: '', quantity: 'lots' }) });
    expect(res.status).toBe(400);
    await expect(sim.admin.setFaults({ latencyMs: -5 })).rejects.toThrow(/400/);
  });

  it('saves state to a file and loads it back', async () => {
    await sim.admin.setStock({ sku: 'SOCKS-3PK', quantity: 77 });
    await sim.admin.saveState();
    await sim.admin.setStock({ sku: 'SOCKS-3PK', quantity: 1 });
    await sim.admin.loadState();
    expect((await sim.admin.stock('SOCKS-3PK'))[0]!.onHand).toBe(77);
    // A new simulator on the same file starts from that state.
    const second = await startOdooSimulator({ version, stateFile });
    try {
      expect((await second.admin.stock('SOCKS-3PK'))[0]!.onHand).toBe(77);
    } finally {
      await second.close();
    }
  });

  it('answers the outage until it ends, and an empty seed has no products', async () => {
    await sim.admin.setFaults({ outage: { mode: '503', durationMs: 60_000 } });
    const res = await fetch(`${sim.url}/jsonrpc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(503);
    await sim.admin.clearFaults();
    const empty = await startOdooSimulator({ version, seed: 'empty' });
    try {
      expect(await empty.admin.stock()).toEqual([]);
      expect((await empty.admin.records('stock.warehouse')).map((w) => w.code)).toEqual(['WH']);
    } finally {
      await empty.close();
    }
  });
});
