import { type Client } from '@temporalio/client';
import Fastify, { type FastifyInstance } from 'fastify';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { ODOO_TOKEN_HEADER, odooEventsPlugin, priceChanges, stockChanges } from '../../clients/gateway/odoo-events';
import { planInventorySchedules } from '../../clients/inventory-schedules';
import { inventoryScheduleId } from '../../domain';

// The Odoo notification route's pure parts and its refusals (which never reach Temporal), and the schedule plan.

const record = (sku: string | false, warehouse: string, free: number, writeDate: string) => ({
  id: 7,
  default_code: sku,
  barcode: false,
  qty_available: free + 1,
  free_qty: free,
  write_date: writeDate,
  warehouse,
});

describe('stockChanges', () => {
  it('gives one change per SKU with free stock per warehouse, observed at the newest write_date', () => {
    const changes = stockChanges({
      event: 'stock.changed',
      database: 'odoo',
      model: 'product.product',
      records: [
        record('MUG', 'WH', 4, '2026-11-26 10:00:01'),
        record('MUG', 'WH2', 6, '2026-11-26 10:00:03'),
        record('CAP', 'WH', 0, '2026-11-26 09:59:59'),
        record(false, 'WH', 9, '2026-11-26 10:00:00'),
      ],
    });
    expect(changes).toEqual([
      { sku: 'MUG', free: { WH: 4, WH2: 6 }, observedAt: '2026-11-26T10:00:03Z', source: 'notification' },
      { sku: 'CAP', free: { WH: 0 }, observedAt: '2026-11-26T09:59:59Z', source: 'notification' },
    ]);
  });

  it('gives nothing for delivery notifications (the order side handles those)', () => {
    const record = { id: 1, name: 'WH/OUT/00001', state: 'done', client_order_ref: 'shopify:demo-shop:1' };
    expect(stockChanges({ event: 'delivery.done', database: 'odoo', model: 'stock.picking', record })).toEqual([]);
  });
});

describe('priceChanges', () => {
  it('gives one prompt per SKU, skips products without a reference, and nothing for stock notifications', () => {
    const records = [
      { id: 1, default_code: 'MUG', write_date: '2026-11-27 01:00:00' },
      { id: 2, default_code: false as const, write_date: '2026-11-27 01:00:00' },
      { id: 3, default_code: 'MUG', write_date: '2026-11-27 01:00:05' },
      { id: 4, default_code: 'MUG', write_date: '2026-11-27 00:59:00' },
    ];
    expect(priceChanges({ event: 'price.changed', database: 'odoo', model: 'product.product', records })).toEqual([{ sku: 'MUG', observedAt: '2026-11-27T01:00:05Z' }]);
    expect(priceChanges({ event: 'stock.changed', database: 'odoo', model: 'product.product', records: [] })).toEqual([]);
  });
});

describe('POST /webhooks/odoo/:connection refusals', () => {
  let app: FastifyInstance;
  let url = '';
  // Every request below is refused or empty before any workflow is signalled, so no client is ever used.
  const unusedClient = {} as Client;

  beforeAll(async () => {
    app = Fastify({ logger: false });
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    await app.register(odooEventsPlugin, { client: unusedClient, secrets: { main: 's3cret-token' } });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => app.close());

  const post = async (connection: string, body: string, token?: string) => {
    const res = await fetch(`${url}/webhooks/odoo/${connection}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token !== undefined ? { [ODOO_TOKEN_HEADER]: token } : {}) },
      body,
    });
    const text = await res.text();
    return { statusCode: res.status, json: () => JSON.parse(text) as unknown };
  };
  const stock = JSON.stringify({ event: 'stock.changed', database: 'odoo', model: 'product.product', records: [record('MUG', 'WH', 1, '2026-11-26 10:00:00')] });

  it('refuses a missing, wrong or other connection\'s token with 401', async () => {
    expect((await post('main', stock)).statusCode).toBe(401);
    expect((await post('main', stock, 's3cret-tokeX')).statusCode).toBe(401);
    expect((await post('main', stock, 's3cret-token-longer')).statusCode).toBe(401);
    expect((await post('other', stock, 's3cret-token')).statusCode).toBe(401);
  });

  it('refuses a body that is not JSON or not a known notification with 400', async () => {
    expect((await post('main', '{not json', 's3cret-token')).statusCode).toBe(400);
    const wrong = await post('main', JSON.stringify({ event: 'stock.changed', records: [{ default_code: 'MUG' }] }), 's3cret-token');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ error: 'unexpected notification' });
    expect((await post('main', JSON.stringify({ event: 'price.changed' }), 's3cret-token')).statusCode).toBe(400);
  });

  it('acknowledges a delivery of a sale order that is not channelsync\'s without handing anything on', async () => {
    const record = { id: 1, name: 'WH/OUT/00001', state: 'done', client_order_ref: false };
    const res = await post('main', JSON.stringify({ event: 'delivery.done', database: 'odoo', model: 'stock.picking', record }), 's3cret-token');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 0 });
  });
});

describe('planInventorySchedules', () => {
  it('plans the write_date poll and the drift check, one run at a time', () => {
    const plans = planInventorySchedules({ taskQueue: 'q', pollIntervalMs: 60_000, pollLookbackMs: 300_000, driftIntervalMs: 1_800_000 });
    expect(plans.map((p) => p.scheduleId)).toEqual([inventoryScheduleId('odoo-poll'), inventoryScheduleId('drift-check')]);
    for (const p of plans) {
      expect(p.policies?.overlap).toBe(ScheduleOverlapPolicy.SKIP);
      expect(p.action).toMatchObject({ type: 'startWorkflow', taskQueue: 'q' });
    }
    expect(plans[0]!.action).toMatchObject({ workflowType: 'odooPollWorkflow', args: [{ lookbackMs: 300_000 }] });
    expect(plans[0]!.spec.intervals).toEqual([{ every: 60_000 }]);
    expect(plans[1]!.action).toMatchObject({ workflowType: 'inventoryDriftWorkflow' });
  });

  it('leaves the drift check out when disabled, and refuses a lookback that does not cover the interval', () => {
    expect(planInventorySchedules({ driftIntervalMs: false }).map((p) => p.scheduleId)).toEqual([inventoryScheduleId('odoo-poll')]);
    expect(() => planInventorySchedules({ pollIntervalMs: 60_000, pollLookbackMs: 60_000 })).toThrow(/must exceed/);
  });
});
