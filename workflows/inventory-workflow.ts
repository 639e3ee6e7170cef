import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { ChannelActivities } from '../activities/channel-activities';
import type { ChannelStockCheck, DriftPlan, DriftReader, DriftReport, InventoryActivities, SkuRules } from '../activities/inventory-activities';
import type { Channel, ChannelKey, KitComponent, Money, OrderKey } from '../domain';
import { allocate, channelKey } from '../domain/allocation';
import { FAILURE } from '../domain/failures';
import { marketplaceTaskQueue, orderWorkflowId } from '../domain/ids';
import { applyPriceRule } from '../domain/pricing';
import {
  type ChannelTargetItem,
  channelSaleSignal,
  componentStockSignal,
  type InventoryForward,
  type InventoryState,
  type InventoryWorkflowInput,
  inventoryStateQuery,
  type OdooPriceChange,
  type OdooStockChange,
  type PricesChanged,
  odooPriceSignal,
  odooPricesChangedSignal,
  odooReservedSignal,
  odooStockSignal,
  resyncSignal,
  saleReleasedSignal,
} from './inventory-messages';
import { ODOO_CALL } from './presets';

const odoo = proxyActivities<InventoryActivities>(ODOO_CALL);
// A local activity: the hand-off completes inside the same workflow task, saving an activity task and a
// second workflow task per SKU change (a restock of thousands of SKUs is exactly when that matters).
const handOff = proxyLocalActivities<InventoryActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 20 },
});
const config = proxyLocalActivities<InventoryActivities>({ startToCloseTimeout: '10 seconds', retry: { maximumAttempts: 5 } });
const scheduled = proxyActivities<InventoryActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '5 seconds', maximumAttempts: 3 },
});

/** Signals handled per run before continuing as new, whatever the server suggests. */
const MAX_SIGNALS_PER_RUN = 2000;
const MAX_REMEMBERED = 500;
const READ_RETRY = '30 seconds';

function remember(list: string[], value: string): void {
  list.push(value);
  if (list.length > MAX_REMEMBERED) list.splice(0, list.length - MAX_REMEMBERED);
}

/** Notifications carry write_date to the second: count one as the end of its second, so a read that began within it does not hide it. */
function observedMs(at: string, source: string): number {
  const ms = Date.parse(at);
  return source === 'notification' ? ms + 999 : ms;
}

function freshState(sku: string): InventoryState {
  return {
    sku,
    free: null,
    stockObservedAt: '',
    prices: {},
    pricesObservedAt: '',
    pending: {},
    reserved: [],
    settled: [],
    seenEventIds: [],
    sent: {},
    sentPrices: {},
    // Starts from the clock so a restarted workflow's figures still outrank everything sent before.
    seq: Date.now() * 1000,
    oversold: 0,
    problems: [],
  };
}

/**
 * One per SKU (id from inventoryWorkflowId). Holds Odoo's free stock, the oversell window and the last figure
 * handed to each channel; every change recomputes the channel targets and prices and hands what moved to the
 * channel accounts' ChannelPushWorkflows.
 */
