import { type Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ChannelActivities } from '../activities/channel-activities';
import type { InventoryActivities } from '../activities/inventory-activities';
import type { OrderActivities } from '../activities/order-activities';
import type { CanonicalOrder, ChannelEvent, OperationClass, OrderPolicy, OrderStatus, Refund } from '../domain';
import { addMoney, money, moneyEquals, multiplyMoney, toScaled } from '../domain/decimal';
import { ACKNOWLEDGING_CHANNELS } from '../domain/channel-names';
import { INVENTORY_TASK_QUEUE, marketplaceTaskQueue, odooCreditNoteRef, odooReturnedGoodsRef, odooShipmentId } from '../domain/ids';
import { ORDER_POLICY_DEFAULTS } from '../domain/policy-defaults';
import { routeWarehouse } from '../domain/routing';
import { shipmentLinesFor } from '../domain/shipments';
import { SA_ACCOUNT, SA_CHANNEL, SA_EXTERNAL_ORDER_ID, SA_ORDER_STATUS } from '../domain/search-attributes';
import {
  channelEventSignal,
  odooChangedSignal,
  operatorActionUpdate,
  orderStateQuery,
  type OperatorAction,
  type OrderRunCarry,
  type OrderState,
  type OrderWorkflowInput,
  type ReturnedUnits,
  type ShipByWatch,
} from './messages';
import { ALERT_CALL, CHANNEL_CALL, ODOO_CALL } from './presets';

const odoo = proxyActivities<OrderActivities>(ODOO_CALL);
const alerts = proxyActivities<OrderActivities>(ALERT_CALL);
const inventory = proxyActivities<InventoryActivities>({ ...ODOO_CALL, taskQueue: INVENTORY_TASK_QUEUE, scheduleToCloseTimeout: '2 minutes' });

const MAX_REMEMBERED_EVENTS = 500;
const SHIPPED: OrderStatus[] = ['partially_shipped', 'shipped', 'delivered'];
/** Nothing (more) to ship: the order waits out its return window, or has ended. */
const NOTHING_TO_SHIP: OrderStatus[] = ['shipped', 'delivered', 'cancelled', 'refunded', 'closed'];
/** Refunds after a cancellation are recorded, not credited, and leave the status at cancelled. */
const REFUND_AFTER_CANCEL = 'refund-after-cancel';
/** A run without carried state looks for the order's sale order first (an event after a closed run). */
const RESUME_FROM_BINDING = 'resume-from-binding';
/** A channel's delivery of the whole order moves it to delivered and its return window counts from then. */
const DELIVERED_STARTS_RETURN_WINDOW = 'delivered-starts-return-window';
/** States an order waits in by design (its own payment deadline, the return window): never "stuck". */
const WAITING_BY_DESIGN: OrderStatus[] = ['pending_payment', ...NOTHING_TO_SHIP];
/** Event ids kept for dedupe across continue-as-new (older repeats are also stale by timestamp). */
const CARRIED_EVENT_IDS = 2000;

/** A channel event that cancels the order (its own cancellation, or a snapshot in state cancelled). */
function cancelsOrder(event: ChannelEvent): boolean {
  return event.type === 'order.cancelled' || ((event.type === 'order.created' || event.type === 'order.updated') && event.order.status === 'cancelled');
}

/** Thrown inside a step when the order needs a person, not a retry. */
function needsPerson(message: string, type: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, type);
}

/**
 * One run per marketplace order (id from orderWorkflowId), from the first event to the end of its return
 * window. Orchestrates only: every effect is an activity, every wait a durable timer.
 */
