import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { z } from 'zod';
import { eachLimited } from '../activities/inventory-activities';
import { createOdooClient } from '../activities/odoo';
import { allocate, channelPushWorkflowId, type AllocationRule } from '../domain';
import { startDevServer } from '../scripts/lib/dev-server';
import { type StackChannel, startInventoryStack, type StackChannelHandle } from '../test/support/inventory-stack';
import { channelPushStateQuery, type PushCounters } from '../workflows/inventory-messages';
import { type FloorResult, measureFloor } from './floor/measure';

// Stock convergence: 1,000 SKUs change in the Odoo simulator; how long until every channel simulator shows
// the right quantity for each SKU, and how many API calls that took against the minimum the channels' batch
// sizes allow. Its own Temporal dev server, simulators and workers; prints the figures of this one run.
//
//   npx tsx bench/inventory-convergence.ts [--skus 1000] [--channels shopify,woocommerce,walmart,ebay]
//     [--window-ms 300] [--max-wait-ms 2000] [--one-by-one] [--no-floor] [--verbose]

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const SKU_COUNT = Number(arg('skus', '1000'));
const CHANNELS = arg('channels', 'shopify,woocommerce,walmart,ebay').split(',') as StackChannel[];
const WINDOW_MS = Number(arg('window-ms', '300'));
const MAX_WAIT_MS = Number(arg('max-wait-ms', '2000'));
const TIMEOUT_MS = Number(arg('timeout-ms', '180000'));
const VERBOSE = process.argv.includes('--verbose');
/** Default: one inventory count applied in Odoo for all SKUs (one transaction, one notification). */
const ONE_BY_ONE = process.argv.includes('--one-by-one');
/** Skip timing the bare Temporal floor (N signals to N trivial workflows) before the pipeline. */
const NO_FLOOR = process.argv.includes('--no-floor');