export async function inventoryWorkflow(input: InventoryWorkflowInput): Promise<void> {
  const state: InventoryState = input.carry ?? freshState(input.sku);
  const maxSignals = input.maxSignalsPerRun ?? MAX_SIGNALS_PER_RUN;
  let signals = 0;
  let dirty = true;
  let resync = false;
  // Odoo changed a price: read them again (a notification names the product, the pricelists give the figures).
  let pricesStale = false;
  // Kits: sales pass on to the components (which hold them in their oversell window), reports come back.
  let kitComponents: SkuRules['kitComponents'];
  let partOfKits: string[] = [];
  const forwards: InventoryForward[] = [];
  const pendingKey = (orderKey: OrderKey, viaKit?: string) => (viaKit ? `${orderWorkflowId(orderKey)}|kit:${viaKit}` : orderWorkflowId(orderKey));

  setHandler(inventoryStateQuery, () => state);
  setHandler(odooStockSignal, (change) => {
    signals += 1;
    if (state.stockObservedAt !== '' && observedMs(change.observedAt, change.source) < Date.parse(state.stockObservedAt)) return;
    state.free = { ...change.free };
    state.stockObservedAt = new Date(observedMs(change.observedAt, change.source)).toISOString();
    dirty = true;
  });
  setHandler(odooPriceSignal, (change) => {
    signals += 1;
    if (state.pricesObservedAt !== '' && change.observedAt < state.pricesObservedAt) return;
    takePrices(state, change);
    dirty = true;
  });
  setHandler(channelSaleSignal, (sale) => {
    signals += 1;
    const order = pendingKey(sale.orderKey, sale.viaKit);
    if (state.seenEventIds.includes(sale.eventId) || state.settled.includes(order)) return;
    remember(state.seenEventIds, sale.eventId);
    for (const c of kitComponents ?? []) {
      const arg = { ...sale, sku: c.sku, quantity: sale.quantity * c.quantity, eventId: `${sale.eventId}|kit:${input.sku}`, viaKit: input.sku };
      forwards.push({ sku: c.sku, kind: 'channelSale', arg });
    }
    const seller = channelKey(sale.channel, sale.account);
    if (sale.quantity > (state.pending[order]?.quantity ?? 0)) {
      // The selling channel lowered its own count: it no longer shows what we last sent, even if our figure for
      // it stays the same.
      state.soldOn = [...new Set([...(state.soldOn ?? []), seller])];
    }
    if (sale.quantity > 0) state.pending[order] = { channel: seller, quantity: sale.quantity };
    else delete state.pending[order];
    dirty = true;
  });
  setHandler(odooReservedSignal, ({ orderKey, viaKit }) => {
    signals += 1;
    const order = pendingKey(orderKey, viaKit);
    if (kitComponents) {
      // Odoo reserves a kit's components, not the kit: they take the order out of their window on their next read.
      for (const c of kitComponents) forwards.push({ sku: c.sku, kind: 'odooReserved', arg: { orderKey, viaKit: input.sku } });
      delete state.pending[order];
      if (!state.settled.includes(order)) remember(state.settled, order);
      return;
    }
    if (!state.reserved.includes(order)) state.reserved.push(order);
  });
  setHandler(saleReleasedSignal, ({ orderKey, viaKit }) => {
    signals += 1;
    const order = pendingKey(orderKey, viaKit);
    for (const c of kitComponents ?? []) forwards.push({ sku: c.sku, kind: 'saleReleased', arg: { orderKey, viaKit: input.sku } });
    delete state.pending[order];
    if (!state.settled.includes(order)) remember(state.settled, order);
    dirty = true;
  });
  setHandler(odooPricesChangedSignal, () => {
    signals += 1;
    pricesStale = true;
  });
  setHandler(resyncSignal, ({ reason }) => {
    signals += 1;
    state.lastResync = reason;
    resync = true;
  });
  setHandler(componentStockSignal, ({ component, unbooked, seq }) => {
    signals += 1;
    const free = (state.componentFree ??= {});
    if (seq <= (free[component]?.seq ?? -Infinity)) return;
    free[component] = { unbooked: { ...unbooked }, seq };
    dirty = true;
  });

  const rules = await config.inventoryRules({ sku: input.sku });
  if (rules.kitComponents?.length && patched('kit-allocation')) {
    kitComponents = rules.kitComponents;
    state.problems = state.problems.filter((p) => !p.includes('kits are not allocated'));
    // A new kit workflow asks its components for their figures.
    if (!input.carry) for (const c of kitComponents) forwards.push({ sku: c.sku, kind: 'inventoryResync', arg: { reason: `kit ${input.sku} started` } });
  } else if (rules.kit) state.problems = [`${input.sku} is a kit: kits are not allocated by InventoryWorkflow yet`];
  if (rules.partOfKits?.length && patched('kit-allocation')) partOfKits = rules.partOfKits;

  // A first run with price rules reads Odoo once: a notification carries stock only, prices come from a read.
  let firstRead = !input.carry && rules.prices.length > 0;
  for (;;) {
    if (pricesStale && rules.prices.length === 0) pricesStale = false;
    if (firstRead || pricesStale || (state.free === null && !kitComponents) || state.reserved.length > 0) {
      try {
        await readOdoo(state);
        firstRead = false;
        pricesStale = false;
        dirty = true;
      } catch (err) {
        // Odoo stayed unreachable through the retries: keep what we have and try again later.
        note(state, `reading Odoo failed: ${failureMessage(err)}`);
        await sleep(READ_RETRY);
        continue;
      }
    }
    if (dirty || resync) {
      const force = resync;
      dirty = false;
      resync = false;
      // A kit shows nothing until every component has reported (a fresh kit would otherwise flash 0).
      if (kitComponents) {
        if (kitComponents.every((c) => state.componentFree?.[c.sku] !== undefined)) await publish(state, rules, force, kitComponents);
      }
      else if (!rules.kit) await publish(state, rules, force);
      if (partOfKits.length > 0 && state.unbooked !== undefined) {
        const report = JSON.stringify(state.unbooked);
        if (force || report !== state.reportedToKits) {
          state.reportedToKits = report;
          state.seq += 1;
          for (const kit of partOfKits) forwards.push({ sku: kit, kind: 'componentStock', arg: { component: input.sku, unbooked: state.unbooked, seq: state.seq } });
        }
      }
    }
    if (forwards.length > 0) await forward(state, forwards.splice(0, forwards.length));
    if (workflowInfo().continueAsNewSuggested || signals >= maxSignals) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof inventoryWorkflow>({ ...input, carry: state });
    }
    await condition(() => dirty || resync || pricesStale || forwards.length > 0 || state.reserved.length > 0 || workflowInfo().continueAsNewSuggested);
  }
}