export async function orderWorkflow(input: OrderWorkflowInput): Promise<OrderState> {
  const { key, carried } = input;
  const state: OrderState = carried?.state ?? {
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
  let lastAppliedAt = carried?.lastAppliedAt ?? '';
  let statusSince = carried?.statusSince ?? Date.now();
  let stuckAlerted = carried?.stuckAlerted ?? false;
  let pendingDeadline: number | undefined = carried?.pendingDeadline;
  let closeAt: number | undefined = carried?.closeAt;

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
  // A continued run shows the status it carries (the same command as 'received' on a first run).
  setStatus(state.status);
  const policy: OrderPolicy = await odoo.loadOrderPolicy({ key });
  // Deliveries Odoo had validated before this run started: an earlier run of this order pushed them already.
  const shippedBefore = new Set<number>();
  if (!carried && patched(RESUME_FROM_BINDING)) await resumeFromBinding();

  function setStatus(status: OrderStatus): void {
    if (status !== state.status) {
      statusSince = Date.now();
      stuckAlerted = false;
    }
    state.status = status;
    upsertSearchAttributes([{ key: SA_ORDER_STATUS, value: status }]);
  }

  /**
   * The alert activity retries for about an hour; a webhook down longer than that must not fail the order's run
   * (the pino error line is written on every attempt).
   */
  async function raiseAlert(alert: { severity: 'warning' | 'error'; reason: string }): Promise<void> {
    try {
      await alerts.raiseAlert({ key, ...alert });
    } catch (err) {
      log.error('alert could not be delivered', { reason: alert.reason, error: String(err) });
    }
  }

  /**
   * An event for an order whose earlier run closed starts a new run: it carries on with the sale order Odoo
   * binds to the order, so nothing is imported, confirmed or shipped twice. A first run finds none.
   */
  async function resumeFromBinding(): Promise<void> {
    const so = await odoo.readSaleOrder({ key });
    if (!so) return;
    state.odoo.saleOrderId = so.saleOrderId;
    state.odoo.saleOrderName = so.name;
    state.odoo.saleOrderState = so.state;
    if (so.state === 'cancel') return setStatus('cancelled');
    if (so.state === 'draft' || so.state === 'sent') return;
    for (const d of await odoo.readDeliveries({ key, saleOrderId: so.saleOrderId })) if (d.state === 'done') shippedBefore.add(d.pickingId);
    setStatus('confirmed');
    // Once the order itself is known, record those deliveries (and push any newer ones).
    odooChanged = true;
  }

  /** Where a parked order goes back to when an operator skips the failed step. */
  function settledStatus(): OrderStatus {
    // Set only behind DELIVERED_STARTS_RETURN_WINDOW: the goods are with the buyer whatever step was skipped.
    if (state.deliveredAt !== undefined) return 'delivered';
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
        const problem = `at step ${step}: ${type}: ${message}`;
        await raiseAlert({ severity: 'error', reason: `order needs attention ${problem}` });
        // No action = a cancellation from the channel came first: skipped like an operator's skip; the main
        // loop then applies the queued cancellation.
        const action = await awaitAnswer(problem);
        if (action?.action === 'retry') continue;
        state.failedStep = undefined;
        if (action?.action === 'cancel') {
          await attempt('cancel', () => cancelEverywhere('cancelled by an operator'));
        } else {
          setStatus(settledStatus());
          actionsResolved = actionsRequested;
        }
        return false;
      }
    }
  }

  /** A parked step waits for an operator's action; undefined = a cancellation from the channel ended the wait. */
  async function awaitAnswer(problem: string): Promise<OperatorAction | undefined> {
    if (patched('needs-attention-reminder')) {
      // A cancellation from the channel ends the wait too: there is nothing left for a person to decide.
      const answered = () => pendingAction !== undefined || inbox.some(cancelsOrder);
      // Nobody answered within stuckAfter: say it once more, then keep waiting.
      if (!(await condition(answered, ms(policy.stuckAfter)))) {
        await raiseAlert({ severity: 'error', reason: `order still needs attention after ${policy.stuckAfter} ${problem}` });
        await condition(answered);
      }
    } else {
      await condition(() => pendingAction !== undefined);
    }
    const action = pendingAction;
    pendingAction = undefined;
    return action;
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
      // Only channels that acknowledge are asked: elsewhere the call would do nothing but take a slot on the
      // account's rate-limited orders queue (eBay's order fetches wait behind it). Runs from before the check
      // (no marker) keep asking every channel.
      const acknowledges = ACKNOWLEDGING_CHANNELS.includes(key.channel) || !patched('acknowledge-only-where-needed');
      if (patched('acknowledge-on-import') && acknowledges) {
        // Tell the channel the order is taken (Walmart and noon require it). Not awaited: the order is in Odoo
        // either way, and a failure only means the shipment step acknowledges first.
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
    await applySnapshotState(order, occurredAt);
    // Refunds read with the order (channels without refund events), after any import or cancellation the
    // snapshot caused; a stale or closing snapshot still carries them, and refund ids dedupe.
    if (order.refunds?.length && patched('snapshot-refunds')) {
      const due = order.refunds.filter((r) => !state.refunds.some((b) => b.refundId === r.refundId));
      for (const refund of due.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt))) {
        // A sale order cancelled in Odoo is already undone there: crediting it too would undo it twice.
        await applyRefund(refund, state.odoo.saleOrderState === 'cancel');
      }
    }
  }

  async function applySnapshotState(snapshot: CanonicalOrder, occurredAt: string): Promise<void> {
    // Applied in the channel's own time order; an older snapshot never overwrites a newer one.
    if (occurredAt < lastAppliedAt) {
      state.staleDropped += 1;
      return;
    }
    lastAppliedAt = occurredAt;
    const previous = state.order;
    // No address = not disclosed (Amazon without a restricted data token), not removed: keep the one we had.
    const keepAddress = !snapshot.shippingAddress && previous?.shippingAddress !== undefined && patched('absent-address-unchanged');
    const order = keepAddress ? { ...snapshot, shippingAddress: previous.shippingAddress } : snapshot;
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
      await raiseAlert({ severity: 'warning', reason: `${reason} after it shipped; Odoo left as is` });
      return;
    }
    await attempt('cancel', () => cancelEverywhere(reason));
  }

  async function applyRefund(refund: Refund, recordOnly = false): Promise<void> {
    if (state.refunds.some((r) => r.refundId === refund.refundId)) return;
    if (state.odoo.saleOrderId !== undefined && !state.order && patched(RESUME_FROM_BINDING)) {
      // A resumed run that has not seen the order yet: the credit note needs its lines.
      const fetched = await fetchFromChannel();
      if (fetched) await applySnapshot(fetched, fetched.updatedAt);
      if (state.refunds.some((r) => r.refundId === refund.refundId)) return;
    }
    const order = state.order;
    // The money a channel returns on cancelling (Shopify refunds with the cancellation) comes after the sale
    // order was cancelled in Odoo, which undid it already: a credit note would undo it twice.
    const undone = state.odoo.saleOrderState === 'cancel' && patched(REFUND_AFTER_CANCEL);
    if (state.odoo.saleOrderId === undefined || !order || recordOnly || undone) {
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
      // The figure goes with the credit note, not after the returned goods are settled (that step can take long).
      const early = patched('refunded-total-with-credit-note');
      if (early) recordRefundedTotal(refund, order);
      if (patched('return-goods')) await settleReturnedGoods(refund);
      // Once is enough while the status stays refunded (again would add a search-attribute command); a skipped
      // returns step puts the status back to shipped, and the refund still stands.
      if (early && state.status === 'refunded') return;
    }
    recordRefundedTotal(refund, order);
  }

  function recordRefundedTotal(refund: Refund, order: CanonicalOrder | undefined): void {
    state.refundedTotal = state.refunds.reduce((sum, r) => addMoney(sum, r.total), money('0', refund.total.currency));
    if (!order || toScaled(state.refundedTotal.amount, 4) < toScaled(order.total.amount, 4)) return;
    // A cancelled order stays cancelled; the refund is its figure.
    if (state.status === 'cancelled' && patched(REFUND_AFTER_CANCEL)) return;
    setStatus('refunded');
  }

  /**
   * Refunded units that had shipped from Odoo come back into stock (a return of the delivery) or are written off
   * (a scrap), by the account's returns rule ('channel' follows the refund line's restock flag).
   */
  async function settleReturnedGoods(refund: Refund): Promise<void> {
    const order = state.order;
    const record = state.refunds.find((r) => r.refundId === refund.refundId);
    const saleOrderId = state.odoo.saleOrderId;
    if (!order || !record || saleOrderId === undefined) return;
    const returns = policy.returns ?? ORDER_POLICY_DEFAULTS.returns;
    const count = (map: Map<string, number>, lineId: string, quantity: number) => map.set(lineId, (map.get(lineId) ?? 0) + quantity);
    const shipped = new Map<string, number>();
    for (const s of state.shipments) if (s.pickingId !== undefined) for (const l of s.lines) count(shipped, l.lineId, l.quantity);
    const settled = new Map<string, number>();
    for (const r of state.refunds) for (const u of [...(r.returned ?? []), ...(r.writtenOff ?? [])]) count(settled, u.lineId, u.quantity);
    const restock: ReturnedUnits[] = [];
    const writeOff: ReturnedUnits[] = [];
    for (const l of refund.lines) {
      const line = order.lines.find((o) => o.lineId === l.lineId);
      const units = Math.min(l.quantity, (shipped.get(l.lineId) ?? 0) - (settled.get(l.lineId) ?? 0));
      if (!line || units <= 0) continue;
      count(settled, l.lineId, units);
      const back = returns.rule === 'restock' || (returns.rule === 'channel' && l.restock);
      (back ? restock : writeOff).push({ lineId: l.lineId, sku: line.sku, quantity: units });
    }
    if (restock.length === 0 && writeOff.length === 0) return;
    const bySku = (units: ReturnedUnits[]) => units.map(({ sku, quantity }) => ({ sku, quantity }));
    await attempt('return', async () => {
      const done = await odoo.settleReturnedGoods({
        key,
        saleOrderId,
        reference: odooReturnedGoodsRef(key, refund.refundId),
        restock: bySku(restock),
        writeOff: bySku(writeOff),
        warehouseCode: returns.warehouse,
      });
      record.returned = perLine(restock, done.returned);
      record.writtenOff = perLine(writeOff, done.writtenOff);
      record.odooRecords = done.records;
    });
  }

  function shippedStatus(): OrderStatus {
    const order = state.order;
    if (!order) return 'shipped';
    const shipped = new Map<string, number>();
    for (const s of state.shipments) for (const l of s.lines) shipped.set(l.lineId, (shipped.get(l.lineId) ?? 0) + l.quantity);
    return order.lines.every((l) => (shipped.get(l.lineId) ?? 0) >= l.quantity) ? 'shipped' : 'partially_shipped';
  }

  function recordShipment(): void {
    // A shipment reported after the delivery (the channel's own) neither moves the status back nor the window.
    if (state.deliveredAt !== undefined) return;
    const status = shippedStatus();
    setStatus(status);
    if (status === 'shipped') closeAt = Date.now() + ms(policy.returnWindow);
  }

  /**
   * The channel shows all of the order delivered: status delivered, and the return window counts from the delivery
   * (never ending before now). Only once the order has shipped: in full by us, or at all by the channel (FBA). A
   * delivery shown before our shipment is recorded waits for it, so the shipment still reaches the channel.
   */
  function recordDelivery(): void {
    const at = state.order?.deliveredAt;
    if (at === undefined || state.deliveredAt !== undefined || !Number.isFinite(Date.parse(at))) return;
    const byChannel = state.order?.fulfilledBy === 'channel' && (state.status === 'confirmed' || state.status === 'partially_shipped');
    if (state.status !== 'shipped' && !byChannel) return;
    if (!patched(DELIVERED_STARTS_RETURN_WINDOW)) return;
    state.deliveredAt = at;
    setStatus('delivered');
    closeAt = Math.max(Date.now(), Date.parse(at) + ms(policy.returnWindow));
  }

  /** Odoo → channel: every validated delivery becomes one shipment on the channel, with its tracking. */
  async function syncWithOdoo(): Promise<void> {
    const order = state.order;
    if (state.odoo.saleOrderId === undefined || !order) return;
    await attempt('fulfilment', async () => {
      const so = await odoo.readSaleOrder({ key });
      // A retry after the channel refused the cancellation asks the channel again (else it would read as confirmed).
      const mirrorPending = state.odoo.saleOrderState !== 'cancel' || (state.status === 'needs_attention' && patched('retry-mirrors-odoo-cancel'));
      if (so?.state === 'cancel' && mirrorPending) {
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
        const lines = shipmentLinesFor({ orderLines: order.lines, shipped: state.shipments.flatMap((s) => s.lines), delivered: delivery.lines });
        if (lines.length === 0) continue;
        if (!delivery.trackingRef) throw needsPerson(`delivery ${delivery.name} was validated without a tracking number`, 'MissingTracking');
        const shipmentId = odooShipmentId(key, delivery.pickingId);
        const pushed = shippedBefore.has(delivery.pickingId)
          ? { shipmentRef: shipmentId }
          : await channel('fulfilment').confirmChannelShipment({
              ...target,
              shipment: { externalId: key.externalId, shipmentId, lines, carrier: delivery.carrier ?? 'Other', trackingNumber: delivery.trackingRef },
            });
        state.shipments.push({ pickingId: delivery.pickingId, shipmentRef: pushed.shipmentRef, carrier: delivery.carrier, trackingNumber: delivery.trackingRef, lines });
        recordShipment();
      }
    });
  }

  /** The order as the channel shows it now, through the channel's rate-limited orders queue. */
  async function fetchFromChannel(): Promise<CanonicalOrder | undefined> {
    let fetched: CanonicalOrder | undefined;
    await attempt('fetch', async () => {
      fetched = await channel('orders').getChannelOrder({ ...target, externalId: key.externalId });
    });
    return fetched;
  }

  async function handle(event: ChannelEvent): Promise<void> {
    switch (event.type) {
      case 'order.created':
      case 'order.updated':
        return applySnapshot(event.order, event.occurredAt);
      case 'order.notified': {
        // Thin push (ids only): fetch the order.
        const fetched = await fetchFromChannel();
        return fetched ? applySnapshot(fetched, fetched.updatedAt) : undefined;
      }
      case 'order.cancelled':
        if (event.occurredAt < lastAppliedAt) state.staleDropped += 1;
        return cancelFromChannel(event.reason ? `cancelled on the channel (${event.reason})` : 'cancelled on the channel');
      case 'order.refunded':
        return applyRefund(event.refund);
      case 'order.shipped':
        if (state.shipments.some((s) => s.shipmentRef === event.shipment.shipmentRef)) return;
        state.shipments.push({ ...event.shipment });
        return recordShipment();
      case 'unsupported':
        return;
    }
  }

  const shipByWarning = () => policy.shipByWarning ?? ORDER_POLICY_DEFAULTS.shipByWarning;

  /** The channel's ship-by deadline while it matters: an order of ours in Odoo, not cancelled, not all shipped. */
  function watchShipBy(): ShipByWatch | undefined {
    const order = state.order;
    if (order?.shipBy === undefined || order.fulfilledBy === 'channel' || !isImported() || state.odoo.saleOrderState === 'cancel') return undefined;
    if (NOTHING_TO_SHIP.includes(state.status) || !patched('ship-by-alert')) return undefined;
    // A deadline the channel moves is a new one to watch.
    if (state.shipBy?.deadline !== order.shipBy) state.shipBy = { deadline: order.shipBy };
    return state.shipBy;
  }

  /** One warning shipByWarning before the deadline, one error once it has passed. */
  async function checkShipBy(now: number): Promise<void> {
    const watch = watchShipBy();
    if (!watch || watch.missedAt !== undefined) return;
    const deadline = Date.parse(watch.deadline);
    if (now >= deadline) {
      watch.missedAt = new Date(now).toISOString();
      await raiseAlert({ severity: 'error', reason: `ship-by deadline ${watch.deadline} has passed and the order is not fully shipped (${state.status})` });
    } else if (watch.warnedAt === undefined && now >= deadline - ms(shipByWarning())) {
      watch.warnedAt = new Date(now).toISOString();
      await raiseAlert({ severity: 'warning', reason: `ship-by deadline ${watch.deadline} is less than ${shipByWarning()} away and the order is not fully shipped (${state.status})` });
    }
  }

  /** Shipped, cancelled or pending orders wait on their own timers; an alert there would only be noise. */
  function canBeStuck(): boolean {
    return state.status !== 'needs_attention' && (!WAITING_BY_DESIGN.includes(state.status) || !patched('stuck-only-while-work-is-due'));
  }

  /** How long to sleep before looking again, by state; undefined = until the next event. */
  function nextWake(): number | undefined {
    const now = Date.now();
    const stuck = stuckAlerted || !canBeStuck() ? Infinity : statusSince + ms(policy.stuckAfter) - now;
    let due = Infinity;
    if (state.status === 'pending_payment' && pendingDeadline !== undefined) due = pendingDeadline - now;
    else if (state.status === 'confirmed' || state.status === 'partially_shipped') due = ms(policy.deliveryPollInterval);
    else if (closeAt !== undefined) due = closeAt - now;
    const watch = watchShipBy();
    let shipBy = Infinity;
    if (watch && watch.missedAt === undefined) {
      const deadline = Date.parse(watch.deadline);
      shipBy = (watch.warnedAt === undefined ? deadline - ms(shipByWarning()) : deadline) - now;
    }
    const wake = Math.min(due, stuck, shipBy);
    return wake === Infinity ? undefined : Math.max(wake, 1);
  }

  /** Long waits (an unshipped order polls its delivery) would grow the history past Temporal's limits. */
  function historyFull(): boolean {
    const info = workflowInfo();
    const limit = policy.historyEventLimit ?? ORDER_POLICY_DEFAULTS.historyEventLimit;
    return (info.continueAsNewSuggested || info.historyLength >= limit) && patched('continue-as-new');
  }

  for (;;) {
    if (inbox.length === 0 && !odooChanged && historyFull()) {
      await condition(allHandlersFinished);
      const carry: OrderRunCarry = { state, lastAppliedAt, statusSince, stuckAlerted, pendingDeadline, closeAt };
      return continueAsNew<typeof orderWorkflow>({ key, seenEventIds: [...seen].slice(-CARRIED_EVENT_IDS), carried: carry });
    }
    // Snapshots, shipments and operator answers all pass here: a delivery the channel showed is taken up once it may be.
    recordDelivery();
    // Cancelled or refunded in full: the return window runs from now (not from a later wake).
    if ((state.status === 'cancelled' || state.status === 'refunded') && closeAt === undefined && patched('close-after-cancel-or-refund')) {
      closeAt = Date.now() + ms(policy.returnWindow);
    }
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
      // Odoo also tells about changes this run made itself (its own cancellation): nothing to look at then.
      const look = !odooChanged || state.status !== 'cancelled';
      odooChanged = false;
      if (look) await syncWithOdoo();
    }
    await checkShipBy(now);
    if (state.status === 'pending_payment' && pendingDeadline !== undefined && now >= pendingDeadline) {
      // Never reserved anything in Odoo, so there is nothing to undo there.
      state.lastError = { type: 'PaymentTimeout', message: `not paid within ${policy.pendingPaymentTimeout}`, at: new Date().toISOString() };
      if (state.order) await reportToInventory('released', state.order, 'payment-timeout');
      setStatus('cancelled');
      closeAt = now;
    }
    if ((state.status === 'cancelled' || state.status === 'refunded') && closeAt === undefined) closeAt = now + ms(policy.returnWindow);
    if (closeAt !== undefined && now >= closeAt && ['shipped', 'delivered', 'refunded', 'cancelled'].includes(state.status)) break;
    if (!stuckAlerted && now - statusSince >= ms(policy.stuckAfter) && canBeStuck()) {
      stuckAlerted = true;
      await raiseAlert({ severity: 'warning', reason: `order has been ${state.status} for more than ${policy.stuckAfter}` });
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

/** What Odoo did per SKU, handed back to the refund's lines in order (a SKU may sit on several lines). */
function perLine(asked: ReturnedUnits[], done: { sku: string; quantity: number }[]): ReturnedUnits[] {
  const left = new Map(done.map((d) => [d.sku, d.quantity]));
  return asked.flatMap((a) => {
    const quantity = Math.min(a.quantity, left.get(a.sku) ?? 0);
    left.set(a.sku, (left.get(a.sku) ?? 0) - quantity);
    return quantity > 0 ? [{ ...a, quantity }] : [];
  });
}

function negate(amount: string): string {
  return amount.startsWith('-') ? amount.slice(1) : `-${amount}`;
}
