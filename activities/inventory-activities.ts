import { type Client } from '@temporalio/client';
import { type Rules } from '../config/rules';
import {
  type AllocationRule,
  type Channel,
  type KitComponent,
  type ChannelKey,
  channelKey,
  channelPushWorkflowId,
  inventoryWorkflowId,
  type Money,
  type OrderKey,
  type PriceRule,
  type RateTable,
} from '../domain';
import {
  type ChannelPushState,
  type ChannelPushWorkflowInput,
  type ChannelSale,
  type ChannelTargetItem,
  channelPushStateQuery,
  channelSaleSignal,
  channelTargetsSignal,
  type InventoryForward,
  type InventoryState,
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
} from '../workflows/inventory-messages';
import { type AdapterRegistry } from './marketplaces/registry';
import { type StockReading } from './marketplaces/types';
import { withFailureMapping } from './failures';
import { type OdooOperations } from './odoo/types';

// Activities of the inventory side: rules for a SKU, reads from Odoo, and hand-offs to other workflows with
// signal-with-start (a workflow cannot start another one with a signal, an activity with a client can).

/** Changes the gateway hands to SKU workflows itself; a larger notification goes through a fan-out workflow. */
export const HANDOFF_CONCURRENCY = 50;

/**
 * Signal-with-starts in flight at once when many SKUs change together. Measured on the 2-core dev machine:
 * 1,000 signals took 6.1 s in lockstep rounds of 50 and about 1.7 s through a pool of 200.
 */
export const FANOUT_CONCURRENCY = 200;

/** Runs `fn` over `items` with at most `size` in flight; a slow call holds up only its own slot. */
export async function eachLimited<T>(items: readonly T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, lane));
}

export type InventoryOdoo = Pick<OdooOperations, 'readStock' | 'readPrices' | 'productsChangedSince' | 'stockChangedSince'>;

export interface InventoryActivityDeps {
  client: Client;
  /** Task queue of InventoryWorkflow. */
  taskQueue: string;
  /** Task queue of ChannelPushWorkflow (its own, so pushes never wait behind a burst of SKU workflows). */
  pushTaskQueue: string;
  odoo: InventoryOdoo;
  rules: Rules;
  adapters: AdapterRegistry;
  /** ChannelPushWorkflow coalescing: quiet window and longest wait (ms). */
  pushWindowMs?: number;
  pushMaxWaitMs?: number;
  /** SKUs per Odoo read. */
  readChunk?: number;
  /** How long hand-offs to the push workflows gather before one signal per channel account goes out (ms). */
  outboxFlushMs?: number;
}

export interface SkuRules {
  allocation: AllocationRule[];
  prices: PriceRule[];
  rates?: RateTable;
  /** Set when the SKU is a kit (kept for histories recorded before kitComponents existed). */
  kit: boolean;
  /** A kit's components: its stock is what they can build, and its sales are passed on to them. */
  kitComponents?: KitComponent[];
  /** The kits this SKU is a component of: they hear what it can give. */
  partOfKits?: string[];
}

export interface OdooSkuReading {
  stock: OdooStockChange;
  prices: OdooPriceChange;
}

export interface DriftReport {
  skusChecked: number;
  /** SKUs whose workflow held a different Odoo stock than Odoo has now. */
  odooDrift: number;
  /**
   * Per channel account: SKUs whose channel does not show the figure their workflow last handed out (read from
   * the channel), or has not accepted it (channels that cannot be read).
   */
  channelDrift: Record<ChannelKey, number>;
  /** How each channel account was checked: its stock read back now, or what it last accepted from us. */
  channelCheck: Record<ChannelKey, 'read' | 'accepted'>;
  /** Per channel account: SKUs with a figure for it that the channel does not list (a push cannot create a listing). */
  channelUnlisted: Record<ChannelKey, number>;
  /** Per channel account: why some reads failed (those SKUs were checked against what the channel accepted). */
  readErrors: Record<ChannelKey, string>;
  /** SKUs whose workflow was not running (started now). */
  started: number;
  resynced: number;
}

