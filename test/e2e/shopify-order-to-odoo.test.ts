import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { hmacSha256 } from '../../activities/marketplaces/signatures';
import { odooClientOrderRef, orderWorkflowId, SA_ORDER_STATUS } from '../../domain';
import { orderStateQuery } from '../../workflows/messages';
import { type Stack } from '../../scripts/lib/stack';
import { uniqueTaskQueue } from '../support/temporal';
import { startTestStack } from '../support/stack';

// A signed Shopify orders/create webhook, delivered three times, becomes exactly one confirmed Odoo sale
// order; a forged delivery starts nothing. Everything talks HTTP: simulators, gateway, Temporal, Odoo.
describe('Shopify webhook → gateway → Temporal → Odoo', () => {
  let stack: Stack;
  let client: Client;
  let closeAll: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ stack, client, close: closeAll } = await startTestStack({
      channels: ['shopify'],
      logLevel: 'silent',
      account: `e2e-${process.pid}`,
      ordersTaskQueue: uniqueTaskQueue('e2e-orders'),
    }));
  });
  afterAll(async () => {
    await closeAll?.();
  });

  async function eventually<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, ms = 60_000): Promise<T> {
    const until = Date.now() + ms;
    let last: T | undefined;
    while (Date.now() < until) {
      last = await fn();
      if (ok(last)) return last;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${what} not reached; last value: ${JSON.stringify(last)}`);
  }

  it('creates exactly one confirmed sale order with the right lines, prices and customer', async () => {
    const created = stack.shopify.admin.createOrder({
      lines: [
        { sku: 'TSHIRT-RED-M', quantity: 2, price: '19.99' },
        { sku: 'MUG-WHITE', quantity: 1, price: '12.50' },
      ],
      customer: { firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com' },
      shippingAddress: { firstName: 'Grace', lastName: 'Hopper', address1: '1 Navy Way', city: 'Arlington', zip: '22201', country: 'United States', countryCode: 'US', provinceCode: 'VA' },
      financialStatus: 'paid',
    });
    const first = created.webhook!;
    // The same delivery twice more (Shopify's retry) and once as a duplicate (new Webhook-Id, same Event-Id).
    stack.shopify.admin.redeliver(first.webhookId);
    stack.shopify.admin.redeliver(first.webhookId);
    stack.shopify.admin.duplicate(first.webhookId);
    await stack.shopify.admin.webhooksIdle();
    const sent = stack.shopify.admin.deliveries().filter((d) => d.eventId === first.eventId);
    expect(sent).toHaveLength(4);
    expect(sent.every((d) => d.attempts.some((a) => a.status === 200))).toBe(true);

    const key = { channel: 'shopify' as const, account: stack.shopifyAccount, externalId: created.externalId };
    const handle = client.workflow.getHandle(orderWorkflowId(key));
    const state = await eventually('confirmed', () => handle.query(orderStateQuery), (s) => s.status === 'confirmed');
    expect(state.duplicatesDropped).toBe(3);

    const orders = await stack.odoo.admin.saleOrders({ clientOrderRef: odooClientOrderRef(key) });
    expect(orders).toHaveLength(1);
    const so = orders[0]!;
    expect(so.state).toBe('sale');
    expect(so.id).toBe(state.odoo.saleOrderId);
    expect(so.partner).toMatchObject({ name: 'Grace Hopper', email: 'grace@example.com' });
    expect(so.bindings).toHaveLength(1);
    const lines = so.lines
      .filter((l) => l.sku !== 'SHIPPING')
      .map((l) => ({ sku: l.sku, quantity: l.quantity, priceUnit: l.priceUnit }))
      .sort((a, b) => String(a.sku).localeCompare(String(b.sku)));
    expect(lines).toEqual([
      { sku: 'MUG-WHITE', quantity: 1, priceUnit: 12.5 },
      { sku: 'TSHIRT-RED-M', quantity: 2, priceUnit: 19.99 },
    ]);
    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(SA_ORDER_STATUS)).toBe('confirmed');
  });

  it('answers 401 to a forged signature and starts no workflow', async () => {
    const delivery = stack.shopify.admin.buildDelivery({ topic: 'orders/create', orderId: stack.shopify.admin.createOrder({ lines: [{ sku: 'CAP-BLACK', quantity: 1 }] }).id });
    const forgedOrder = JSON.parse(delivery.rawBody.toString('utf8')) as { id: number };
    forgedOrder.id = 999_000_111;
    const body = JSON.stringify(forgedOrder);
    const response = await fetch(`${stack.gateway.url}/webhooks/shopify/${stack.shopifyAccount}`, {
      method: 'POST',
      headers: { ...delivery.headers, 'X-Shopify-Hmac-Sha256': hmacSha256('not-the-secret', body, 'base64') },
      body,
    });
    expect(response.status).toBe(401);
    const key = { channel: 'shopify' as const, account: stack.shopifyAccount, externalId: '999000111' };
    await expect(client.workflow.getHandle(orderWorkflowId(key)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  it('answers 400 with the zod issues to a signed but malformed body', async () => {
    const delivery = stack.shopify.admin.buildDelivery({ topic: 'orders/create', payload: { id: 'not-a-number', line_items: 'nope' } });
    const response = await fetch(`${stack.gateway.url}/webhooks/shopify/${stack.shopifyAccount}`, {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.rawBody,
    });
    expect(response.status).toBe(400);
    const answer = (await response.json()) as { issues: { path: unknown[] }[] };
    expect(answer.issues.length).toBeGreaterThan(0);
  });
});
