import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  allHandlersFinished,
} from '@temporalio/workflow';
import type { OrderActivities } from '../activities/order-activities';
import {
  type ChannelEvent,
  type OrderStatus,
  SA_ACCOUNT,
  SA_CHANNEL,
  SA_EXTERNAL_ORDER_ID,
  SA_ORDER_STATUS,
} from '../domain';
import {
  channelEventSignal,
  operatorActionUpdate,
  orderStateQuery,
  type OperatorAction,
  type OrderState,
  type OrderWorkflowInput,
} from './messages';
import { ALERT_CALL, ODOO_CALL } from './presets';

const odoo = proxyActivities<OrderActivities>(ODOO_CALL);
const alerts = proxyActivities<OrderActivities>(ALERT_CALL);

const MAX_REMEMBERED_EVENTS = 500;

/** One run per marketplace order (id from orderWorkflowId). Orchestrates only; every effect is an activity. */
export async function orderWorkflow(input: OrderWorkflowInput): Promise<OrderState> {
  const state: OrderState = { key: input.key, status: 'received', odoo: {}, eventsSeen: [], duplicatesDropped: 0 };
  const seen = new Set<string>(input.seenEventIds ?? []);
  const inbox: ChannelEvent[] = [];
  let pendingAction: OperatorAction | undefined;
  // An operator's update returns once its action has played out (retry succeeded or parked again).
  let actionsRequested = 0;
  let actionsResolved = 0;
  let lastAppliedAt = '';

  setHandler(channelEventSignal, (event) => {
    if (seen.has(event.eventId)) {
      state.duplicatesDropped += 1;
      return;
    }
    seen.add(event.eventId);
    state.eventsSeen.push(event.eventId);
    if (state.eventsSeen.length > MAX_REMEMBERED_EVENTS) state.eventsSeen.shift();
    inbox.push(event);
  });
  setHandler(orderStateQuery, () => state);
  setHandler(
    operatorActionUpdate,
    async (action) => {
      pendingAction = action;
      const ticket = ++actionsRequested;
      await condition(() => actionsResolved >= ticket);
      return state;
    },
    {
      validator: (action) => {
        if (!['retry', 'skip', 'cancel'].includes(action?.action)) throw new Error(`unknown action ${String(action?.action)}`);
        if (state.status !== 'needs_attention') throw new Error(`order is ${state.status}, not needs_attention`);
      },
    },
  );

  upsertSearchAttributes([
    { key: SA_CHANNEL, value: input.key.channel },
    { key: SA_ACCOUNT, value: input.key.account },
    { key: SA_EXTERNAL_ORDER_ID, value: input.key.externalId },
  ]);
  setStatus('received');

  function setStatus(status: OrderStatus): void {
    state.status = status;
    upsertSearchAttributes([{ key: SA_ORDER_STATUS, value: status }]);
  }

  async function importOrder(): Promise<void> {
    const order = state.order;
    if (!order) return;
    if (order.status === 'pending_payment') {
      setStatus('pending_payment');
      return;
    }
    setStatus('importing');
    state.failedStep = 'customer';
    if (state.odoo.partnerId === undefined || !state.odoo.saleOrderId) {
      const customer = await odoo.ensureCustomer({ key: input.key, order });
      state.odoo.partnerId = customer.partnerId;
      state.failedStep = 'sale_order';
      const so = await odoo.ensureSaleOrder({ key: input.key, order, customer });
      state.odoo.saleOrderId = so.saleOrderId;
      state.odoo.saleOrderName = so.name;
      state.odoo.saleOrderState = so.state;
    }
    state.failedStep = 'confirm';
    const confirmed = await odoo.confirmSaleOrder({ key: input.key, saleOrderId: state.odoo.saleOrderId! });
    state.odoo.saleOrderState = confirmed.state;
    state.failedStep = undefined;
    state.lastError = undefined;
    setStatus('confirmed');
  }

  /** Runs a step; a failure retries cannot fix parks the order for an operator instead of failing the run. */
  async function attempt(step: () => Promise<void>): Promise<void> {
    for (;;) {
      try {
        await step();
        actionsResolved = actionsRequested;
        return;
      } catch (err) {
        const cause = err instanceof ActivityFailure ? err.cause : err;
        const type = cause instanceof ApplicationFailure ? (cause.type ?? 'ApplicationFailure') : 'Error';
        const message = cause instanceof Error ? cause.message : String(cause);
        state.lastError = { type, message, at: new Date().toISOString() };
        setStatus('needs_attention');
        actionsResolved = actionsRequested;
        await alerts.raiseAlert({
          key: input.key,
          severity: 'error',
          reason: `order needs attention at step ${state.failedStep ?? 'unknown'}: ${type}: ${message}`,
        });
        await condition(() => pendingAction !== undefined);
        const action = pendingAction!;
        pendingAction = undefined;
        if (action.action === 'retry') continue;
        setStatus(action.action === 'cancel' ? 'cancelled' : state.odoo.saleOrderState === 'sale' ? 'confirmed' : 'received');
        actionsResolved = actionsRequested;
        return;
      }
    }
  }

  function isSettled(): boolean {
    return state.status === 'confirmed' || state.status === 'cancelled' || state.status === 'pending_payment';
  }

  for (;;) {
    const woke = await condition(() => inbox.length > 0, input.idleClose ?? '30 days');
    if (!woke && isSettled()) break;
    // Apply in the channel's own order; a snapshot older than one already applied is dropped.
    inbox.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
    const batch = inbox.splice(0, inbox.length);
    for (const event of batch) {
      if (event.type !== 'order.created' && event.type !== 'order.updated') continue;
      if (event.occurredAt < lastAppliedAt) continue;
      lastAppliedAt = event.occurredAt;
      state.order = event.order;
      if (state.status === 'cancelled' || state.status === 'confirmed') continue;
      await attempt(importOrder);
    }
  }

  await condition(allHandlersFinished);
  setStatus(state.status === 'cancelled' ? 'cancelled' : 'closed');
  return state;
}
