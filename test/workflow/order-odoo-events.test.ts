import { type Client } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { createOdooClient, createOdooOrderOperations } from '../../activities/odoo';
import { type OrderKey, type OrderPolicy, odooReturnedGoodsRef, orderWorkflowId } from '../../domain';
import { type Stack } from '../../scripts/lib/stack';
import { workflowsPath } from '../../workers/order-worker';
import { orderStateQuery, type OrderState } from '../../workflows/messages';
import { eventually, uniqueTaskQueue } from '../support/temporal';
import { startTestStack, type TestStack } from '../support/stack';
import { recordHistory } from '../support/histories';

// Odoo tells the order workflow (validated deliveries, cancellations) through the gateway's Odoo route, and
// refunded goods come back into Odoo's stock or are written off by the account's returns rule. The whole stack
// on a real server: Shopify and Odoo simulators, gateway, worker. The delivery poll is an hour away, so only
// Odoo's notification can make anything happen within seconds.

const POLICY: Partial<OrderPolicy> = { deliveryPollInterval: '1 hour', returnWindow: '1 hour', stuckAfter: '1 hour', pendingPaymentTimeout: '1 hour' };
const SOON_MS = 15_000;

interface Running {
  test: TestStack;
  stack: Stack;
  client: Client;
  keyOf(externalId: string): OrderKey;
  until(externalId: string, ok: (s: OrderState) => boolean, timeoutMs?: number): Promise<OrderState>;
}

async function start(name: string, returns: OrderPolicy['returns'], workflowBundle: { code: string }): Promise<Running> {
  const test = await startTestStack({
    channels: ['shopify'],
    logLevel: 'silent',
    account: `${name}-${process.pid}`,
    ordersTaskQueue: uniqueTaskQueue(`${name}-orders`),
    orderPolicy: { ...POLICY, returns },
    odooNotifications: true,
    workflowBundle,
  });
  const keyOf = (externalId: string): OrderKey => ({ channel: 'shopify', account: test.stack.shopifyAccount, externalId });
  return {
    test,
    stack: test.stack,
    client: test.client,
    keyOf,
    until: (externalId, ok, timeoutMs = 60_000) =>
      eventually(`state of ${externalId}`, () => test.client.workflow.getHandle(orderWorkflowId(keyOf(externalId))).query(orderStateQuery), ok, timeoutMs),
  };
}

function place(stack: Stack, lines: { sku: string; quantity: number; price: string }[]) {
  return stack.shopify.admin.createOrder({
    lines,
    customer: { firstName: 'Katherine', lastName: 'Johnson', email: 'katherine@example.com' },
    shippingAddress: { firstName: 'Katherine', lastName: 'Johnson', address1: '1 NASA Dr', city: 'Hampton', zip: '23666', country: 'United States', countryCode: 'US' },
    financialStatus: 'paid',
  });
}

async function shipped(run: Running, lines: { sku: string; quantity: number; price: string }[], tracking: string) {
  const o = place(run.stack, lines);
  const confirmed = await run.until(o.externalId, (s) => s.status === 'confirmed');
  await run.stack.odoo.admin.validateDelivery({ saleOrderId: confirmed.odoo.saleOrderId!, trackingRef: tracking, carrier: 'UPS' });
  const state = await run.until(o.externalId, (s) => s.status === 'shipped', SOON_MS);
  return { o, state };
}

const onHand = async (stack: Stack, sku: string) => (await stack.odoo.admin.stock(sku)).find((l) => l.warehouse === 'WH')!.onHand;

