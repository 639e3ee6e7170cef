import { type Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { ChannelActivities } from '../activities/channel-activities';
import type { InventoryActivities } from '../activities/inventory-activities';
import type { OrderActivities } from '../activities/order-activities';
import {
  addMoney,
  type CanonicalOrder,
  INVENTORY_TASK_QUEUE,
  type ChannelEvent,
  marketplaceTaskQueue,
  money,
  moneyEquals,
  multiplyMoney,
  odooCreditNoteRef,
  odooShipmentId,
  type OperationClass,
  type OrderPolicy,
  type OrderRefundedEvent,
  type OrderStatus,
  routeWarehouse,
  SA_ACCOUNT,
  SA_CHANNEL,
  SA_EXTERNAL_ORDER_ID,
  SA_ORDER_STATUS,
  toScaled,
} from '../domain';
import {
  channelEventSignal,
  odooChangedSignal,
  operatorActionUpdate,
  orderStateQuery,
  type OperatorAction,
  type OrderState,
  type OrderWorkflowInput,
} from './messages';
import { ALERT_CALL, CHANNEL_CALL, ODOO_CALL } from './presets';

const odoo = proxyActivities<OrderActivities>(ODOO_CALL);
const alerts = proxyActivities<OrderActivities>(ALERT_CALL);
const inventory = proxyActivities<InventoryActivities>({ ...ODOO_CALL, taskQueue: INVENTORY_TASK_QUEUE, scheduleToCloseTimeout: '2 minutes' });

const MAX_REMEMBERED_EVENTS = 500;
const SHIPPED: OrderStatus[] = ['partially_shipped', 'shipped', 'delivered'];

/** Thrown inside a step when the order needs a person, not a retry. */
function needsPerson(message: string, type: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, type);
}

/**
 * One run per marketplace order (id from orderWorkflowId), from the first event to the end of its return
 * window. Orchestrates only: every effect is an activity, every wait a durable timer.
 */
