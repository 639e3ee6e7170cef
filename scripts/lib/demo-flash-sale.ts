import { type Client } from '@temporalio/client';
import { type Channel, channelKey, channelPushWorkflowId, inventoryWorkflowId, type OrderKey, orderWorkflowId } from '../../domain';
import { type ChannelPushState, channelPushStateQuery, type InventoryState, inventoryStateQuery } from '../../workflows/inventory-messages';
import { orderStateQuery } from '../../workflows/messages';
import { type Buyer, type ChannelDriver, type ChannelListingView, FLASH_SALE_PRODUCT, type Stack } from './stack';

// The demo's flash sale: one SKU with 10 units in Odoo, buyers on four channels at once wanting 30 in all.
// Orders go through each channel's real intake (webhooks); stock sync must keep the total sold within Odoo's 10.
//
// Buyer model (as test/workflow/inventory-flash-sale.test.ts): a channel sells only what it shows. After a
// purchase its buyer waits until channelsync has counted that sale and the channel shows the corrected figure
// before buying again (absolute stock writes cannot merge with a sale the channel made meanwhile); buyers on
// different channels never wait for each other.

/** Webhook channels, slowest to reach channelsync first (the order allocation serves them in). */
export const FLASH_SALE_CHANNELS: readonly Channel[] = ['ebay', 'daraz', 'woocommerce', 'shopify'];
const UNITS_IN_ODOO = 10;
/** 30 units wanted in all. */
const WANTS: Record<string, number> = { ebay: 7, daraz: 7, woocommerce: 8, shopify: 8 };
const SALE_TIMEOUT_MS = 120_000;

/**
 * Allocation by how fast a channel's orders reach channelsync, slowest first. A sale is in the oversell window
 * until it is counted; meanwhile the units it took still look free, and a channel served before it could be
 * handed them. eBay and Daraz push only the order id and the order is fetched within the channel's API quota
 * (eBay's orders quota is 1 call/s: seconds), Shopify and WooCommerce push the whole order: they come last.
 */
const ALLOCATION: Record<string, { rule: Record<string, unknown>; says: string }> = {
  ebay: { rule: { priority: 0, max: 2 }, says: 'first, at most 2' },
  daraz: { rule: { priority: 1, max: 3 }, says: 'second, at most 3' },
  woocommerce: { rule: { priority: 2, max: 3 }, says: 'third, at most 3' },
  shopify: { rule: { priority: 3 }, says: 'the rest' },
};

/** Price rules of the channels in the sale, with the words the demo prints for them. */
const PRICE_RULES: Record<string, { rule: Record<string, unknown>; says: string }> = {
  shopify: { rule: { currency: 'USD', percent: '10', rounding: { mode: 'charm', endings: ['0.99'] } }, says: '+10 %, .99 endings' },
  woocommerce: { rule: { currency: 'USD', percent: '-5', rounding: { mode: 'nearest', step: '0.05' } }, says: '-5 % (own shop), to 0.05' },
  ebay: { rule: { currency: 'USD', percent: '15', rounding: { mode: 'charm', endings: ['0.99'] } }, says: '+15 % (fees), .99 endings' },
  daraz: { rule: { currency: 'PKR', percent: '10', rounding: { mode: 'up', step: '10' } }, says: 'USD→PKR at 280, +10 %, up to 10' },
};

/**
 * The channels file's `rules:` for the demo: allocation for the flash-sale SKU on the channels in the sale
 * (other SKUs keep the channels' own stock) and a price rule per channel; prices apply to every SKU the sync sees.
 */
export function flashSaleRules(account: string): unknown {
  return {
    // Same rate as the demo catalogue's PKR prices (stack-channels.ts).
    rates: { base: 'USD', rates: { PKR: '280' } },
    allocation: FLASH_SALE_CHANNELS.map((channel) => ({ channel, account, skus: [FLASH_SALE_PRODUCT.sku], ...ALLOCATION[channel]!.rule })),
    prices: FLASH_SALE_CHANNELS.map((channel) => ({ channel, account, ...PRICE_RULES[channel]!.rule })),
  };
}

interface Seller {
  driver: ChannelDriver;
  shown: (sku: string) => Promise<ChannelListingView>;
  key: string;
  buyer: Buyer;
  sold: number;
  orders: OrderKey[];
}