describe('Odoo notifications and returned goods', () => {
  let bundle: { code: string };
  let channelRule: Running;
  let writeOffRule: Running;

  beforeAll(async () => {
    bundle = { code: (await bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: new DefaultLogger('ERROR') })).code };
    channelRule = await start('odoo-events', { rule: 'channel' }, bundle);
    writeOffRule = await start('write-off', { rule: 'write-off' }, bundle);
  });
  afterAll(async () => {
    await channelRule?.test.close();
    await writeOffRule?.test.close();
  });

  it('a validated delivery reaches the channel within seconds through Odoo\'s notification', async () => {
    const { stack } = channelRule;
    const o = place(stack, [{ sku: 'TSHIRT-BLUE-L', quantity: 1, price: '19.99' }]);
    const confirmed = await channelRule.until(o.externalId, (s) => s.status === 'confirmed');
    await stack.odoo.admin.validateDelivery({ saleOrderId: confirmed.odoo.saleOrderId!, trackingRef: '1ZNOTIFY001', carrier: 'UPS' });
    const state = await channelRule.until(o.externalId, (s) => s.status === 'shipped', SOON_MS);
    expect(state.shipments).toMatchObject([{ trackingNumber: '1ZNOTIFY001', carrier: 'UPS' }]);
    expect(stack.shopify.admin.fulfillments(o.id)).toMatchObject([{ trackingNumber: '1ZNOTIFY001', trackingCompany: 'UPS' }]);
    const sent = (await stack.odoo.admin.notifications()).filter((n) => n.body.event === 'delivery.done');
    expect(sent.find((n) => (n.body.record as { carrier_tracking_ref?: unknown }).carrier_tracking_ref === '1ZNOTIFY001')).toMatchObject({ status: 200 });
    await recordHistory('odoo-notified-delivery', orderWorkflowId(channelRule.keyOf(o.externalId)));
  });

  it('a sale order cancelled in Odoo is cancelled on the channel within seconds', async () => {
    const { stack } = channelRule;
    const o = place(stack, [{ sku: 'TSHIRT-RED-M', quantity: 1, price: '19.99' }]);
    const confirmed = await channelRule.until(o.externalId, (s) => s.status === 'confirmed');
    const odoo = createOdooOrderOperations(createOdooClient({ url: stack.odoo.url, database: stack.odoo.database, login: stack.odoo.login, secret: stack.odoo.apiKey, version: 'auto' }));
    await odoo.cancelSaleOrder({ saleOrderId: confirmed.odoo.saleOrderId! });
    const cancelled = await channelRule.until(o.externalId, (s) => s.status === 'cancelled', SOON_MS);
    expect(cancelled.odoo.saleOrderState).toBe('cancel');
    expect((stack.shopify.admin.order(o.id) as { cancelled_at: unknown }).cancelled_at).not.toBeNull();
    const sent = (await stack.odoo.admin.notifications()).filter((n) => n.body.event === 'sale.cancelled');
    expect(sent.find((n) => (n.body.record as { id?: unknown }).id === confirmed.odoo.saleOrderId)).toMatchObject({ status: 200 });
    // Shopify refunds the payment with the cancellation; Odoo's cancelled order needs no credit note for it.
    const after = await channelRule.until(o.externalId, (s) => s.refunds.length === 1);
    expect(after.status).toBe('cancelled');
    expect(after.refunds[0]!.creditNoteId).toBeUndefined();
    expect(after.refundedTotal).toEqual({ amount: '19.99', currency: 'USD' });
    const notes = (await stack.odoo.admin.records('account.move')).filter((m) => m.invoice_origin === confirmed.odoo.saleOrderName);
    expect(notes).toEqual([]);
    await recordHistory('odoo-cancelled-then-channel-refund', orderWorkflowId(channelRule.keyOf(o.externalId)));
  });

  it('rule channel: a refund that restocks returns the delivered units into Odoo\'s stock; one that does not writes them off', async () => {
    const run = channelRule;
    const { o } = await shipped(run, [{ sku: 'MUG-WHITE', quantity: 2, price: '12.50' }], '1ZRETURN001');
    const key = run.keyOf(o.externalId);
    const before = await onHand(run.stack, 'MUG-WHITE');

    run.stack.shopify.admin.refund(o.id, { lines: [{ lineItemId: o.lineItemIds[0]!, quantity: 1, restock: true }] });
    const first = await run.until(o.externalId, (s) => s.refunds[0]?.returned !== undefined);
    const back = first.refunds[0]!;
    expect(back.returned).toEqual([{ lineId: String(o.lineItemIds[0]), sku: 'MUG-WHITE', quantity: 1 }]);
    expect(back.writtenOff).toEqual([]);
    expect(await onHand(run.stack, 'MUG-WHITE')).toBe(before + 1);
    const pickings = (await run.stack.odoo.admin.records('stock.picking')).filter((p) => p.origin === odooReturnedGoodsRef(key, back.refundId));
    expect(pickings).toMatchObject([{ picking_type_code: 'incoming', state: 'done', name: back.odooRecords![0] }]);

    run.stack.shopify.admin.refund(o.id, { lines: [{ lineItemId: o.lineItemIds[0]!, quantity: 1, restock: false }] });
    const second = await run.until(o.externalId, (s) => s.refunds[1]?.writtenOff !== undefined);
    const lost = second.refunds[1]!;
    expect(lost.writtenOff).toEqual([{ lineId: String(o.lineItemIds[0]), sku: 'MUG-WHITE', quantity: 1 }]);
    expect(lost.returned).toEqual([]);
    const scraps = (await run.stack.odoo.admin.records('stock.scrap')).filter((x) => x.origin === odooReturnedGoodsRef(key, lost.refundId));
    expect(scraps).toMatchObject([{ state: 'done', scrap_qty: 1 }]);
    expect(await onHand(run.stack, 'MUG-WHITE')).toBe(before + 1);
    expect(second.refunds.map((r) => r.creditNoteName)).toEqual([expect.any(String), expect.any(String)]);
    await recordHistory('returns-restock-and-write-off', orderWorkflowId(key));
  });

  it('rule write-off: a refund scraps the delivered units even when the channel restocks, and stock stays as it is', async () => {
    const run = writeOffRule;
    const { o } = await shipped(run, [{ sku: 'CAP-BLACK', quantity: 1, price: '15.00' }], '1ZSCRAP001');
    const key = run.keyOf(o.externalId);
    const before = await onHand(run.stack, 'CAP-BLACK');
    run.stack.shopify.admin.refund(o.id, { lines: [{ lineItemId: o.lineItemIds[0]!, quantity: 1, restock: true }] });
    const state = await run.until(o.externalId, (s) => s.refunds[0]?.writtenOff !== undefined);
    const refund = state.refunds[0]!;
    expect(refund.writtenOff).toEqual([{ lineId: String(o.lineItemIds[0]), sku: 'CAP-BLACK', quantity: 1 }]);
    expect(refund.returned).toEqual([]);
    const scraps = (await run.stack.odoo.admin.records('stock.scrap')).filter((x) => x.origin === odooReturnedGoodsRef(key, refund.refundId));
    expect(scraps).toMatchObject([{ state: 'done', scrap_qty: 1, name: refund.odooRecords![0] }]);
    expect((await run.stack.odoo.admin.records('stock.picking')).filter((p) => p.picking_type_code === 'incoming')).toEqual([]);
    expect(await onHand(run.stack, 'CAP-BLACK')).toBe(before);
  });
});