/** Prices, cost and pricelist problems of one Odoo reading replace the last ones together. */
function takePrices(state: InventoryState, change: OdooPriceChange): void {
  state.prices = { ...change.prices };
  state.pricesObservedAt = change.observedAt;
  // Readings recorded before the cost was read have none: a margin rule then gives no price, as it did.
  if (change.cost) state.cost = change.cost;
  else delete state.cost;
  if (change.problems) state.priceProblems = { ...change.problems };
  else delete state.priceProblems;
}

function note(state: InventoryState, problem: string): void {
  state.problems = [...state.problems.slice(-9), problem];
}

function failureMessage(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

async function readOdoo(state: InventoryState): Promise<void> {
  const done = [...state.reserved];
  const [reading] = await odoo.readOdooInventory({ skus: [state.sku] });
  if (reading) {
    // A read is newer than anything applied before it began; the reservations it saw leave the window.
    if (state.stockObservedAt === '' || Date.parse(reading.stock.observedAt) >= Date.parse(state.stockObservedAt)) {
      state.free = reading.stock.free;
      state.stockObservedAt = reading.stock.observedAt;
    }
    if (state.pricesObservedAt === '' || reading.prices.observedAt >= state.pricesObservedAt) takePrices(state, reading.prices);
  } else if (state.free === null) {
    state.free = {};
    note(state, `${state.sku} is not in Odoo`);
  }
  for (const order of done) {
    delete state.pending[order];
    if (!state.settled.includes(order)) remember(state.settled, order);
  }
  state.reserved = state.reserved.filter((o) => !done.includes(o));
}

async function forward(state: InventoryState, batch: InventoryForward[]): Promise<void> {
  try {
    await handOff.forwardToInventory({ forwards: batch });
  } catch (err) {
    note(state, `passing figures to other SKU workflows failed: ${failureMessage(err)}`);
  }
}

async function publish(state: InventoryState, rules: SkuRules, force: boolean, kitComponents?: KitComponent[]): Promise<void> {
  const outgoing = new Map<ChannelKey, { channel: Channel; account: string; items: ChannelTargetItem[] }>();
  const add = (channel: Channel, account: string, item: ChannelTargetItem) => {
    const key = channelKey(channel, account);
    const entry = outgoing.get(key) ?? { channel, account, items: [] };
    entry.items.push(item);
    outgoing.set(key, entry);
  };

  const pendingByChannel: Record<ChannelKey, number> = {};
  for (const p of Object.values(state.pending)) pendingByChannel[p.channel] = (pendingByChannel[p.channel] ?? 0) + p.quantity;
  // A kit's own pending sales live in its components' windows (passed on), so they are not counted twice here.
  const allocation = kitComponents
    ? allocate({
        sku: state.sku,
        freeByWarehouse: {},
        pendingByChannel: {},
        rules: rules.allocation,
        kit: { components: kitComponents, componentFree: Object.fromEntries(Object.entries(state.componentFree ?? {}).map(([sku, c]) => [sku, c.unbooked])) },
      })
    : allocate({ sku: state.sku, freeByWarehouse: state.free ?? {}, pendingByChannel, rules: rules.allocation });
  state.oversold = allocation.oversold;
  state.unbooked = allocation.unbooked;
  const targets = allocation.targets;
  for (const rule of rules.allocation) {
    const key = channelKey(rule.channel, rule.account);
    const quantity = targets[key] ?? 0;
    const sold = state.soldOn?.includes(key) === true && patched('resend-to-selling-channel');
    if (!force && !sold && state.sent[key]?.quantity === quantity) continue;
    state.seq += 1;
    state.sent[key] = { quantity, seq: state.seq };
    add(rule.channel, rule.account, { sku: state.sku, seq: state.seq, quantity });
  }
  state.soldOn = undefined;

  if (rules.rates) {
    for (const rule of rules.prices) {
      const key = channelKey(rule.channel, rule.account);
      const pricelist = rule.pricelist === undefined ? '' : String(rule.pricelist);
      const base = state.prices[pricelist];
      if (!base) {
        const why = state.priceProblems?.[pricelist];
        if (why) note(state, `price for ${key}: ${why}`);
        continue;
      }
      let price: Money;
      try {
        price = applyPriceRule({ base, rule, rates: rules.rates, ...(state.cost ? { cost: state.cost } : {}) });
      } catch (err) {
        note(state, `price for ${key}: ${failureMessage(err)}`);
        continue;
      }
      const last = state.sentPrices[key];
      if (!force && last && last.price.amount === price.amount && last.price.currency === price.currency) continue;
      state.seq += 1;
      state.sentPrices[key] = { price, seq: state.seq };
      add(rule.channel, rule.account, { sku: state.sku, seq: state.seq, price });
    }
  }

  if (outgoing.size === 0) return;
  try {
    await handOff.handOffTargets({ batches: [...outgoing.values()] });
  } catch (err) {
    // Undelivered figures stay recorded as sent; the drift check finds and re-pushes them.
    note(state, `handing figures to the push workflows failed: ${failureMessage(err)}`);
  }
}

/** Started by the gateway for a large Odoo stock notification: Odoo gets its answer before the fan-out. */
export async function odooStockFanOutWorkflow(input: { changes: OdooStockChange[]; prices?: PricesChanged[] }): Promise<{ delivered: number }> {
  return scheduled.deliverStockChanges(input);
}

/** Scheduled: the write_date safety net behind Odoo's notifications. */
export async function odooPollWorkflow(input: { lookbackMs: number }): Promise<{ changed: number }> {
  return scheduled.pollOdooChanges({ lookbackMs: input.lookbackMs });
}

/** SKUs per drift-check page: one round of channel reads, then one checkDrift. */
const DRIFT_PAGE = 500;
/** Events after which the drift check goes on in a new run (a page of one-SKU reads adds a few thousand). */
const DRIFT_HISTORY_LIMIT = 10_000;

export interface DriftWorkflowInput {
  skus?: string[];
  /** SKUs per page (default 500) and history events per run before continuing as new (default 10,000); tests lower them. */
  pageSize?: number;
  historyLimit?: number;
  /** Continue-as-new: the SKUs still to check (in `plan`) and the report so far. */
  carry?: { plan: DriftPlan; report: DriftReport };
}

/**
 * Scheduled: reads each channel account's stock in its batch size on the account's catalog queue (so the
 * channel's quota covers it), compares it and Odoo with what the SKU workflows hold, corrects and reports drift.
 * Channels that cannot be read are compared with what they last accepted from us.
 */
export async function inventoryDriftWorkflow(input: DriftWorkflowInput = {}): Promise<DriftReport> {
  if (!patched('channel-stock-read')) return scheduled.checkDrift({ skus: input.skus });
  const plan = input.carry?.plan ?? (await scheduled.planDriftCheck({ skus: input.skus }));
  let report = input.carry?.report ?? emptyReport();
  const pageSize = Math.max(1, input.pageSize ?? DRIFT_PAGE);
  for (let start = 0; start < plan.skus.length; start += pageSize) {
    const page = plan.skus.slice(start, start + pageSize);
    const channels = await Promise.all(plan.readers.map((reader) => readChannelPage(reader, page)));
    report = mergeDriftReports(report, await scheduled.checkDrift({ skus: page, channels }));
    const rest = plan.skus.slice(start + pageSize);
    if (rest.length > 0 && (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > (input.historyLimit ?? DRIFT_HISTORY_LIMIT))) {
      await continueAsNew<typeof inventoryDriftWorkflow>({ ...input, skus: undefined, carry: { plan: { ...plan, skus: rest }, report } });
    }
  }
  return report;
}

/** One page of SKUs read from one channel account, batch by batch; the server's dispatch rate paces them. */
async function readChannelPage(reader: DriftReader, skus: string[]): Promise<ChannelStockCheck> {
  const catalog = proxyActivities<ChannelActivities>({
    taskQueue: marketplaceTaskQueue(reader.channel, reader.account, 'catalog'),
    startToCloseTimeout: '2 minutes',
    // A read stuck behind a long throttle is not worth the wait: that batch falls back to what the channel accepted.
    scheduleToCloseTimeout: '10 minutes',
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      maximumAttempts: 8,
      nonRetryableErrorTypes: [FAILURE.channelAuth, FAILURE.channelRejected, FAILURE.channelProtocol],
    },
  });
  const batches: string[][] = [];
  for (let i = 0; i < skus.length; i += Math.max(1, reader.batchSize)) batches.push(skus.slice(i, i + Math.max(1, reader.batchSize)));
  const outcomes = await Promise.allSettled(batches.map((batch) => catalog.readChannelStock({ channel: reader.channel, account: reader.account, skus: batch })));
  const check: ChannelStockCheck = { channel: reader.channel, account: reader.account, readings: [] };
  const errors: string[] = [];
  for (const outcome of outcomes) {
    if (outcome.status === 'fulfilled') check.readings.push(...outcome.value.results);
    else errors.push(failureMessage(outcome.reason));
  }
  if (errors.length > 0) check.error = `${errors.length} of ${batches.length} reads failed: ${errors[0]}`;
  return check;
}

function emptyReport(): DriftReport {
  return { skusChecked: 0, odooDrift: 0, channelDrift: {}, channelCheck: {}, channelUnlisted: {}, readErrors: {}, started: 0, resynced: 0 };
}

function mergeDriftReports(a: DriftReport, b: DriftReport): DriftReport {
  const add = (x: Record<ChannelKey, number>, y: Record<ChannelKey, number>) => {
    const out = { ...x };
    for (const [k, v] of Object.entries(y)) out[k] = (out[k] ?? 0) + v;
    return out;
  };
  const channelCheck = { ...a.channelCheck };
  for (const [k, v] of Object.entries(b.channelCheck)) if (channelCheck[k] !== 'read') channelCheck[k] = v;
  return {
    skusChecked: a.skusChecked + b.skusChecked,
    odooDrift: a.odooDrift + b.odooDrift,
    channelDrift: add(a.channelDrift, b.channelDrift),
    channelCheck,
    channelUnlisted: add(a.channelUnlisted, b.channelUnlisted),
    readErrors: { ...a.readErrors, ...b.readErrors },
    started: a.started + b.started,
    resynced: a.resynced + b.resynced,
  };
}
