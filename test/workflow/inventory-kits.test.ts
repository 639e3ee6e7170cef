import { signalInventory } from '../../activities/inventory-activities';
import { channelPushWorkflowId, inventoryWorkflowId, type OrderKey } from '../../domain';
import { channelSaleSignal, inventoryStateQuery, odooReservedSignal, saleReleasedSignal } from '../../workflows/inventory-messages';
import { eventually, type InventoryStack, startInventoryStack } from '../support/inventory-stack';
import { testAddress, uniqueTaskQueue } from '../support/temporal';
import { recordHistory } from '../support/histories';

// A kit (2 × A + 1 × B) on two real channel simulators, with the real Odoo simulator behind: the kit's quantity
// comes from its components, a kit sale takes its components' units off every channel before Odoo knows of
// the order, and a component sold alone takes kits off too.

const runId = `${process.pid}-${Date.now()}`;
const A = `KIT-A-${runId}`;
const B = `KIT-B-${runId}`;
const KIT = `KIT-${runId}`;

describe('kits in InventoryWorkflow on a real Temporal server', () => {
  let stack: InventoryStack;
  const taskQueue = uniqueTaskQueue('inventory-kits');
  const shownEverywhere = (sku: string) => Promise.all(stack.channels.map((c) => c.shown(sku)));
  const total = async (sku: string) => (await shownEverywhere(sku)).reduce((a, b) => a + b, 0);
  const waitTotals = (what: string, want: Record<string, number>) =>
    eventually(
      what,
      async () => Object.fromEntries(await Promise.all(Object.keys(want).map(async (sku) => [sku, await total(sku)] as const))),
      (got) => Object.entries(want).every(([sku, n]) => got[sku] === n),
      60_000,
    );
  const sale = (channel: (typeof stack.channels)[number], orderKey: OrderKey, sku: string, quantity: number) =>
    signalInventory(
      { client: stack.client, taskQueue },
      { sku, signal: channelSaleSignal, arg: { channel: channel.channel, account: channel.account, orderKey, sku, quantity, eventId: `${orderKey.externalId}/v1` } },
    );

  beforeAll(async () => {
    stack = await startInventoryStack({
      address: testAddress(),
      channels: ['shopify', 'woocommerce'],
      products: [
        { sku: A, quantity: 10, listPrice: 5 },
        { sku: B, quantity: 3, listPrice: 7 },
      ],
      channelOnlySkus: [KIT],
      kits: { [KIT]: [{ sku: A, quantity: 2 }, { sku: B, quantity: 1 }] },
      runId,
      taskQueue,
      pushWindowMs: 100,
    });
    // The kit's workflow starts with a resync (the drift check would start it in a running system).
    await signalInventory({ client: stack.client, taskQueue }, { sku: KIT, signal: { name: 'inventoryResync' }, arg: { reason: 'test start' } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('shows what the components can build: min(10 / 2, 3 / 1) = 3 kits, split over the channels', async () => {
    await waitTotals('components and kit on the channels', { [A]: 10, [B]: 3, [KIT]: 3 });
    const kit = await stack.client.workflow.getHandle(inventoryWorkflowId(KIT)).query(inventoryStateQuery);
    expect(kit.problems).toEqual([]);
    expect(Object.keys(kit.componentFree ?? {}).sort()).toEqual([A, B].sort());
  });

  it('a kit sale takes its components off every channel at once; a reservation in Odoo settles it', async () => {
    const shopify = stack.channels[0]!;
    const order: OrderKey = { channel: shopify.channel, account: shopify.account, externalId: `kit-order-${runId}` };
    await sale(shopify, order, KIT, 1);
    // A: 10 − 2 = 8, B: 3 − 1 = 2, kits: min(8 / 2, 2 / 1) = 2.
    await waitTotals('the kit sale to reach components and kit', { [A]: 8, [B]: 2, [KIT]: 2 });
    const a = await stack.client.workflow.getHandle(inventoryWorkflowId(A)).query(inventoryStateQuery);
    expect(Object.values(a.pending)).toEqual([{ channel: shopify.key, quantity: 2 }]);

    // Odoo confirms the order: the components' stock drops there, and their windows let go of the sale.
    await stack.odoo.admin.setStock({ sku: A, quantity: 8 });
    await stack.odoo.admin.setStock({ sku: B, quantity: 2 });
    await signalInventory({ client: stack.client, taskQueue }, { sku: KIT, signal: odooReservedSignal, arg: { orderKey: order } });
    await eventually(
      'component A to settle the kit sale',
      () => stack.client.workflow.getHandle(inventoryWorkflowId(A)).query(inventoryStateQuery),
      (s) => Object.keys(s.pending).length === 0 && s.free !== null && Object.values(s.free).reduce((x, y) => x + y, 0) === 8,
    );
    await waitTotals('figures after Odoo took the order', { [A]: 8, [B]: 2, [KIT]: 2 });
    await recordHistory('inventory-kit-sale', inventoryWorkflowId(KIT));
    await recordHistory('inventory-kit-component', inventoryWorkflowId(A));
    await recordHistory('channel-push-kit-figures', channelPushWorkflowId(shopify.channel, shopify.account));
  });

  it('a component sold alone takes kits off; a release gives them back', async () => {
    const woo = stack.channels[1]!;
    const order: OrderKey = { channel: woo.channel, account: woo.account, externalId: `b-order-${runId}` };
    await sale(woo, order, B, 1);
    // B: 2 − 1 = 1 → kits: min(8 / 2, 1 / 1) = 1.
    await waitTotals('a B sale to take a kit off', { [A]: 8, [B]: 1, [KIT]: 1 });
    await signalInventory({ client: stack.client, taskQueue }, { sku: B, signal: saleReleasedSignal, arg: { orderKey: order } });
    await waitTotals('the release to give it back', { [A]: 8, [B]: 2, [KIT]: 2 });
  });
});
