export { orderWorkflow } from './order-workflow';
export { pollOrdersWorkflow, pollWatermarkWorkflow, reconcileOrdersWorkflow } from './poll-orders-workflow';
