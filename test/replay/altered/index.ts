// The order workflow with its first two Odoo steps swapped: what a careless edit would do.
// Replaying a recorded history against it must fail.
import { proxyActivities, condition, defineSignal, setHandler, sleep } from '@temporalio/workflow';
import type { InventoryActivities } from '../../../activities/inventory-activities';
import type { OrderActivities } from '../../../activities/order-activities';
import type { ChannelEvent } from '../../../domain';
import type { OrderWorkflowInput } from '../../../workflows/messages';

const odoo = proxyActivities<OrderActivities>({ startToCloseTimeout: '30 seconds' });
const channelEventSignal = defineSignal<[ChannelEvent]>('channelEvent');

export async function orderWorkflow(input: OrderWorkflowInput): Promise<void> {
  const inbox: ChannelEvent[] = [];
  setHandler(channelEventSignal, (event) => void inbox.push(event));
  await condition(() => inbox.length > 0);
  const event = inbox[0]!;
  if (event.type !== 'order.created' && event.type !== 'order.updated') return;
  const so = await odoo.ensureSaleOrder({ key: input.key, order: event.order, customer: { partnerId: 0, invoicePartnerId: 0, shippingPartnerId: 0 } });
  await odoo.ensureCustomer({ key: input.key, order: event.order });
  await odoo.confirmSaleOrder({ key: input.key, saleOrderId: so.saleOrderId });
}

// The inventory side, each with its first step changed: the SKU workflow reads Odoo before its rules, the push
// and drift workflows wait before anything else.
const inventory = proxyActivities<InventoryActivities>({ startToCloseTimeout: '30 seconds' });

export async function inventoryWorkflow(input: { sku: string }): Promise<void> {
  await inventory.readOdooInventory({ skus: [input.sku] });
  await inventory.inventoryRules({ sku: input.sku });
  await condition(() => false);
}

export async function channelPushWorkflow(): Promise<void> {
  await sleep('1 second');
  await condition(() => false);
}

export async function inventoryDriftWorkflow(): Promise<void> {
  await sleep('1 second');
}
