// `npm run demo`: Temporal dev server + one simulator per channel + Odoo's + gateway + worker. First a flash
// sale of one SKU on four channels at once with stock and price sync on (scripts/lib/demo-flash-sale.ts); then
// orders go through every channel (with duplicate deliveries, a forged webhook and one unknown SKU an operator
// fixes), through the lifecycle (Odoo delivery → tracking on the channel, partial refund → credit note, a
// cancellation), then a per-channel summary of what landed in Odoo.
// `npm run demo -- --once` exits after the summary; otherwise it stays up for the Web UI until Ctrl-C.
import { Client, Connection } from '@temporalio/client';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { hmacSha256 } from '../activities/marketplaces/signatures';
import { createLogger } from '../config/logger';
import { type Channel, odooClientOrderRef, orderWorkflowId, type OrderKey } from '../domain';
import { operatorActionUpdate, orderStateQuery, type OrderState } from '../workflows/messages';
import { installTemporalLogger } from '../workers/runtime-logger';
import { flashSaleRules, runFlashSale } from './lib/demo-flash-sale';
import { startDevServer } from './lib/dev-server';
import { type Buyer, CHANNEL_ONLY_PRODUCT, type ChannelDriver, type PlacedOrder, SHOPIFY_ACCOUNT, startStack, type Stack } from './lib/stack';

const once = process.argv.includes('--once');
const TEMPORAL_PORT = Number(process.env.DEMO_TEMPORAL_PORT ?? 7233);
const UI_PORT = Number(process.env.DEMO_UI_PORT ?? 8233);

/** Stops the dev server if the demo fails: it is a child process and would keep the demo's ports. */
let stopServer: (() => Promise<void>) | undefined;