async function waitFor<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read().catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
    if (!(value instanceof Error) && ok(value)) return value;
    if (Date.now() > end) throw new Error(`flash sale: timed out waiting for ${what}; last: ${value instanceof Error ? value.message : JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function runFlashSale(input: { stack: Stack; client: Client; buyers: Buyer[] }): Promise<void> {
  const { stack, client } = input;
  const sku = FLASH_SALE_PRODUCT.sku;
  const saleStarted = Date.now();
  const sellers: Seller[] = FLASH_SALE_CHANNELS.map((channel, i) => {
    const driver = stack.channels[channel]?.driver;
    if (!driver?.shown) throw new Error(`flash sale: ${channel} is not started or cannot show a listing`);
    return { driver, shown: driver.shown.bind(driver), key: channelKey(channel, driver.account), buyer: input.buyers[i % input.buyers.length]!, sold: 0, orders: [] };
  });
  const inventory = () => client.workflow.getHandle(inventoryWorkflowId(sku)).query(inventoryStateQuery);
  const pushState = (s: Seller) => client.workflow.getHandle(channelPushWorkflowId(s.driver.channel, s.driver.account)).query(channelPushStateQuery);
  /** The channel has accepted the last stock figure (and price) the SKU's workflow handed it. */
  const applied = (inv: InventoryState, s: Seller, push: ChannelPushState | undefined) => {
    const sent = inv.sent[s.key];
    const price = inv.sentPrices[s.key];
    return sent !== undefined && (push?.appliedStock[sku]?.seq ?? -1) >= sent.seq && (price === undefined || (push?.appliedPrices[sku]?.seq ?? -1) >= price.seq);
  };
  const counted = (inv: InventoryState, order: OrderKey) => {
    const id = orderWorkflowId(order);
    return id in inv.pending || inv.settled.includes(id);
  };
  /** Nothing in flight: every sale is in Odoo and every channel shows its last figure. */
  const quiet = async () => {
    const inv = await inventory();
    if (Object.keys(inv.pending).length > 0 || inv.reserved.length > 0) return false;
    for (const s of sellers) if (!applied(inv, s, await pushState(s).catch(() => undefined))) return false;
    return true;
  };

  console.log(`• flash sale: ${FLASH_SALE_PRODUCT.name} (${sku}), ${UNITS_IN_ODOO} units in Odoo, buyers on four channels want ${Object.values(WANTS).reduce((a, b) => a + b, 0)} at once`);
  console.log('  channels in the sale: eBay, Daraz, WooCommerce and Shopify — their orders reach channelsync by webhook within');
  console.log('  seconds, so each sale is counted while the others still sell; Amazon (notification queue), Walmart and noon (new');
  console.log('  orders only by polling) would count theirs a poll interval late, so they list the SKU at 0 and sit this one out.');
  console.log('  Units go to the slowest of the four first (eBay and Daraz push only ids and the order is fetched within their API');
  console.log('  quota; Shopify and WooCommerce push the whole order), so units a sale still on its way took are not handed to a');
  console.log('  channel that sells faster.');
  await stack.odoo.admin.addProducts([{ sku, name: FLASH_SALE_PRODUCT.name, listPrice: FLASH_SALE_PRODUCT.listPrice, storable: true, quantity: UNITS_IN_ODOO }]);
  // Odoo's notification (a product with stock) reaches the gateway and starts the SKU's inventory workflow.
  await waitFor('the channels to show the synced figures', quiet, (ok) => ok);

  const before = await Promise.all(sellers.map((s) => s.shown(sku)));
  console.log(`  Odoo list price ${FLASH_SALE_PRODUCT.listPrice.toFixed(2)} USD; stock sync shares the 10 units out and prices each channel by its rule.`);
  console.log('\n  before the sale  shown  price          allocation        price rule');
  sellers.forEach((s, i) => {
    const v = before[i]!;
    const c = s.driver.channel;
    console.log(`  ${c.padEnd(16)} ${String(v.quantity).padStart(5)}  ${`${v.price} ${s.driver.currency}`.padEnd(13)}  ${ALLOCATION[c]!.says.padEnd(16)}  ${PRICE_RULES[c]!.says}`);
  });
  console.log(`  ${'total'.padEnd(16)} ${String(before.reduce((a, v) => a + v.quantity, 0)).padStart(5)}`);

  console.log('\n  buyers on all four channels at once; each buys only what its channel shows (1 or 2 at a time), then waits');
  console.log('  until channelsync has counted that order (webhook → order workflow → inventory) and the channel shows the new figure…');
  let purchases = 0;
  /** Buyers between placing an order and seeing its figure; a sold-out buyer stays while any is. */
  let inFlight = 0;
  const started = Date.now();
  const deadline = started + SALE_TIMEOUT_MS;
  async function buy(s: Seller): Promise<void> {
    for (;;) {
      if (Date.now() > deadline) throw new Error(`flash sale: ${s.key} still buying after ${SALE_TIMEOUT_MS} ms`);
      const left = WANTS[s.driver.channel]! - s.sold;
      if (left <= 0) return;
      const view = await s.shown(sku);
      if (view.quantity <= 0) {
        // Sold out here: the buyer keeps watching while other buyers are still buying (units can come back, e.g.
        // while Odoo's stock and a sale both count an order for a moment) and leaves once nothing is in flight.
        if (inFlight === 0 && (await quiet()) && inFlight === 0 && (await s.shown(sku)).quantity <= 0) return;
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      const units = Math.min(left, view.quantity, 1 + (purchases++ % 2));
      inFlight += 1;
      try {
        const placed = await s.driver.placeOrder([{ sku, quantity: units, unitPrice: view.price }], s.buyer);
        const order: OrderKey = { channel: s.driver.channel, account: s.driver.account, externalId: placed.externalId };
        s.sold += units;
        s.orders.push(order);
        await waitFor(`channelsync to count ${s.key} ${placed.name}`, inventory, (inv) => counted(inv, order));
        // Read again after the count: the figure it led to is handed out in the same workflow task.
        await waitFor(`${s.key} to show the figure after ${placed.name}`, async () => applied(await inventory(), s, await pushState(s).catch(() => undefined)), (ok) => ok);
      } finally {
        inFlight -= 1;
      }
    }
  }
  await Promise.all(sellers.map((s) => buy(s)));
  const buying = Date.now() - started;

  // Settled: every order confirmed in Odoo, its units out of the oversell window, every channel at its last figure.
  for (const s of sellers) {
    for (const order of s.orders) {
      await waitFor(`${order.channel} ${order.externalId} in Odoo`, () => client.workflow.getHandle(orderWorkflowId(order)).query(orderStateQuery), (st) => st.status === 'confirmed');
    }
  }
  await waitFor('stock sync to settle', quiet, (ok) => ok);

  const after = await Promise.all(sellers.map((s) => s.shown(sku)));
  const total = sellers.reduce((a, s) => a + s.sold, 0);
  console.log(`\n  after the sale   shown  price          sold  orders   (buying took ${(buying / 1000).toFixed(1)} s)`);
  sellers.forEach((s, i) => {
    const v = after[i]!;
    console.log(`  ${s.driver.channel.padEnd(16)} ${String(v.quantity).padStart(5)}  ${`${v.price} ${s.driver.currency}`.padEnd(13)} ${String(s.sold).padStart(5)}  ${String(s.orders.length).padStart(6)}`);
  });
  console.log(`  ${'total'.padEnd(16)} ${String(after.reduce((a, v) => a + v.quantity, 0)).padStart(5)}  ${''.padEnd(13)} ${String(total).padStart(5)}  ${String(sellers.reduce((a, s) => a + s.orders.length, 0)).padStart(6)}`);
  const last = await inventory();
  sellers.forEach((s, i) => {
    const sent = last.sent[s.key]?.quantity;
    if (sent !== undefined && sent !== after[i]!.quantity) {
      // The channel counted its own sale down and the new figure equalled the last one sent, so nothing was pushed.
      console.log(`  note: ${s.driver.channel} shows ${after[i]!.quantity}, channelsync's last figure for it is ${sent} (no push when a figure does not change)`);
    }
  });

  const saleOrders = (await stack.odoo.admin.saleOrders()).filter((so) => so.lines.some((l) => l.sku === sku));
  const inOdoo = saleOrders.reduce((a, so) => a + so.lines.filter((l) => l.sku === sku).reduce((b, l) => b + l.quantity, 0), 0);
  const free = (await stack.odoo.admin.stock(sku)).reduce((a, l) => a + l.free, 0);
  console.log(`\n  Odoo: ${saleOrders.length} sale orders for ${sku}, ${inOdoo} units; free stock now ${free}`);
  for (const so of saleOrders) {
    const lines = so.lines.filter((l) => l.sku === sku).map((l) => `${l.quantity}× @ ${l.priceUnit}`).join(', ');
    console.log(`    ${so.name} [${so.state}] ${String(so.clientOrderRef)}: ${lines}`);
  }
  if (total > UNITS_IN_ODOO) throw new Error(`flash sale oversold: ${total} units sold, Odoo had ${UNITS_IN_ODOO}`);
  if (inOdoo !== total || saleOrders.length !== sellers.reduce((a, s) => a + s.orders.length, 0)) {
    throw new Error(`flash sale: the channels sold ${total} units, Odoo has ${inOdoo} in ${saleOrders.length} sale orders`);
  }
  console.log(`  → ${total} of ${UNITS_IN_ODOO} units sold across four channels, none twice: one Odoo sale order per channel order (the flash sale took ${((Date.now() - saleStarted) / 1000).toFixed(1)} s).`);
}