export async function orderWorkflow(input: OrderWorkflowInput): Promise<OrderState> {
  const { key } = input;
  const state: OrderState = {
    key,
    status: 'received',
    odoo: {},
    shipments: [],
    refunds: [],
    eventsSeen: [],
    duplicatesDropped: 0,
    staleDropped: 0,
  };
  const seen = new Set<string>(input.seenEventIds ?? []);
  const inbox: ChannelEvent[] = [];
  let odooChanged = false;
  let pendingAction: OperatorAction | undefined;
  // An operator's update returns once its action has played out (retry succeeded or parked again).
  let actionsRequested = 0;
  let actionsResolved = 0;
  let lastAppliedAt = '';
  let statusSince = Date.now();
  let stuckAlerted = false;
  let pendingDeadline: number | undefined;
  let closeAt: number | undefined;

  const channel = (operation: OperationClass) =>
    proxyActivities<ChannelActivities>({ ...CHANNEL_CALL, taskQueue: marketplaceTaskQueue(key.channel, key.account, operation) });
  const target = { channel: key.channel, account: key.account };

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
  setHandler(odooChangedSignal, () => {
    odooChanged = true;
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
    { key: SA_CHANNEL, value: key.channel },
    { key: SA_ACCOUNT, value: key.account },
    { key: SA_EXTERNAL_ORDER_ID, value: key.externalId },
  ]);
  setStatus('received');
  const policy: OrderPolicy = await odoo.loadOrderPolicy({ key });

  function setStatus(status: OrderStatus): void {
    if (status !== state.status) {
      statusSince = Date.now();
      stuckAlerted = false;
    }
    state.status = status;
    upsertSearchAttributes([{ key: SA_ORDER_STATUS, value: status }]);
  }

  /** Where a parked order goes back to when an operator skips the failed step. */
  function settledStatus(): OrderStatus {
    if (state.shipments.length > 0) return shippedStatus();
    if (state.odoo.saleOrderState === 'cancel') return 'cancelled';
    return state.odoo.saleOrderState === 'sale' ? 'confirmed' : 'received';
  }

  /** Runs a step; a failure retries cannot fix parks the order for an operator instead of failing the run. */
  async function attempt(step: string, run: () => Promise<void>): Promise<boolean> {
    const before = state.status;
    for (;;) {
      try {
        state.failedStep = step;
        await run();
        state.failedStep = undefined;
        if (state.status === 'needs_attention') setStatus(before === 'needs_attention' ? settledStatus() : before);
        actionsResolved = actionsRequested;
        return true;
      } catch (err) {
        const cause = err instanceof ActivityFailure ? err.cause : err;
        const type = cause instanceof ApplicationFailure ? (cause.type ?? 'ApplicationFailure') : 'Error';
        const message = cause instanceof Error ? cause.message : String(cause);
        state.lastError = { type, message, at: new Date().toISOString() };
        setStatus('needs_attention');
        actionsResolved = actionsRequested;
        await alerts.raiseAlert({ key, severity: 'error', reason: `order needs attention at step ${step}: ${type}: ${message}` });
        await condition(() => pendingAction !== undefined);
        const action = pendingAction!;
        pendingAction = undefined;
        if (action.action === 'retry') continue;
        state.failedStep = undefined;
        if (action.action === 'cancel') {
          await attempt('cancel', () => cancelEverywhere('cancelled by an operator'));
        } else {
          setStatus(settledStatus());
          actionsResolved = actionsRequested;
        }
        return false;
      }
    }
  }

  function isImported(): boolean {
    return state.odoo.saleOrderId !== undefined && state.odoo.saleOrderState !== undefined && state.odoo.saleOrderState !== 'draft';
  }

  async function importOrder(order: CanonicalOrder): Promise<void> {
    setStatus('importing');
    await attempt('import', async () => {
      if (state.odoo.saleOrderId === undefined) {
        const customer = await odoo.ensureCustomer({ key, order });
        state.odoo.partnerId = customer.partnerId;
        if (policy.routing) {
          const stock = policy.routing.preferInStock
            ? await odoo.readStockForRouting({ key, skus: [...new Set(order.lines.map((l) => l.sku))] })
            : undefined;
          const decision = routeWarehouse({ rule: policy.routing, order, stock });
          state.odoo.warehouse = decision.warehouse;
          state.odoo.routingReason = decision.reason;
        }
        const so = await odoo.ensureSaleOrder({ key, order, customer, warehouseCode: state.odoo.warehouse });
        state.odoo.saleOrderId = so.saleOrderId;
        state.odoo.saleOrderName = so.name;
        state.odoo.saleOrderState = so.state;
      }
      const confirmed = await odoo.confirmSaleOrder({ key, saleOrderId: state.odoo.saleOrderId });
      state.odoo.saleOrderState = confirmed.state;
      state.lastError = undefined;
      setStatus('confirmed');
      await reportToInventory('reserved', order, 'confirmed');
      if (patched('acknowledge-on-import')) {
        // Tell the channel the order is taken (Walmart requires it; a no-op elsewhere). Not awaited: the order
        // is in Odoo either way, and a failure only means the shipment step acknowledges first.
        channel('orders')
          .acknowledgeChannelOrder({ ...target, externalId: key.externalId })
          .catch((err: unknown) => log.warn('channel acknowledgement failed', { error: String(err) }));
      }
    });
  }

  /**
   * Tells the SKU workflows what this order takes (before Odoo has it: the oversell window) and when Odoo holds
   * it. Best effort: a lost report is repaired by the inventory drift check, so it never parks the order.
   */
  async function reportToInventory(kind: 'sale' | 'reserved' | 'released', order: CanonicalOrder, eventId: string): Promise<void> {
    if (!policy.feedsInventory || !patched('inventory-reporting')) return;
    const units = new Map<string, number>();
    for (const line of order.lines) units.set(line.sku, (units.get(line.sku) ?? 0) + line.quantity);
    const skus = [...units.keys()];
    try {
      if (kind === 'sale') {
        for (const [sku, quantity] of units) await inventory.reportChannelSale({ channel: key.channel, account: key.account, orderKey: key, sku, quantity, eventId });
      } else if (kind === 'reserved') {
        await inventory.reportOdooReserved({ orderKey: key, skus });
      } else {
        await inventory.reportSaleReleased({ orderKey: key, skus });
      }
    } catch (err) {
      log.warn('inventory report failed; the drift check will repair it', { kind, error: String(err) });
    }
  }

  function linesOf(order: CanonicalOrder): string {
    const lines = order.lines.map((l) => `${l.sku}×${l.quantity}`).sort();
    return JSON.stringify([lines, order.shippingAddress ?? null]);
  }

  async function applySnapshot(order: CanonicalOrder, occurredAt: string): Promise<void> {
    // Applied in the channel's own time order; an older snapshot never overwrites a newer one.
    if (occurredAt < lastAppliedAt) {
      state.staleDropped += 1;
      return;
    }
    lastAppliedAt = occurredAt;
    const previous = state.order;
    state.order = order;
    if (state.status === 'cancelled' || state.status === 'closed') return;
    if (order.status === 'cancelled') return cancelFromChannel('cancelled on the channel');
    if (!isImported() || (previous && linesOf(previous) !== linesOf(order))) await reportToInventory('sale', order, `${occurredAt}`);
    if (!isImported()) {
      if (order.status === 'pending_payment') {
        setStatus('pending_payment');
        pendingDeadline ??= Date.now() + ms(policy.pendingPaymentTimeout);
        return;
      }
      pendingDeadline = undefined;
      return importOrder(order);
    }
    if (previous && linesOf(previous) !== linesOf(order)) {
      await attempt('edit', async () => {
        if (SHIPPED.includes(state.status) || state.shipments.length > 0) {
          throw needsPerson('the order was edited on the channel after it shipped', 'EditAfterShipment');
        }
        const ref = await odoo.updateSaleOrder({ key, saleOrderId: state.odoo.saleOrderId!, order });
        state.odoo.saleOrderState = ref.state;
      });
    }
  }

  async function cancelEverywhere(reason: string): Promise<void> {
    // Units never reserved in Odoo leave the oversell window; Odoo's own release shows in its stock.
    if (state.order && !isImported()) await reportToInventory('released', state.order, 'cancelled');
    if (state.odoo.saleOrderId !== undefined && state.odoo.saleOrderState !== 'cancel') {
      const ref = await odoo.cancelSaleOrder({ key, saleOrderId: state.odoo.saleOrderId });
      state.odoo.saleOrderState = ref.state;
    }
    state.lastError = { type: 'Cancelled', message: reason, at: new Date().toISOString() };
    setStatus('cancelled');
  }

  async function cancelFromChannel(reason: string): Promise<void> {
    if (SHIPPED.includes(state.status) || state.shipments.length > 0) {
      // Goods are gone: nothing to undo automatically; a person decides (return, refund, write-off).
      state.lastError = { type: 'CancelAfterShipment', message: `${reason} after shipment`, at: new Date().toISOString() };
      await alerts.raiseAlert({ key, severity: 'warning', reason: `${reason} after it shipped; Odoo left as is` });
      return;
    }
    await attempt('cancel', () => cancelEverywhere(reason));
  }

  async function applyRefund(event: OrderRefundedEvent): Promise<void> {
    const { refund } = event;
    if (state.refunds.some((r) => r.refundId === refund.refundId)) return;
    const order = state.order;
    if (state.odoo.saleOrderId === undefined || !order) {
      // Never reached Odoo (cancelled or unpaid): nothing to credit, but keep the figure.
      state.refunds.push({ refundId: refund.refundId, total: refund.total });
    } else {
      const ok = await attempt('refund', async () => {
        const lines = refund.lines
          .filter((l) => l.quantity > 0)
          .map((l) => {
            const line = order.lines.find((o) => o.lineId === l.lineId);
            if (!line) throw needsPerson(`refund ${refund.refundId} names unknown line ${l.lineId}`, 'UnknownRefundLine');
            return { sku: line.sku, quantity: l.quantity, unitPrice: line.unitPrice };
          });
        const goods = lines.reduce((sum, l) => addMoney(sum, multiplyMoney(l.unitPrice, l.quantity)), money('0', refund.total.currency));
        const rest = addMoney(refund.total, { amount: negate(goods.amount), currency: goods.currency });
        const amounts = moneyEquals(rest, money('0', rest.currency)) ? [] : [{ label: 'Refund adjustment (shipping, discounts)', amount: rest }];
        const note = await odoo.createCreditNote({
          key,
          note: { saleOrderId: state.odoo.saleOrderId!, reference: odooCreditNoteRef(key, refund.refundId), lines, amounts },
        });
        state.refunds.push({ refundId: refund.refundId, creditNoteId: note.creditNoteId, creditNoteName: note.name, total: refund.total });
      });
      if (!ok) return;
    }
    state.refundedTotal = state.refunds.reduce((sum, r) => addMoney(sum, r.total), money('0', refund.total.currency));
    if (order && toScaled(state.refundedTotal.amount, 4) >= toScaled(order.total.amount, 4)) setStatus('refunded');
  }

  function shippedStatus(): OrderStatus {
    const order = state.order;
    if (!order) return 'shipped';
    const shipped = new Map<string, number>();
    for (const s of state.shipments) for (const l of s.lines) shipped.set(l.lineId, (shipped.get(l.lineId) ?? 0) + l.quantity);
    return order.lines.every((l) => (shipped.get(l.lineId) ?? 0) >= l.quantity) ? 'shipped' : 'partially_shipped';
  }

  function recordShipment(): void {
    const status = shippedStatus();
    setStatus(status);
    if (status === 'shipped') closeAt = Date.now() + ms(policy.returnWindow);
  }

  /** Odoo → channel: every validated delivery becomes one shipment on the channel, with its tracking. */
  async function syncWithOdoo(): Promise<void> {
    const order = state.order;
    if (state.odoo.saleOrderId === undefined || !order) return;
    await attempt('fulfilment', async () => {
      const so = await odoo.readSaleOrder({ key });
      if (so?.state === 'cancel' && state.odoo.saleOrderState !== 'cancel') {
        // Decided in Odoo: mirror it on the channel where the channel allows it.
        state.odoo.saleOrderState = 'cancel';
        await channel('fulfilment').cancelChannelOrder({ ...target, externalId: key.externalId, reason: 'cancelled in Odoo' });
        setStatus('cancelled');
        return;
      }
      if (order.fulfilledBy === 'channel') return;
      const deliveries = await odoo.readDeliveries({ key, saleOrderId: state.odoo.saleOrderId! });
      for (const delivery of deliveries) {
        if (delivery.state !== 'done' || state.shipments.some((s) => s.pickingId === delivery.pickingId)) continue;
        const lines = delivery.lines
          .map((l) => ({ lineId: order.lines.find((o) => o.sku === l.sku)?.lineId, quantity: l.quantity }))
          .filter((l): l is { lineId: string; quantity: number } => l.lineId !== undefined && l.quantity > 0);
        if (lines.length === 0) continue;
        if (!delivery.trackingRef) throw needsPerson(`delivery ${delivery.name} was validated without a tracking number`, 'MissingTracking');
        const shipmentId = odooShipmentId(key, delivery.pickingId);
        const pushed = await channel('fulfilment').confirmChannelShipment({
          ...target,
          shipment: { externalId: key.externalId, shipmentId, lines, carrier: delivery.carrier ?? 'Other', trackingNumber: delivery.trackingRef },
        });
        state.shipments.push({ pickingId: delivery.pickingId, shipmentRef: pushed.shipmentRef, carrier: delivery.carrier, trackingNumber: delivery.trackingRef, lines });
        recordShipment();
      }
    });
  }

  async function handle(event: ChannelEvent): Promise<void> {
    switch (event.type) {
      case 'order.created':
      case 'order.updated':
        return applySnapshot(event.order, event.occurredAt);
      case 'order.notified': {
        // Thin push (ids only): fetch the order through the channel's rate-limited queue.
        let fetched: CanonicalOrder | undefined;
        await attempt('fetch', async () => {
          fetched = await channel('orders').getChannelOrder({ ...target, externalId: key.externalId });
        });
        return fetched ? applySnapshot(fetched, fetched.updatedAt) : undefined;
      }
      case 'order.cancelled':
        if (event.occurredAt < lastAppliedAt) state.staleDropped += 1;
        return cancelFromChannel(event.reason ? `cancelled on the channel (${event.reason})` : 'cancelled on the channel');
      case 'order.refunded':
        return applyRefund(event);
      case 'order.shipped':
        if (state.shipments.some((s) => s.shipmentRef === event.shipment.shipmentRef)) return;
        state.shipments.push({ ...event.shipment });
        return recordShipment();
      case 'unsupported':
        return;
    }
  }

  /** How long to sleep before looking again, by state; undefined = until the next event. */
  function nextWake(): number | undefined {
    const now = Date.now();
    const stuck = stuckAlerted ? Infinity : statusSince + ms(policy.stuckAfter) - now;
    let due = Infinity;
    if (state.status === 'pending_payment' && pendingDeadline !== undefined) due = pendingDeadline - now;
    else if (state.status === 'confirmed' || state.status === 'partially_shipped') due = ms(policy.deliveryPollInterval);
    else if (closeAt !== undefined) due = closeAt - now;
    const wake = Math.min(due, stuck);
    return wake === Infinity ? undefined : Math.max(wake, 1);
  }

  for (;;) {
    const wake = nextWake();
    const woke = await (wake === undefined
      ? condition(() => inbox.length > 0 || odooChanged).then(() => true)
      : condition(() => inbox.length > 0 || odooChanged, wake));
    if (inbox.length > 0) {
      const batch = inbox.splice(0, inbox.length).sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
      for (const event of batch) await handle(event);
      continue;
    }
    const now = Date.now();
    if (odooChanged || (!woke && (state.status === 'confirmed' || state.status === 'partially_shipped'))) {
      odooChanged = false;
      await syncWithOdoo();
    }
    if (state.status === 'pending_payment' && pendingDeadline !== undefined && now >= pendingDeadline) {
      // Never reserved anything in Odoo, so there is nothing to undo there.
      state.lastError = { type: 'PaymentTimeout', message: `not paid within ${policy.pendingPaymentTimeout}`, at: new Date().toISOString() };
      if (state.order) await reportToInventory('released', state.order, 'payment-timeout');
      setStatus('cancelled');
      closeAt = now;
    }
    if ((state.status === 'cancelled' || state.status === 'refunded') && closeAt === undefined) closeAt = now + ms(policy.returnWindow);
    if (closeAt !== undefined && now >= closeAt && ['shipped', 'delivered', 'refunded', 'cancelled'].includes(state.status)) break;
    if (!stuckAlerted && now - statusSince >= ms(policy.stuckAfter) && state.status !== 'needs_attention') {
      stuckAlerted = true;
      await alerts.raiseAlert({ key, severity: 'warning', reason: `order has been ${state.status} for more than ${policy.stuckAfter}` });
    }
  }

  await condition(allHandlersFinished);
  if (state.status !== 'cancelled') setStatus('closed');
  return state;
}

/** Policy durations are validated by config (domain/policy.ts) before they get here. */
function ms(duration: string): number {
  return msToNumber(duration as Duration);
}

function negate(amount: string): string {
  return amount.startsWith('-') ? amount.slice(1) : `-${amount}`;
}
