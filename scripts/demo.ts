// `npm run demo`: Temporal dev server + simulators + gateway + worker, a handful of orders (with duplicates,
// a forged webhook and one unknown SKU an operator fixes), then a summary of what landed in Odoo.
// `npm run demo -- --once` exits after the summary; otherwise it stays up for the Web UI until Ctrl-C.
import { Client, Connection } from '@temporalio/client';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { hmacSha256 } from '../activities/marketplaces/signatures';
import { odooClientOrderRef, orderWorkflowId, type OrderKey } from '../domain';
import { operatorActionUpdate, orderStateQuery, type OrderState } from '../workflows/messages';
import { createLogger } from '../config/logger';
import { installTemporalLogger } from '../workers/runtime-logger';
import { startDevServer } from './lib/dev-server';
import { startStack } from './lib/stack';

const once = process.argv.includes('--once');
const TEMPORAL_PORT = Number(process.env.DEMO_TEMPORAL_PORT ?? 7233);
const UI_PORT = Number(process.env.DEMO_UI_PORT ?? 8233);

async function waitFor<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 60_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      const v = await fn();
      if (ok(v) || Date.now() > until) return v;
    } catch (err) {
      if (Date.now() > until) throw err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function main(): Promise<void> {
  const logLevel = process.env.LOG_LEVEL ?? 'error';
  installTemporalLogger(createLogger({ level: logLevel }));
  const dbFile = join(__dirname, '..', '.data', 'demo', 'temporal.sqlite');
  rmSync(join(dbFile, '..'), { recursive: true, force: true }); // each demo starts from a clean history
  console.log('• starting the Temporal dev server (Web UI included)…');
  const server = await startDevServer({ port: TEMPORAL_PORT, uiPort: UI_PORT, dbFile });
  console.log('• starting the Odoo and Shopify simulators, the worker and the gateway…');
  const stack = await startStack({
    temporalAddress: server.address,
    temporalUiUrl: server.uiUrl,
    ports: { odoo: 8069, shopify: 8071, gateway: 3000 },
    logLevel,
  });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const shop = stack.shopify.admin;
  const keyOf = (externalId: string): OrderKey => ({ channel: 'shopify', account: stack.shopifyAccount, externalId });

  console.log('• a shopper places four orders on Shopify; Shopify retries and duplicates some webhooks…');
  const orders = [
    shop.createOrder({
      lines: [{ sku: 'TSHIRT-RED-M', quantity: 2, price: '19.99' }, { sku: 'MUG-WHITE', quantity: 1, price: '12.50' }],
      customer: { firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com' },
      shippingAddress: { firstName: 'Grace', lastName: 'Hopper', address1: '1 Navy Way', city: 'Arlington', zip: '22201', country: 'United States', countryCode: 'US', provinceCode: 'VA' },
      financialStatus: 'paid',
    }),
    shop.createOrder({
      lines: [{ sku: 'CAP-BLACK', quantity: 1, price: '15.00' }],
      customer: { firstName: 'Alan', lastName: 'Turing', email: 'alan@example.com' },
      shippingAddress: { firstName: 'Alan', lastName: 'Turing', address1: '2 Bletchley Park', city: 'Milton Keynes', zip: 'MK3 6EB', country: 'United Kingdom', countryCode: 'GB' },
      financialStatus: 'paid',
    }),
    shop.createOrder({
      lines: [{ sku: 'SOCKS-3PK', quantity: 3, price: '9.90' }],
      customer: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
      shippingAddress: { firstName: 'Ada', lastName: 'Lovelace', address1: '12 St James Sq', city: 'London', zip: 'SW1Y 4JH', country: 'United Kingdom', countryCode: 'GB' },
      financialStatus: 'paid',
    }),
    shop.createOrder({
      lines: [{ sku: 'HOODIE-GREY-XL', quantity: 1, price: '49.00' }],
      customer: { firstName: 'Katherine', lastName: 'Johnson', email: 'katherine@example.com' },
      shippingAddress: { firstName: 'Katherine', lastName: 'Johnson', address1: '3 Langley Blvd', city: 'Hampton', zip: '23681', country: 'United States', countryCode: 'US', provinceCode: 'VA' },
      financialStatus: 'paid',
    }),
  ];
  for (const o of orders.slice(0, 2)) {
    shop.redeliver(o.webhook!.webhookId);
    shop.duplicate(o.webhook!.webhookId);
  }
  await shop.webhooksIdle();

  const forgedBody = JSON.stringify({ id: 123, note: 'forged' });
  const forged = await fetch(`${stack.gateway.url}/webhooks/shopify/${stack.shopifyAccount}`, {
    method: 'POST',
    headers: { ...orders[0]!.webhook!.headers, 'X-Shopify-Hmac-Sha256': hmacSha256('guess', forgedBody, 'base64') },
    body: forgedBody,
  });
  console.log(`• a forged webhook was answered ${forged.status} and started nothing`);

  const states = new Map<string, OrderState>();
  for (const o of orders) {
    const handle = client.workflow.getHandle(orderWorkflowId(keyOf(o.externalId)));
    states.set(o.externalId, await waitFor(() => handle.query(orderStateQuery), (s) => ['confirmed', 'needs_attention'].includes(s.status)));
  }
  const parked = orders[3]!;
  const parkedState = states.get(parked.externalId)!;
  console.log(`• order ${parked.name} is ${parkedState.status}: ${parkedState.lastError?.message ?? ''}`);
  console.log('  an operator creates the product in Odoo, then answers the workflow with a `retry` update…');
  await stack.odoo.admin.addProducts([{ sku: 'HOODIE-GREY-XL', name: 'Hoodie Grey XL', listPrice: 49, storable: true, quantity: 10 }]);
  const retried = await client.workflow
    .getHandle(orderWorkflowId(keyOf(parked.externalId)))
    .executeUpdate(operatorActionUpdate, { args: [{ action: 'retry', note: 'product created in Odoo' }] });
  states.set(parked.externalId, retried);

  const deliveries = shop.deliveries();
  console.log('\nWhat landed in Odoo:');
  let saleOrders = 0;
  for (const o of orders) {
    const key = keyOf(o.externalId);
    const inOdoo = await stack.odoo.admin.saleOrders({ clientOrderRef: odooClientOrderRef(key) });
    saleOrders += inOdoo.length;
    const webhooks = deliveries.filter((d) => d.eventId === o.webhook!.eventId).length;
    for (const so of inOdoo) {
      const lines = so.lines.map((l) => `${l.quantity}× ${String(l.sku)} @ ${l.priceUnit}`).join(', ');
      console.log(`  Shopify ${o.name} (${webhooks} webhook deliveries) → ${so.name} [${so.state}] ${so.partner.name}: ${lines}; total ${so.amountTotal}`);
    }
    console.log(`    workflow ${orderWorkflowId(key)}: ${states.get(o.externalId)?.status}`);
  }
  console.log(`\n${deliveries.length} webhook deliveries for ${orders.length} orders → ${saleOrders} sale orders in Odoo.`);
  console.log(`Temporal Web UI: ${server.uiUrl}/namespaces/default/workflows`);
  console.log(`Operators' CLI:  TEMPORAL_ADDRESS=${server.address} npm run cli -- list`);

  const shutdown = async () => {
    await connection.close();
    await stack.stop();
    await server.stop();
  };
  if (once) {
    await shutdown();
    return;
  }
  console.log('\nThe demo stays up for the Web UI; Ctrl-C to stop.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await shutdown();
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(err.stack ?? err.message);
    process.exit(1);
  },
);
