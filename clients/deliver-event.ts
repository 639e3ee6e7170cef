import { type Client } from '@temporalio/client';
import { type ChannelEvent, orderWorkflowId, SA_ACCOUNT, SA_CHANNEL, SA_EXTERNAL_ORDER_ID, SA_ORDER_STATUS } from '../domain';
import type { orderWorkflow } from '../workflows';
import { channelEventSignal } from '../workflows/messages';

// The one way an event reaches its order workflow, shared by the gateway, the pollers and reconciliation.

export interface DeliverEventDeps {
  client: Client;
  /** Task queue the order workflows run on. */
  taskQueue: string;
}

/** Hands one canonical event to its order workflow, starting it if needed. Resolves once Temporal holds it. */
export async function deliverEvent(deps: DeliverEventDeps, event: ChannelEvent): Promise<string> {
  const key = { channel: event.channel, account: event.account, externalId: event.externalId };
  const workflowId = orderWorkflowId(key);
  // By name: callers (activities, the gateway) must not load workflow code into their own process.
  await deps.client.workflow.signalWithStart<typeof orderWorkflow, [ChannelEvent]>('orderWorkflow', {
    workflowId,
    taskQueue: deps.taskQueue,
    args: [{ key }],
    signal: channelEventSignal,
    signalArgs: [event],
    workflowIdConflictPolicy: 'USE_EXISTING',
    typedSearchAttributes: [
      { key: SA_CHANNEL, value: key.channel },
      { key: SA_ACCOUNT, value: key.account },
      { key: SA_EXTERNAL_ORDER_ID, value: key.externalId },
      { key: SA_ORDER_STATUS, value: 'received' },
    ],
  });
  return workflowId;
}