async function floor(address: string, runId: string): Promise<FloorResult> {
  const connection = await Connection.connect({ address });
  const native = await NativeConnection.connect({ address });
  try {
    return await measureFloor({ client: new Client({ connection }), connection: native, count: SKU_COUNT, runId });
  } finally {
    await connection.close();
    await native.close();
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function expectedFor(sku: string, quantity: number, channels: StackChannelHandle[]): Record<string, number> {
  const rules: AllocationRule[] = channels.map((c) => ({ channel: c.channel, account: c.account, buffer: 0, min: 0, priority: 1 }));
  return allocate({ sku, freeByWarehouse: { WH: quantity }, pendingByChannel: {}, rules }).targets;
}

/** Waits until every channel shows its expected figure for every SKU; returns when each SKU got there (ms). */
async function converge(input: {
  skus: string[];
  channels: StackChannelHandle[];
  expected: Map<string, Record<string, number>>;
  startedAt: Map<string, number>;
  timeoutMs: number;
  pauseMs: number;
}): Promise<Map<string, number>> {
  const done = new Map<string, number>();
  const open = new Map<string, Set<string>>(input.skus.map((s) => [s, new Set(input.channels.map((c) => c.key))]));
  const started = performance.now();
  const deadline = started + input.timeoutMs;
  while (open.size > 0 && performance.now() < deadline) {
    // The poller shares the 2 cores with everything it measures: per SKU it stops at the first channel not
    // there yet, and a converged (SKU, channel) pair is never read again.
    await eachLimited([...open.keys()], 16, async (sku) => {
      const waiting = open.get(sku)!;
      for (const c of input.channels) {
        if (!waiting.has(c.key)) continue;
        if ((await c.shown(sku)) !== input.expected.get(sku)![c.key]) return;
        waiting.delete(c.key);
      }
      open.delete(sku);
      done.set(sku, performance.now() - (input.startedAt.get(sku) ?? 0));
    });
    if (VERBOSE) {
      const perChannel = input.channels.map((c) => `${c.channel} ${input.skus.length - [...open.values()].filter((w) => w.has(c.key)).length}`);
      console.error(`  ${((performance.now() - started) / 1000).toFixed(1)} s: ${done.size} SKUs done; per channel ${perChannel.join(', ')}`);
    }
    if (open.size > 0) await new Promise((r) => setTimeout(r, input.pauseMs));
  }
  return done;
}

async function counters(stack: Awaited<ReturnType<typeof startInventoryStack>>): Promise<Map<string, PushCounters>> {
  const out = new Map<string, PushCounters>();
  for (const c of stack.channels) {
    const state = await stack.client.workflow.getHandle(channelPushWorkflowId(c.channel, c.account)).query(channelPushStateQuery);
    out.set(c.key, state.counters);
  }
  return out;
}

/**
 * An inventory count as Odoo users apply one: counted quantities written on the quants over JSON-RPC, then
 * action_apply_inventory on all of them in one call. Every SKU's change starts when that call is sent.
 */
async function applyInventoryCount(stack: Awaited<ReturnType<typeof startInventoryStack>>, counted: Map<string, number>, startedAt: Map<string, number>): Promise<void> {
  const odoo = createOdooClient({ url: stack.odoo.url, database: stack.odoo.database, login: stack.odoo.login, secret: stack.odoo.password, version: 'auto' });
  const products = await odoo.searchRead({ model: 'product.product', domain: [['default_code', 'in', [...counted.keys()]]], fields: ['default_code'] }, z.object({ id: z.number(), default_code: z.string() }));
  const skuOf = new Map(products.map((p) => [p.id, p.default_code]));
  const quants = await odoo.searchRead({ model: 'stock.quant', domain: [['product_id', 'in', [...skuOf.keys()]]], fields: ['product_id'] }, z.object({ id: z.number(), product_id: z.tuple([z.number(), z.string()]) }));
  const byQuantity = new Map<number, number[]>();
  for (const q of quants) {
    const quantity = counted.get(skuOf.get(q.product_id[0])!)!;
    byQuantity.set(quantity, [...(byQuantity.get(quantity) ?? []), q.id]);
  }
  for (const [quantity, ids] of byQuantity) await odoo.write({ model: 'stock.quant', ids, values: { inventory_quantity: quantity, inventory_quantity_set: true } });
  const at = performance.now();
  for (const sku of counted.keys()) startedAt.set(sku, at);
  await odoo.call({ model: 'stock.quant', method: 'action_apply_inventory', ids: quants.map((q) => q.id) }, z.unknown());
}

/** Why some SKUs never got there: Odoo notifications not accepted, push errors. */
async function explain(stack: Awaited<ReturnType<typeof startInventoryStack>>, missing: string[]): Promise<void> {
  const sent = await stack.odoo.admin.notifications();
  const refused = sent.filter((n) => n.status !== 200);
  console.log(`not converged: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}`);
  console.log(`Odoo notifications: ${sent.length} sent, ${refused.length} not accepted (${[...new Set(refused.map((n) => String(n.status)))].join(', ')})`);
  for (const c of stack.channels) {
    const state = await stack.client.workflow.getHandle(channelPushWorkflowId(c.channel, c.account)).query(channelPushStateQuery);
    console.log(`  ${c.key}: item errors ${state.counters.itemErrors}; last errors: ${state.errors.slice(-3).join(' | ') || 'none'}`);
  }
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const server = await startDevServer({ port: 0, uiPort: false });
  const runId = String(Date.now());
  const skus = Array.from({ length: SKU_COUNT }, (_, i) => `BENCH-${String(i).padStart(5, '0')}`);
  let bare: FloorResult | undefined;
  if (!NO_FLOOR) {
    bare = await floor(server.address, runId);
    console.log(
      `Temporal floor on this machine: ${SKU_COUNT} signals to ${SKU_COUNT} running workflows, each running one local activity: ` +
        `signalled in ${(bare.signalled / 1000).toFixed(2)} s, all done in ${(bare.total / 1000).toFixed(2)} s; per workflow p50 ${(percentile(bare.times, 50) / 1000).toFixed(2)} s, p95 ${(percentile(bare.times, 95) / 1000).toFixed(2)} s`,
    );
  }
  const initial = (i: number) => 4 + (i % 5);
  const changed = (i: number) => 11 + (i % 23);
  const stack = await startInventoryStack({
    address: server.address,
    channels: CHANNELS,
    products: skus.map((sku, i) => ({ sku, quantity: initial(i), listPrice: 10 })),
    runId,
    taskQueue: `bench-inventory-${runId}`,
    pushWindowMs: WINDOW_MS,
    pushMaxWaitMs: MAX_WAIT_MS,
    // Cost throttling is Shopify's to measure elsewhere; here the catalog queue's rate is the limit.
    shopifyBucket: { maximum: 100_000, restoreRate: 100_000 },
  });
  try {
    console.log(`inventory convergence: ${SKU_COUNT} SKUs, channels ${stack.channels.map((c) => c.key).join(', ')}, window ${WINDOW_MS} ms (max wait ${MAX_WAIT_MS} ms)`);

    // Warm-up: the products' creation notifications start every SKU workflow and the first full push (it also
    // fills the adapters' SKU -> listing id caches, which a running system has).
    const warmStart = performance.now();
    const warmExpected = new Map(skus.map((sku, i) => [sku, expectedFor(sku, initial(i), stack.channels)]));
    const warm = await converge({ skus, channels: stack.channels, expected: warmExpected, startedAt: new Map(skus.map((s) => [s, warmStart])), timeoutMs: TIMEOUT_MS, pauseMs: 1000 });
    if (warm.size < skus.length) {
      await explain(stack, skus.filter((s) => !warm.has(s)));
      throw new Error(`warm-up did not converge: ${warm.size}/${skus.length} SKUs`);
    }
    console.log(`warm-up (workflows start, first push): ${((performance.now() - warmStart) / 1000).toFixed(1)} s`);
    const before = await counters(stack);

    // The measured change: every SKU gets a new quantity in Odoo (an inventory adjustment each).
    const startedAt = new Map<string, number>();
    const expected = new Map(skus.map((sku, i) => [sku, expectedFor(sku, changed(i), stack.channels)]));
    const changeStart = performance.now();
    const measuring = (async () => {
      // Give the writers a head start so the poller does not compete with them for the first rounds.
      await new Promise((r) => setTimeout(r, 200));
      return converge({ skus, channels: stack.channels, expected, startedAt, timeoutMs: TIMEOUT_MS, pauseMs: 100 });
    })();
    if (ONE_BY_ONE) {
      await eachLimited(skus.map((sku, i) => ({ sku, i })), 16, async ({ sku, i }) => {
        startedAt.set(sku, performance.now());
        await stack.odoo.admin.setStock({ sku, quantity: changed(i) });
      });
    } else {
      await applyInventoryCount(stack, new Map(skus.map((sku, i) => [sku, changed(i)])), startedAt);
    }
    const changesTook = performance.now() - changeStart;
    const done = await measuring;
    const total = performance.now() - changeStart;
    // Let the last pushes' counters settle before reading them.
    await new Promise((r) => setTimeout(r, 2 * WINDOW_MS + 500));
    const after = await counters(stack);

    const times = [...done.values()].sort((a, b) => a - b);
    console.log(`Odoo changes written in ${(changesTook / 1000).toFixed(1)} s; converged ${done.size}/${skus.length} SKUs in ${(total / 1000).toFixed(1)} s`);
    console.log(`per-SKU time to full convergence: p50 ${(percentile(times, 50) / 1000).toFixed(2)} s, p95 ${(percentile(times, 95) / 1000).toFixed(2)} s, max ${(percentile(times, 100) / 1000).toFixed(2)} s (goal p95 <= 5 s)`);
    if (bare) {
      console.log(`pipeline p95 against the bare Temporal floor's p95 in this run: ${(percentile(times, 95) / percentile(bare.times, 95)).toFixed(2)}x`);
    }
    let calls = 0;
    let minimum = 0;
    for (const c of stack.channels) {
      const adapter = stack.adapters.get(c.channel, c.account)!;
      const made = after.get(c.key)!.calls - before.get(c.key)!.calls;
      const pushes = after.get(c.key)!.pushes - before.get(c.key)!.pushes;
      // A Walmart feed's outcome is only known from its status: a feed push is at least two calls.
      const least = Math.ceil(SKU_COUNT / adapter.capabilities.stockBatchSize) * (c.channel === 'walmart' ? 2 : 1);
      calls += made;
      minimum += least;
      console.log(
        `  ${c.key.padEnd(28)} batch ${String(adapter.capabilities.stockBatchSize).padStart(4)}  rate ${adapter.capabilities.rateClasses.catalog.perSecond.toFixed(2)}/s  pushes ${pushes}  calls ${made}  minimum ${least}  ratio ${(made / least).toFixed(2)}`,
      );
    }
    console.log(`API calls: ${calls} against a minimum of ${minimum}: ratio ${(calls / minimum).toFixed(2)} (goal <= 1.2)`);
    if (done.size < skus.length) {
      await explain(stack, skus.filter((s) => !done.has(s)));
      process.exitCode = 1;
    }
  } finally {
    await stack.stop();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