/** A channel account the drift check reads stock from, and how many SKUs go in one read. */
export interface DriftReader {
  channel: Channel;
  account: string;
  batchSize: number;
}

export interface DriftPlan {
  skus: string[];
  readers: DriftReader[];
}

/** What the drift workflow read from one channel account for a page of SKUs (on the account's catalog queue). */
export interface ChannelStockCheck {
  channel: Channel;
  account: string;
  /** Readings of the SKUs that could be read; the others are checked against what the channel accepted. */
  readings: StockReading[];
  /** Why some (or all) reads failed. */
  error?: string;
}

function emptyDriftReport(): DriftReport {
  return { skusChecked: 0, odooDrift: 0, channelDrift: {}, channelCheck: {}, channelUnlisted: {}, readErrors: {}, started: 0, resynced: 0 };
}

/** Pricelist key as InventoryWorkflow stores prices: '' is the list price. */
export function pricelistKey(pricelist: number | string | undefined): string {
  return pricelist === undefined ? '' : String(pricelist);
}

/** Signal-with-start into one SKU's InventoryWorkflow; resolves once Temporal holds the signal. */
export async function signalInventory<A>(
  deps: { client: Client; taskQueue: string },
  input: { sku: string; signal: { name: string }; arg: A },
): Promise<void> {
  await deps.client.workflow.signalWithStart('inventoryWorkflow', {
    workflowId: inventoryWorkflowId(input.sku),
    taskQueue: deps.taskQueue,
    args: [{ sku: input.sku }],
    signal: input.signal.name,
    signalArgs: [input.arg],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}

export interface TargetBatch {
  channel: Channel;
  account: string;
  items: ChannelTargetItem[];
}

/**
 * Gathers the figures many SKU workflows hand off within a few milliseconds into one signal per channel
 * account: a ChannelPushWorkflow takes one signal per flush instead of one per SKU (signals to one workflow
 * are applied one at a time by the server, so a restock of thousands of SKUs would queue behind them).
 * A hand-off resolves only once Temporal holds the signal that carries it; a failure fails every hand-off
 * in that signal and their activities retry (the push workflow drops repeats by sequence number).
 */
class TargetOutbox {
  private readonly entries = new Map<string, { open: Pending | undefined; sending: boolean }>();

  constructor(
    private readonly flushMs: number,
    private readonly send: (batch: TargetBatch) => Promise<void>,
  ) {}

  add(batch: TargetBatch): Promise<void> {
    const key = channelKey(batch.channel, batch.account);
    const entry = this.entries.get(key) ?? { open: undefined, sending: false };
    this.entries.set(key, entry);
    const open = (entry.open ??= { batch: { channel: batch.channel, account: batch.account, items: [] }, waiters: [] });
    open.batch.items.push(...batch.items);
    const done = new Promise<void>((resolve, reject) => open.waiters.push({ resolve, reject }));
    // One signal in flight per channel account: what arrives meanwhile goes out together right after it.
    if (!entry.sending && open.waiters.length === 1) setTimeout(() => this.flush(key), this.flushMs);
    return done;
  }

  private flush(key: string): void {
    const entry = this.entries.get(key);
    if (!entry?.open || entry.sending) return;
    const { batch, waiters } = entry.open;
    entry.open = undefined;
    entry.sending = true;
    this.send(batch)
      .then(
        () => waiters.forEach((w) => w.resolve()),
        (err: unknown) => waiters.forEach((w) => w.reject(err)),
      )
      .finally(() => {
        entry.sending = false;
        this.flush(key);
      });
  }
}

interface Pending {
  batch: TargetBatch;
  waiters: { resolve(): void; reject(err: unknown): void }[];
}

export function createInventoryActivities(deps: InventoryActivityDeps) {
  const chunk = deps.readChunk ?? 200;
  const outbox = new TargetOutbox(deps.outboxFlushMs ?? 50, async (batch) => {
    const adapter = deps.adapters.get(batch.channel, batch.account);
    if (!adapter) throw new Error(`no adapter configured for ${batch.channel}/${batch.account}`);
    const start: ChannelPushWorkflowInput = {
      channel: batch.channel,
      account: batch.account,
      stockBatchSize: adapter.capabilities.stockBatchSize,
      priceBatchSize: adapter.capabilities.priceBatchSize,
      ...(deps.pushWindowMs !== undefined ? { windowMs: deps.pushWindowMs } : {}),
      ...(deps.pushMaxWaitMs !== undefined ? { maxWaitMs: deps.pushMaxWaitMs } : {}),
    };
    await deps.client.workflow.signalWithStart('channelPushWorkflow', {
      workflowId: channelPushWorkflowId(batch.channel, batch.account),
      taskQueue: deps.pushTaskQueue,
      args: [start],
      signal: channelTargetsSignal,
      signalArgs: [batch.items],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  });
  const pricelists = [...new Set(deps.rules.prices.map((r) => pricelistKey(r.pricelist)))];
  const kitsOf = new Map<string, string[]>();
  for (const [kit, components] of Object.entries(deps.rules.kits)) {
    for (const c of components) kitsOf.set(c.sku, [...(kitsOf.get(c.sku) ?? []), kit]);
  }

  async function readOdoo(skus: string[]): Promise<OdooSkuReading[]> {
    // Taken before the read, so a notification for a change committed during the read still counts as newer.
    const observedAt = new Date().toISOString();
    const free = new Map<string, Record<string, number>>(skus.map((s) => [s, {}]));
    for (const level of await deps.odoo.readStock({ skus })) {
      const row = free.get(level.sku);
      if (row) row[level.warehouse] = level.free;
    }
    const prices = new Map<string, Record<string, Money>>(skus.map((s) => [s, {}]));
    const costs = new Map<string, Money>();
    const problems = new Map<string, Record<string, string>>();
    for (const key of pricelists) {
      const rows = await deps.odoo.readPrices(key === '' ? { skus } : { skus, pricelist: /^\d+$/.test(key) ? Number(key) : key });
      for (const row of rows) {
        const entry = prices.get(row.sku);
        if (!entry) continue;
        costs.set(row.sku, row.cost);
        if (row.price) entry[key] = row.price;
        else problems.set(row.sku, { ...problems.get(row.sku), [key]: row.problem ?? 'no price' });
      }
    }
    return skus
      .filter((sku) => Object.keys(free.get(sku) ?? {}).length > 0)
      .map((sku) => ({
        stock: { sku, free: free.get(sku)!, observedAt, source: 'read' as const },
        prices: {
          sku,
          prices: prices.get(sku)!,
          ...(costs.has(sku) ? { cost: costs.get(sku)! } : {}),
          ...(problems.has(sku) ? { problems: problems.get(sku)! } : {}),
          observedAt,
        },
      }));
  }

  async function readInChunks(skus: string[]): Promise<OdooSkuReading[]> {
    const out: OdooSkuReading[] = [];
    for (let i = 0; i < skus.length; i += chunk) out.push(...(await readOdoo(skus.slice(i, i + chunk))));
    return out;
  }

  async function deliverReading(reading: OdooSkuReading, source: OdooStockChange['source']): Promise<void> {
    await signalInventory(deps, { sku: reading.stock.sku, signal: odooStockSignal, arg: { ...reading.stock, source } });
    if (Object.keys(reading.prices.prices).length > 0 || reading.prices.problems) {
      await deps.client.workflow.getHandle(inventoryWorkflowId(reading.stock.sku)).signal(odooPriceSignal, reading.prices);
    }
  }

  async function allOdooSkus(): Promise<string[]> {
    return [...new Set((await deps.odoo.readStock({})).map((l) => l.sku))];
  }

  async function queryOrUndefined<T>(workflowId: string, query: { name: string }): Promise<T | undefined> {
    try {
      return await deps.client.workflow.getHandle(workflowId).query<T>(query.name);
    } catch {
      return undefined;
    }
  }

  return withFailureMapping({
    /** The rules InventoryWorkflow applies to one SKU (run as a local activity: config is read in the worker). */
    async inventoryRules(input: { sku: string }): Promise<SkuRules> {
      return {
        allocation: deps.rules.allocation.filter((r) => !r.skus || r.skus.includes(input.sku)),
        prices: deps.rules.prices,
        ...(deps.rules.rates ? { rates: deps.rules.rates } : {}),
        kit: input.sku in deps.rules.kits,
        ...(deps.rules.kits[input.sku] ? { kitComponents: deps.rules.kits[input.sku] } : {}),
        ...(kitsOf.has(input.sku) ? { partOfKits: kitsOf.get(input.sku) } : {}),
      };
    },

    /** Signals other SKU workflows (signal-with-start): a kit's sales to its components, a component's report to its kits. */
    async forwardToInventory(input: { forwards: InventoryForward[] }): Promise<void> {
      await eachLimited(input.forwards, HANDOFF_CONCURRENCY, (f) => signalInventory(deps, { sku: f.sku, signal: { name: f.kind }, arg: f.arg }));
    },

    /** Free stock per warehouse and base prices of some SKUs, as Odoo has them now. */
    async readOdooInventory(input: { skus: string[] }): Promise<OdooSkuReading[]> {
      return readInChunks(input.skus);
    },

    /** Hands one SKU's new figures to the ChannelPushWorkflow of each channel account (signal-with-start). */
    async handOffTargets(input: { batches: TargetBatch[] }): Promise<void> {
      await Promise.all(input.batches.map((batch) => outbox.add(batch)));
    },

    /** Hands a large Odoo stock notification's changes to their SKU workflows, a bounded number at a time. */
    async deliverStockChanges(input: { changes: OdooStockChange[]; prices?: PricesChanged[] }): Promise<{ delivered: number }> {
      await eachLimited(input.changes, FANOUT_CONCURRENCY, (change) => signalInventory(deps, { sku: change.sku, signal: odooStockSignal, arg: change }));
      const prices = input.prices ?? [];
      await eachLimited(prices, FANOUT_CONCURRENCY, (p) => signalInventory(deps, { sku: p.sku, signal: odooPricesChangedSignal, arg: p }));
      return { delivered: input.changes.length + prices.length };
    },

    /** For the order workflow: a channel sold units (signal-with-start, so the SKU's workflow need not exist). */
    async reportChannelSale(input: ChannelSale): Promise<void> {
      await signalInventory(deps, { sku: input.sku, signal: channelSaleSignal, arg: input });
    },

    /** For the order workflow: Odoo reserved the order's units of these SKUs. */
    async reportOdooReserved(input: { orderKey: OrderKey; skus: string[] }): Promise<void> {
      for (const sku of input.skus) await signalInventory(deps, { sku, signal: odooReservedSignal, arg: { orderKey: input.orderKey } });
    },

    /** For the order workflow: an order cancelled on the channel before Odoo reserved it frees its units. */
    async reportSaleReleased(input: { orderKey: OrderKey; skus: string[] }): Promise<void> {
      for (const sku of input.skus) await signalInventory(deps, { sku, signal: saleReleasedSignal, arg: { orderKey: input.orderKey } });
    },

    /**
     * write_date safety net: SKUs whose stock (quants, moves) or product record changed in the last `lookbackMs`
     * are read again and handed to their workflows. Odoo does not write the product when stock moves, so the
     * stock records are what find a lost stock notification; the product's own write_date finds new products and
     * SKU changes. Overlapping windows are harmless (older observations are dropped by the workflow).
     */
    async pollOdooChanges(input: { lookbackMs: number }): Promise<{ changed: number }> {
      const since = new Date(Date.now() - input.lookbackMs).toISOString();
      const [stock, products] = await Promise.all([deps.odoo.stockChangedSince({ since }), deps.odoo.productsChangedSince({ since })]);
      const skus = [...new Set([...stock, ...products].flatMap((c) => (c.sku ? [c.sku] : [])))];
      await eachLimited(await readInChunks(skus), FANOUT_CONCURRENCY, (reading) => deliverReading(reading, 'poll'));
      return { changed: skus.length };
    },

    /** The SKUs a drift check covers (all of Odoo's unless given) and the channel accounts it can read stock from. */
    async planDriftCheck(input: { skus?: string[] }): Promise<DriftPlan> {
      const skus = input.skus ?? (await allOdooSkus());
      const readers: DriftReader[] = [];
      const seen = new Set<ChannelKey>();
      for (const rule of deps.rules.allocation) {
        const key = channelKey(rule.channel, rule.account);
        if (seen.has(key)) continue;
        seen.add(key);
        const adapter = deps.adapters.get(rule.channel, rule.account);
        const batchSize = adapter?.capabilities.stockReadBatchSize;
        if (adapter?.readStock && batchSize) readers.push({ channel: rule.channel, account: rule.account, batchSize });
      }
      return { skus, readers };
    },

    /**
     * Compares Odoo with what each SKU's workflow holds, and each channel's figure with the one the workflow
     * last handed out, and corrects what differs by re-reading Odoo and asking the workflow to re-push
     * everything. A channel's figure is what the drift workflow read from it (`channels`); for channels that
     * cannot be read (or whose read failed) it is what the channel last accepted from us.
     */
    async checkDrift(input: { skus?: string[]; channels?: ChannelStockCheck[] }): Promise<DriftReport> {
      const skus = input.skus ?? (await allOdooSkus());
      const pushStates = new Map<ChannelKey, ChannelPushState | undefined>();
      for (const adapter of deps.adapters.all()) {
        pushStates.set(channelKey(adapter.channel, adapter.account), await queryOrUndefined<ChannelPushState>(channelPushWorkflowId(adapter.channel, adapter.account), channelPushStateQuery));
      }
      const report = emptyDriftReport();
      const shown = new Map<ChannelKey, Map<string, StockReading>>();
      for (const rule of deps.rules.allocation) report.channelCheck[channelKey(rule.channel, rule.account)] = 'accepted';
      for (const check of input.channels ?? []) {
        const key = channelKey(check.channel, check.account);
        if (check.error) report.readErrors[key] = check.error;
        if (check.readings.length === 0) continue;
        shown.set(key, new Map(check.readings.map((r) => [r.sku, r])));
        report.channelCheck[key] = 'read';
      }
      // One query (and maybe a correction) per SKU: several at once, as the fan-out does.
      await eachLimited(await readInChunks(skus), HANDOFF_CONCURRENCY, async (reading) => {
        report.skusChecked += 1;
        const sku = reading.stock.sku;
        const state = await queryOrUndefined<InventoryState>(inventoryWorkflowId(sku), inventoryStateQuery);
        let drifted = false;
        if (!state) {
          report.started += 1;
          drifted = true;
        } else {
          if (!sameStock(state.free, reading.stock.free)) {
            report.odooDrift += 1;
            drifted = true;
          }
          for (const [key, sent] of Object.entries(state.sent)) {
            const onChannel = shown.get(key)?.get(sku);
            if (onChannel && onChannel.quantity === null && !onChannel.untracked) {
              report.channelUnlisted[key] = (report.channelUnlisted[key] ?? 0) + 1;
              continue;
            }
            const differs = onChannel
              ? onChannel.untracked === true || onChannel.quantity !== sent.quantity
              : pushStates.get(key)?.appliedStock[sku]?.quantity !== sent.quantity;
            if (differs) {
              report.channelDrift[key] = (report.channelDrift[key] ?? 0) + 1;
              drifted = true;
            }
          }
        }
        if (!drifted) return;
        await deliverReading(reading, 'drift');
        await deps.client.workflow.getHandle(inventoryWorkflowId(sku)).signal(resyncSignal, { reason: 'drift check' });
        report.resynced += 1;
      });
      return report;
    },
  });
}

function sameStock(a: Record<string, number> | null, b: Record<string, number>): boolean {
  if (!a) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => Math.max(0, Math.floor(a[k] ?? 0)) === Math.max(0, Math.floor(b[k] ?? 0)));
}

export type InventoryActivities = ReturnType<typeof createInventoryActivities>;
