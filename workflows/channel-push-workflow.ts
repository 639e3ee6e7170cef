import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { ChannelActivities } from '../activities/channel-activities';
import type { ItemResult, PriceUpdate, PushResult, StockUpdate } from '../activities/marketplaces/types';
import { FAILURE } from '../domain/failures';
import { marketplaceTaskQueue } from '../domain/ids';
import {
  type ChannelPushState,
  type ChannelPushWorkflowInput,
  type ChannelTargetItem,
  channelPushStateQuery,
  channelTargetsSignal,
} from './inventory-messages';

const DEFAULT_WINDOW_MS = 300;
const DEFAULT_MAX_WAIT_MS = 2000;
const MAX_SIGNALS_PER_RUN = 5000;
const MAX_ERRORS = 20;

function freshState(): ChannelPushState {
  return {
    queuedStock: {},
    queuedPrices: {},
    stockSeq: {},
    priceSeq: {},
    appliedStock: {},
    appliedPrices: {},
    counters: { calls: 0, pushes: 0, itemsSent: 0, staleDropped: 0, coalesced: 0, itemErrors: 0 },
    errors: [],
  };
}

/**
 * One per channel account (id from channelPushWorkflowId). Gathers SKU figures for a short window, then
 * sends them in the channel's batch size on the account's catalog task queue (whose dispatch rate is the
 * channel's quota). A newer figure replaces a queued older one; a figure older than one already queued, in
 * flight or sent is dropped (per-SKU sequence numbers), so the channel never goes back in time. A SKU is in
 * at most one call at a time, so a newer figure can never overtake an older one on the wire; calls for other
 * SKUs go out meanwhile (a large restock does not wait for each batch's round trip).
 */
export async function channelPushWorkflow(input: ChannelPushWorkflowInput): Promise<void> {
  const state = input.carry ?? freshState();
  const windowMs = input.windowMs ?? DEFAULT_WINDOW_MS;
  const maxWaitMs = Math.max(windowMs, input.maxWaitMs ?? DEFAULT_MAX_WAIT_MS);
  const maxSignals = input.maxSignalsPerRun ?? MAX_SIGNALS_PER_RUN;
  let signals = 0;
  let arrivals = 0;

  const push = proxyActivities<ChannelActivities>({
    taskQueue: marketplaceTaskQueue(input.channel, input.account, 'catalog'),
    // Walmart feeds are waited for inside the call.
    startToCloseTimeout: '3 minutes',
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      maximumAttempts: 10,
      nonRetryableErrorTypes: [FAILURE.channelAuth, FAILURE.channelRejected, FAILURE.channelProtocol],
    },
  });

  // Figures (stock 's:' or price 'p:' + SKU) in a call right now; they stay queued until it returns.
  const inFlight = new Set<string>();
  const running = new Set<Promise<void>>();
  const overlapping = patched('overlapping-push-cycles');
  const launch = (onlyFull: boolean): void => {
    const run = flush(state, input, push, onlyFull, inFlight);
    running.add(run);
    void run.finally(() => running.delete(run));
  };
  const sendable = () => Object.keys(state.queuedStock).some((s) => !inFlight.has(`s:${s}`)) || Object.keys(state.queuedPrices).some((s) => !inFlight.has(`p:${s}`));

  setHandler(channelPushStateQuery, () => state);
  setHandler(channelTargetsSignal, (items) => {
    signals += 1;
    arrivals += 1;
    for (const item of items) accept(state, item);
  });

  for (;;) {
    await condition(() => (overlapping ? sendable() : hasQueued(state)) || workflowInfo().continueAsNewSuggested || signals >= maxSignals);
    if (overlapping ? sendable() : hasQueued(state)) {
      // Let figures gather until the stream goes quiet for one window (or maxWait passed): later signals
      // replace queued figures in place, and fuller batches mean fewer calls against the channel's quota.
      const firstAt = Date.now();
      for (;;) {
        const seen = arrivals;
        await sleep(windowMs);
        if (arrivals === seen || Date.now() - firstAt + windowMs > maxWaitMs) break;
        // Full batches cost no more calls by waiting: send them now, keep gathering the rest.
        if (overlapping) launch(true);
        else await flush(state, input, push, true, inFlight);
      }
      if (overlapping) launch(false);
      else await flush(state, input, push, false, inFlight);
    }
    if (workflowInfo().continueAsNewSuggested || signals >= maxSignals) {
      await Promise.all([...running]);
      await condition(allHandlersFinished);
      await continueAsNew<typeof channelPushWorkflow>({ ...input, carry: state });
    }
  }
}