const BUYERS: Buyer[] = [
  { firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com', address1: '1 Navy Way', city: 'Arlington', zip: '22201', countryCode: 'US' },
  { firstName: 'Alan', lastName: 'Turing', email: 'alan@example.com', address1: '2 Bletchley Park', city: 'Milton Keynes', zip: 'MK3 6EB', countryCode: 'GB' },
  { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', address1: '12 St James Sq', city: 'London', zip: 'SW1Y 4JH', countryCode: 'GB' },
  { firstName: 'Katherine', lastName: 'Johnson', email: 'katherine@example.com', address1: '3 Langley Blvd', city: 'Hampton', zip: '23681', countryCode: 'US' },
];

interface DemoOrder {
  driver: ChannelDriver;
  placed: PlacedOrder;
  role: 'shipped' | 'refunded' | 'cancelled' | 'fixed';
}

async function main(): Promise<void> {
  const logLevel = process.env.LOG_LEVEL ?? 'error';
  installTemporalLogger(createLogger({ level: logLevel }));
  const dbFile = join(__dirname, '..', '.data', 'demo', 'temporal.sqlite');
  rmSync(join(dbFile, '..'), { recursive: true, force: true }); // each demo starts from a clean history
  console.log('• starting the Temporal dev server (Web UI included)…');
  const server = await startDevServer({ port: TEMPORAL_PORT, uiPort: UI_PORT, dbFile });
  stopServer = () => server.stop();
  console.log('• starting Odoo and seven channel simulators (Shopify, WooCommerce, Amazon, eBay, Walmart, Daraz, noon), the worker and the gateway…');
  const stack = await startStack({
    temporalAddress: server.address,
    temporalUiUrl: server.uiUrl,
    ports: { odoo: 8069, shopify: 8071, gateway: 3000 },
    logLevel,
    schedules: true,
    pollIntervalSeconds: 10,
    orderPolicy: { returnWindow: '20s', deliveryPollInterval: '1s' },
    // Allocation rules turn stock sync on (the flash sale); Odoo tells the gateway about stock and deliveries.
    rules: flashSaleRules(SHOPIFY_ACCOUNT),
    odooNotifications: true,
  });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const keyOf = (channel: Channel, externalId: string): OrderKey => ({ channel, account: stack.shopifyAccount, externalId });
  const stateOf = (o: DemoOrder) => client.workflow.getHandle(orderWorkflowId(keyOf(o.driver.channel, o.placed.externalId))).query(orderStateQuery);

  /**
   * Waits for a workflow state; poll and queue channels get their poller run while the order is not in yet, and
   * `poll` runs it all along (changes only the poller reads, such as refunds on some channels).
   */
  async function until(o: DemoOrder, ok: (s: OrderState) => boolean, ms = 60_000, poll = false): Promise<OrderState> {
    const end = Date.now() + ms;
    let last: OrderState | undefined;
    let nextPoll = 0;
    for (;;) {
      try {
        last = await stateOf(o);
        if (ok(last)) return last;
      } catch {
        // not started yet
      }
      if (Date.now() > end) throw new Error(`${o.driver.channel} ${o.placed.name}: state not reached; last: ${last?.status ?? 'none'} ${last?.lastError?.message ?? ''}`);
      if (((o.driver.intake !== 'webhook' && last === undefined) || poll) && Date.now() >= nextPoll) {
        await stack.channels[o.driver.channel]!.poll();
        nextPoll = Date.now() + 3000;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  await runFlashSale({ stack, client, buyers: BUYERS });

  console.log('\n• one order per channel (two lines each), plus a second Shopify and WooCommerce order to cancel…');
  const orders: DemoOrder[] = [];
  for (const [i, driver] of stack.drivers.entries()) {
    const placed = await driver.placeOrder(
      [
        { sku: 'MUG-WHITE', quantity: 2 },
        { sku: i % 2 === 0 ? 'CAP-BLACK' : 'TSHIRT-RED-M', quantity: 1 },
      ],
      BUYERS[i % BUYERS.length],
    );
    orders.push({ driver, placed, role: driver.refund ? 'refunded' : 'shipped' });
  }
  const shopify = stack.channels.shopify!.driver;
  const woo = stack.channels.woocommerce!.driver;
  for (const driver of [shopify, woo]) orders.push({ driver, placed: await driver.placeOrder([{ sku: 'SOCKS-3PK', quantity: 1 }], BUYERS[2]), role: 'cancelled' });
  const fixed: DemoOrder = { driver: shopify, placed: await shopify.placeOrder([{ sku: CHANNEL_ONLY_PRODUCT.sku, quantity: 1 }], BUYERS[3]), role: 'fixed' };
  orders.push(fixed);

  console.log('  Shopify retries and duplicates the first order\u2019s webhook; the pollers run twice over the same orders…');
  const shop = stack.shopify.admin;
  const firstWebhook = shop.deliveries().find((d) => d.topic === 'orders/create');
  if (firstWebhook) {
    shop.redeliver(firstWebhook.webhookId);
    shop.duplicate(firstWebhook.webhookId);
  }
  await shop.webhooksIdle();
  for (const d of stack.drivers.filter((x) => x.intake !== 'webhook')) await stack.channels[d.channel]!.poll();
  await forgeWebhook(stack, firstWebhook?.headers ?? {});

  for (const o of orders) await until(o, (s) => ['confirmed', 'needs_attention'].includes(s.status));
  for (const d of stack.drivers.filter((x) => x.intake !== 'webhook')) await stack.channels[d.channel]!.poll(); // second pass: duplicates

  const parked = await stateOf(fixed);
  console.log(`• Shopify ${fixed.placed.name} is ${parked.status}: ${parked.lastError?.message ?? ''}`);
  console.log('  an operator creates the product in Odoo, then answers the workflow with a `retry` update…');
  await stack.odoo.admin.addProducts([{ ...CHANNEL_ONLY_PRODUCT, storable: true }]);
  const retried = await client.workflow
    .getHandle(orderWorkflowId(keyOf('shopify', fixed.placed.externalId)))
    .executeUpdate(operatorActionUpdate, { args: [{ action: 'retry', note: 'product created in Odoo' }] });
  console.log(`  → ${retried.status} as ${retried.odoo.saleOrderName ?? '?'}`);

  console.log('• cancellations on the channel before shipment…');
  for (const o of orders.filter((x) => x.role === 'cancelled')) {
    await o.driver.cancel(o.placed);
    await until(o, (s) => s.status === 'cancelled');
  }

  console.log('• the warehouse validates each Odoo delivery with a tracking number; channelsync tells the channel…');
  for (const o of orders.filter((x) => x.role === 'shipped' || x.role === 'refunded')) {
    const s = await stateOf(o);
    const tracking = `1Z${o.driver.channel.slice(0, 3).toUpperCase()}${String(s.odoo.saleOrderId).padStart(6, '0')}`;
    await stack.odoo.admin.validateDelivery({ saleOrderId: s.odoo.saleOrderId!, trackingRef: tracking, carrier: 'UPS' });
  }
  for (const o of orders.filter((x) => x.role === 'shipped' || x.role === 'refunded')) {
    await until(o, (s) => s.status === 'shipped');
    const shown = (await o.driver.shipments(o.placed.externalId)).map((v) => `${v.carrier} ${v.trackingNumber}`).join(', ');
    console.log(`  ${o.driver.channel.padEnd(11)} ${o.placed.name}: the channel shows ${shown || '(nothing)'}`);
  }

  console.log('• the buyer returns one mug; the channel refunds it (partial refund → Odoo credit note)…');
  for (const o of orders.filter((x) => x.role === 'refunded')) {
    await o.driver.refund!(o.placed, { lineIndex: 0, quantity: 1 });
    const s = await until(o, (st) => st.refunds.some((r) => r.creditNoteId !== undefined), 60_000, o.driver.refundsBy === 'poll');
    console.log(`  ${o.driver.channel.padEnd(11)} ${o.placed.name}: refund ${s.refundedTotal?.amount} ${s.refundedTotal?.currency} → credit note ${s.refunds[0]?.creditNoteName}`);
  }

  await summary(stack, client, orders, keyOf);
  console.log(`\nTemporal Web UI: ${server.uiUrl}/namespaces/default/workflows`);
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
  console.log('\nThe demo stays up for the Web UI (shipped orders close after their 20 s return window); Ctrl-C to stop.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await shutdown();
}

async function forgeWebhook(stack: Stack, headers: Record<string, string>): Promise<void> {
  const body = JSON.stringify({ id: 123, note: 'forged' });
  const forged = await fetch(`${stack.gateway.url}/webhooks/shopify/${stack.shopifyAccount}`, {
    method: 'POST',
    headers: { ...headers, 'X-Shopify-Hmac-Sha256': hmacSha256('guess', body, 'base64') },
    body,
  });
  console.log(`• a forged Shopify webhook was answered ${forged.status} and started nothing`);
}

async function summary(stack: Stack, client: Client, orders: DemoOrder[], keyOf: (c: Channel, id: string) => OrderKey): Promise<void> {
  console.log('\nWhat landed in Odoo, per channel:');
  const moves = await stack.odoo.admin.records('account.move');
  let saleOrders = 0;
  for (const driver of stack.drivers) {
    console.log(`  ${driver.channel} (${driver.intake}, ${driver.currency}) account ${driver.account}`);
    for (const o of orders.filter((x) => x.driver === driver)) {
      const key = keyOf(driver.channel, o.placed.externalId);
      const state = await client.workflow.getHandle(orderWorkflowId(key)).query(orderStateQuery);
      const inOdoo = await stack.odoo.admin.saleOrders({ clientOrderRef: odooClientOrderRef(key) });
      saleOrders += inOdoo.length;
      const notes = moves.filter((m) => m.move_type === 'out_refund' && String(m.ref).startsWith(odooClientOrderRef(key)));
      for (const so of inOdoo) {
        const lines = so.lines.map((l) => `${l.quantity}× ${String(l.sku)} @ ${l.priceUnit}`).join(', ');
        console.log(`    ${o.placed.name} → ${so.name} [${so.state}] ${so.partner.name}: ${lines}; total ${so.amountTotal}`);
      }
      const extra = [
        state.duplicatesDropped > 0 ? `${state.duplicatesDropped} duplicate deliveries dropped` : '',
        state.shipments.length > 0 ? `tracking ${state.shipments.map((s) => s.trackingNumber).join(', ')}` : '',
        notes.length > 0 ? `credit note ${notes.map((n) => `${String(n.name)} ${String(n.amount_total)}`).join(', ')}` : '',
      ].filter(Boolean);
      console.log(`      workflow ${state.status}${extra.length ? `; ${extra.join('; ')}` : ''}`);
    }
    for (const note of driver.notes) console.log(`      note: ${note}`);
  }
  console.log(`\n${orders.length} orders on ${stack.drivers.length} channels → ${saleOrders} sale orders in Odoo (exactly one each).`);
}

main().then(
  () => process.exit(0),
  async (err: Error) => {
    console.error(err.stack ?? err.message);
    await stopServer?.().catch(() => undefined);
    process.exit(1);
  },
);
