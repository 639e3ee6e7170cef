export { orderWorkflow } from './order-workflow';
export { pollOrdersWorkflow, pollWatermarkWorkflow, reconcileOrdersWorkflow } from './poll-orders-workflow';
export { inventoryWorkflow, odooPollWorkflow, inventoryDriftWorkflow, odooStockFanOutWorkflow } from './inventory-workflow';
export { channelPushWorkflow } from './channel-push-workflow';
