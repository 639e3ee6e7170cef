import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { type FastifyInstance } from 'fastify';
import { createShopifyAdapter } from '../../activities/marketplaces/shopify';
import { createAdapterRegistry } from '../../activities/marketplaces/registry';
import { deliverEvent } from '../../clients/deliver-event';
import { buildGateway } from '../../clients/gateway/server';
import { createFileSpool, type Spool } from '../../clients/gateway/spool';
import { createLogger } from '../../config/logger';
import { orderWorkflowId } from '../../domain';
import { startShopifySimulator, type ShopifySimulator } from '../../simulators/shopify';
import { connectTest, uniqueTaskQueue } from '../support/temporal';

// A webhook answered 2xx is never lost: with Temporal unreachable the event goes to the disk spool and
// reaches its workflow once Temporal answers again. Oversized bodies are refused before parsing.
describe('gateway with Temporal unreachable', () => {
  const secret = 'spool-test-secret';
  const account = `spool-${process.pid}`;
  const taskQueue = uniqueTaskQueue('spool');
  let sim: ShopifySimulator;
  let gateway: FastifyInstance;
  let url: string;
  let spool: Spool;
  let dir: string;
  let deadConnection: Connection;

  beforeAll(async () => {
    sim = await startShopifySimulator({ webhookSecret: secret, shopDomain: `${account}.myshopify.com`, products: [{ sku: 'MUG-WHITE', price: '12.50', stock: 5 }] });
    const adapter = createShopifyAdapter({ account, shopDomain: sim.shopDomain, adminUrl: sim.url, apiVersion: sim.apiVersion, accessToken: sim.accessToken, webhookSecret: secret });
    const adapters = createAdapterRegistry([], {});
    dir = mkdtempSync(join(tmpdir(), 'channelsync-spool-'));
    spool = createFileSpool(dir);
    // Nothing listens on port 1: every call to Temporal fails.
    deadConnection = Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '1s' });
    gateway = buildGateway({
      client: new Client({ connection: deadConnection }),
      adapters: { get: (c, a) => (c === 'shopify' && a === account ? adapter : adapters.get(c, a)), all: () => [adapter] },
      logger: createLogger({ level: 'silent' }),
      taskQueue,
      bodyLimit: 64 * 1024,
      spool,
    });
    url = await gateway.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await gateway?.close();
    await sim?.close();
    await deadConnection?.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 200, keeps the event on disk, and forwards it once Temporal is back', async () => {
    const order = sim.admin.createOrder({ lines: [{ sku: 'MUG-WHITE', quantity: 1, price: '12.50' }], financialStatus: 'paid' });
    const delivery = sim.admin.buildDelivery({ topic: 'orders/create', orderId: order.id });
    const response = await fetch(`${url}/webhooks/shopify/${account}`, { method: 'POST', headers: delivery.headers, body: delivery.rawBody });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ accepted: 1, spooled: 1 });
    expect(spool.size()).toBe(1);

    const live = await connectTest();
    try {
      const workflowId = orderWorkflowId({ channel: 'shopify', account, externalId: order.externalId });
      await expect(live.client.workflow.getHandle(workflowId).describe()).rejects.toThrow();
      const drained = await spool.drain((event) => deliverEvent({ client: live.client, taskQueue }, event));
      expect(drained).toEqual({ delivered: 1, rejected: 0, remaining: 0 });
      expect(spool.size()).toBe(0);
      const description = await live.client.workflow.getHandle(workflowId).describe();
      expect(description.status.name).toBe('RUNNING');
      await live.client.workflow.getHandle(workflowId).terminate('test done');
    } finally {
      await live.close();
    }
  });

  it('refuses an oversized body with 413 before parsing or spooling', async () => {
    const body = JSON.stringify({ padding: 'x'.repeat(100 * 1024) });
    const response = await fetch(`${url}/webhooks/shopify/${account}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(413);
    expect(spool.size()).toBe(0);
  });
});
