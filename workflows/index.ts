export { orderWorkflow } from './order-workflow';