function accept(state: ChannelPushState, item: ChannelTargetItem): void {
  if (item.quantity !== undefined) {
    if (item.seq <= (state.stockSeq[item.sku] ?? -Infinity)) state.counters.staleDropped += 1;
    else {
      if (state.queuedStock[item.sku]) state.counters.coalesced += 1;
      state.stockSeq[item.sku] = item.seq;
      state.queuedStock[item.sku] = { quantity: item.quantity, seq: item.seq };
    }
  }
  if (item.price !== undefined) {
    if (item.seq <= (state.priceSeq[item.sku] ?? -Infinity)) state.counters.staleDropped += 1;
    else {
      if (state.queuedPrices[item.sku]) state.counters.coalesced += 1;
      state.priceSeq[item.sku] = item.seq;
      state.queuedPrices[item.sku] = { price: item.price, seq: item.seq };
    }
  }
}

function hasQueued(state: ChannelPushState): boolean {
  return Object.keys(state.queuedStock).length > 0 || Object.keys(state.queuedPrices).length > 0;
}

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += Math.max(1, size)) out.push(list.slice(i, i + Math.max(1, size)));
  return out;
}

function noteError(state: ChannelPushState, message: string): void {
  state.errors.push(message);
  if (state.errors.length > MAX_ERRORS) state.errors.splice(0, state.errors.length - MAX_ERRORS);
}

/** Takes what is queued and not in a call already, and pushes it; batches hold distinct SKUs, so they may run together. */
async function flush(
  state: ChannelPushState,
  input: ChannelPushWorkflowInput,
  push: ChannelActivities,
  onlyFull: boolean,
  inFlight: Set<string>,
): Promise<void> {
  // Oldest first (object keys keep their first insertion order, a replaced figure keeps its place).
  const take = <V>(queue: Record<string, V>, size: number, kind: string): (V & { sku: string })[] => {
    const entries = Object.entries(queue).filter(([sku]) => !inFlight.has(`${kind}${sku}`));
    const count = onlyFull ? entries.length - (entries.length % Math.max(1, size)) : entries.length;
    return entries.slice(0, count).map(([sku, v]) => {
      delete queue[sku];
      inFlight.add(`${kind}${sku}`);
      return { sku, ...v };
    });
  };
  const stock = take(state.queuedStock, input.stockBatchSize, 's:');
  const prices = take(state.queuedPrices, input.priceBatchSize, 'p:');
  const done = (kind: string, batch: { sku: string }[]) => batch.forEach((b) => inFlight.delete(`${kind}${b.sku}`));
  if (stock.length === 0 && prices.length === 0) return;
  const target = { channel: input.channel, account: input.account };

  const runs: Promise<void>[] = [];
  for (const batch of chunks(stock, input.stockBatchSize)) {
    const items: StockUpdate[] = batch.map((b) => ({ sku: b.sku, quantity: b.quantity }));
    runs.push(
      send(state, batch, () => push.pushChannelStock({ ...target, items }), (b) => {
        if ((state.appliedStock[b.sku]?.seq ?? -Infinity) < b.seq) state.appliedStock[b.sku] = { quantity: b.quantity, seq: b.seq };
      }).then(() => done('s:', batch)),
    );
  }
  for (const batch of chunks(prices, input.priceBatchSize)) {
    const items: PriceUpdate[] = batch.map((b) => ({ sku: b.sku, price: b.price }));
    runs.push(
      send(state, batch, () => push.pushChannelPrices({ ...target, items }), (b) => {
        if ((state.appliedPrices[b.sku]?.seq ?? -Infinity) < b.seq) state.appliedPrices[b.sku] = { price: b.price, seq: b.seq };
      }).then(() => done('p:', batch)),
    );
  }
  await Promise.all(runs);
}

async function send<B extends { sku: string }>(
  state: ChannelPushState,
  batch: B[],
  call: () => Promise<PushResult>,
  applied: (item: B) => void,
): Promise<void> {
  let result: PushResult;
  try {
    result = await call();
  } catch (err) {
    // Retries are spent or the channel refused the call: the figures stay unsent; the drift check re-pushes.
    state.counters.pushes += 1;
    state.counters.itemErrors += batch.length;
    noteError(state, err instanceof ActivityFailure && err.cause ? err.cause.message : String(err));
    return;
  }
  state.counters.pushes += 1;
  state.counters.calls += result.calls;
  state.counters.itemsSent += batch.length;
  const bySku = new Map<string, ItemResult>(result.results.map((r) => [r.sku, r]));
  for (const item of batch) {
    const r = bySku.get(item.sku);
    if (r && !r.ok) {
      state.counters.itemErrors += 1;
      noteError(state, `${item.sku}: ${r.error ?? 'refused'}`);
    } else applied(item);
  }
}
