import { randomBytes } from 'node:crypto';
import { type Channel, CHANNELS } from '../../domain';
import { startAmazonSimulator } from '../../simulators/amazon';
import { startDarazSimulator } from '../../simulators/daraz';
import { darazAdmin } from '../../simulators/daraz/admin-client';
import { startEbaySimulator } from '../../simulators/ebay';
import { startNoonSimulator } from '../../simulators/noon';
import { noonAdmin } from '../../simulators/noon/admin-client';
import { DEMO_PRODUCTS } from '../../simulators/odoo';
import { startShopifySimulator, type ShopifySimulator } from '../../simulators/shopify';
import { startWalmartSimulator } from '../../simulators/walmart';
import { startWooCommerceSimulator } from '../../simulators/woocommerce';

// One simulator per channel, each with the demo catalogue (Odoo's DEMO_PRODUCTS, same SKUs) and a small
// uniform driver, so the demo and the end-to-end tests place, ship and refund orders the same way on
// every channel. Each starter also returns its channels-YAML entry; secrets go by environment-variable name.

export const ALL_CHANNELS: readonly Channel[] = CHANNELS;

/** Listed on every channel but unknown to Odoo's demo seed: the demo's "operator creates the product" case. */
export const CHANNEL_ONLY_PRODUCT = { sku: 'HOODIE-GREY-XL', name: 'Hoodie Grey XL', listPrice: 49, quantity: 10 } as const;

/**
 * The demo's flash-sale SKU: listed on every channel with 0 units and not in Odoo's seed; the demo creates it
 * in Odoo with stock, and stock sync (allocation rules naming it) gives the channels in the sale their units.
 */
export const FLASH_SALE_PRODUCT = { sku: 'LAMP-DESK', name: 'Desk Lamp', listPrice: 24.5, quantity: 0 } as const;

/**
 * Daraz sells in PKR and noon (AE) in AED. Prices there are the USD list price times a fixed demo rate.
 * Odoo books the channel's amounts in that currency: the demo seed has a pricelist in PKR and one in AED, and the
 * sale order takes it, so a PKR 3,500.00 mug reads as Rs 3,500.00 there.
 */
const CURRENCY: Record<Channel, { code: string; ratePer100: number }> = {
  shopify: { code: 'USD', ratePer100: 100 },
  woocommerce: { code: 'USD', ratePer100: 100 },
  amazon: { code: 'USD', ratePer100: 100 },
  ebay: { code: 'USD', ratePer100: 100 },
  walmart: { code: 'USD', ratePer100: 100 },
  daraz: { code: 'PKR', ratePer100: 28_000 },
  noon: { code: 'AED', ratePer100: 367 },
};

export interface OrderLineInput {
  sku: string;
  quantity: number;
  /** What the buyer pays per unit, in the channel's currency (decimal text); default the catalogue price. */
  unitPrice?: string;
}

export interface Buyer {
  firstName: string;
  lastName: string;
  email: string;
  address1: string;
  city: string;
  zip: string;
  countryCode: string;
}

export interface PlacedOrder {
  externalId: string;
  /** What the channel calls the order (Shopify's #1001, else the id). */
  name: string;
  /** The channel's line ids, in the order of the lines placed (empty where lines are per unit). */
  lineIds: string[];
}

/** What a channel shows buyers for a SKU, read from the simulator's admin side. */
export interface ChannelListingView {
  quantity: number;
  /** In the channel's currency (decimal text). */
  price: string;
}

/** A shipment as the channel shows it to the seller. */
export interface ChannelShipmentView {
  trackingNumber: string;
  carrier: string;
}

export interface ChannelDriver {
  channel: Channel;
  account: string;
  currency: string;
  intake: 'webhook' | 'queue' | 'poll';
  /** The catalogue price of a SKU in the channel's currency (decimal text). */
  price(sku: string): string;
  placeOrder(lines: OrderLineInput[], buyer?: Buyer): Promise<PlacedOrder>;
  shipments(externalId: string): Promise<ChannelShipmentView[]>;
  /** The quantity and price the channel shows for a SKU now (set on the channels the demo's flash sale uses). */
  shown?(sku: string): Promise<ChannelListingView>;
  /** A partial refund of `quantity` units of the line at `lineIndex` (at the list price); absent where refunds do not reach us. */
  refund?(order: PlacedOrder, input: { lineIndex: number; quantity: number }): Promise<void>;
  /** How a refund reaches us: pushed by the channel, or only read by the poller (no refund notification exists). */
  refundsBy?: 'push' | 'poll';
  cancel(order: PlacedOrder): Promise<void>;
  /** How the channel differs in the lifecycle, in plain words (the demo prints them). */
  notes: string[];
}

export interface ChannelContext {
  account: string;
  gatewayUrl: string;
  port: number;
  /** Per-account poll interval (seconds; the scheduler's minimum is 10). */
  pollIntervalSeconds: number;
  /** Registers a secret; returns the environment-variable name the YAML refers to. */
  secret(name: string, value: string): string;
}

export interface ChannelEntry {
  channel: Channel;
  account: string;
  apiUrl: string;
  settings: Record<string, string | number | boolean>;
  secrets: Record<string, string>;
}

export interface StartedChannel {
  entry: ChannelEntry;
  driver: ChannelDriver;
  close(): Promise<void>;
  /** Set for Shopify only: the existing tests drive its admin directly. */
  shopify?: ShopifySimulator;
}

const CATALOGUE = [...DEMO_PRODUCTS.map((p) => ({ sku: p.sku, name: p.name, listPrice: p.listPrice, quantity: p.quantity })), CHANNEL_ONLY_PRODUCT, FLASH_SALE_PRODUCT];

/** List price in the channel's currency, computed in integer cents. */
function priceIn(channel: Channel, sku: string): string {
  const product = CATALOGUE.find((p) => p.sku === sku);
  if (!product) throw new Error(`${sku} is not in the demo catalogue`);
  const cents = Math.round(Math.round(product.listPrice * 100) * CURRENCY[channel].ratePer100 / 100);
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

function catalogue(channel: Channel): { sku: string; name: string; price: string; stock: number }[] {
  return CATALOGUE.map((p) => ({ sku: p.sku, name: p.name, price: priceIn(channel, p.sku), stock: p.quantity }));
}

/** The unit price of an order line: what the buyer was shown, else the catalogue price. */
function unitPriceOf(channel: Channel, line: OrderLineInput): string {
  return line.unitPrice ?? priceIn(channel, line.sku);
}

/** The lines each placed order was placed with, for drivers whose refunds name a SKU or an amount. */
function placedLines(): { remember(externalId: string, lines: OrderLineInput[]): void; line(externalId: string, index: number): OrderLineInput } {
  const placed = new Map<string, OrderLineInput[]>();
  return {
    remember: (externalId, lines) => void placed.set(externalId, lines),
    line(externalId, index) {
      const line = placed.get(externalId)?.[index];
      if (!line) throw new Error(`no line ${index} on order ${externalId} placed by this driver`);
      return line;
    },
  };
}

/** Price times quantity in integer cents. */
function amountOf(channel: Channel, sku: string, quantity: number): string {
  const [whole = '0', frac = ''] = priceIn(channel, sku).split('.');
  const cents = (Number(whole) * 100 + Number(frac.padEnd(2, '0'))) * quantity;
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

const DEFAULT_BUYER: Buyer = { firstName: 'Dorothy', lastName: 'Vaughan', email: 'dorothy@example.com', address1: '5 Langley Blvd', city: 'Hampton', zip: '23681', countryCode: 'US' };

function base(channel: Channel, ctx: ChannelContext, intake: ChannelDriver['intake'], notes: string[]) {
  return { channel, account: ctx.account, currency: CURRENCY[channel].code, intake, price: (sku: string) => priceIn(channel, sku), notes };
}

/** Push channels are still polled as a safety net (every 10 minutes); poll and queue channels at the short interval. */
function pollSettings(ctx: ChannelContext, intake: ChannelDriver['intake']): Record<string, number> {
  return { pollIntervalSeconds: intake === 'webhook' ? Math.max(ctx.pollIntervalSeconds, 600) : ctx.pollIntervalSeconds };
}

async function startShopify(ctx: ChannelContext): Promise<StartedChannel> {
  const webhookSecret = randomBytes(24).toString('hex');
  const sim = await startShopifySimulator({
    webhookSecret,
    shopDomain: `${ctx.account}.myshopify.com`,
    port: ctx.port,
    retryScale: 0.0005,
    currency: 'USD',
    webhookUrl: `${ctx.gatewayUrl}/webhooks/shopify/${ctx.account}`,
    products: catalogue('shopify').map((p) => ({ sku: p.sku, price: p.price, stock: p.stock, title: p.name })),
  });
  const driver: ChannelDriver = {
    ...base('shopify', ctx, 'webhook', []),
    refundsBy: 'push',
    async placeOrder(lines, buyer = DEFAULT_BUYER) {
      const address = { firstName: buyer.firstName, lastName: buyer.lastName, address1: buyer.address1, city: buyer.city, zip: buyer.zip, countryCode: buyer.countryCode };
      const o = sim.admin.createOrder({
        lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity, price: unitPriceOf('shopify', l) })),
        customer: { firstName: buyer.firstName, lastName: buyer.lastName, email: buyer.email },
        shippingAddress: address,
        financialStatus: 'paid',
      });
      return { externalId: o.externalId, name: o.name, lineIds: o.lineItemIds.map(String) };
    },
    shipments: async (externalId) => sim.admin.fulfillments(externalId).map((f) => ({ trackingNumber: f.trackingNumber, carrier: f.trackingCompany })),
    shown: async (sku) => ({ quantity: sim.admin.stock(sku), price: sim.admin.price(sku) }),
    async refund(order, { lineIndex, quantity }) {
      sim.admin.refund(order.externalId, { lines: [{ lineItemId: Number(order.lineIds[lineIndex]), quantity }] });
    },
    async cancel(order) {
      sim.admin.cancelOrder(order.externalId, { reason: 'customer', refund: false });
    },
  };
  return {
    entry: {
      channel: 'shopify',
      account: ctx.account,
      apiUrl: sim.url,
      settings: { shopDomain: sim.shopDomain, apiVersion: sim.apiVersion, locationId: sim.locationId, ...pollSettings(ctx, 'webhook') },
      secrets: { accessToken: ctx.secret('shopify_access_token', sim.accessToken), webhookSecret: ctx.secret('shopify_webhook_secret', webhookSecret) },
    },
    driver,
    shopify: sim,
    close: () => sim.close(),
  };
}

async function startWooCommerce(ctx: ChannelContext): Promise<StartedChannel> {
  const webhookSecret = randomBytes(24).toString('hex');
  const sim = await startWooCommerceSimulator({
    webhookSecret,
    webhookUrl: `${ctx.gatewayUrl}/webhooks/woocommerce/${ctx.account}`,
    port: ctx.port,
    currency: 'USD',
    products: catalogue('woocommerce').map((p) => ({ sku: p.sku, price: p.price, stock: p.stock })),
  });
  const driver: ChannelDriver = {
    ...base('woocommerce', ctx, 'webhook', ['Shipments are customer order notes with carrier and tracking number (WooCommerce has no shipment object).']),
    refundsBy: 'push',
    async placeOrder(lines, buyer = DEFAULT_BUYER) {
      const address = { first_name: buyer.firstName, last_name: buyer.lastName, address_1: buyer.address1, city: buyer.city, postcode: buyer.zip, country: buyer.countryCode };
      const o = await sim.admin.createOrder({
        lines: lines.map((l) => ({ ...l, unitPrice: unitPriceOf('woocommerce', l) })),
        status: 'processing',
        billing: { ...address, email: buyer.email },
        shipping: address,
      });
      return { externalId: String(o.id), name: `#${o.id}`, lineIds: o.line_items.map((l) => String(l.id)) };
    },
    async shipments(externalId) {
      const notes = await sim.admin.notes(Number(externalId));
      return notes.flatMap((n) => {
        const m = /Shipped with (.+?), tracking number (\S+?)[.\s(]/.exec(n.note);
        return n.customer_note && m ? [{ carrier: m[1]!, trackingNumber: m[2]! }] : [];
      });
    },
    async shown(sku) {
      const p = await sim.admin.product(sku);
      return { quantity: p.stock ?? 0, price: p.price ?? '' };
    },
    async refund(order, { lineIndex, quantity }) {
      await sim.admin.refundOrder(Number(order.externalId), { lines: [{ lineId: Number(order.lineIds[lineIndex]), quantity }] });
    },
    async cancel(order) {
      await sim.admin.cancelOrder(Number(order.externalId));
    },
  };
  return {
    entry: {
      channel: 'woocommerce',
      account: ctx.account,
      apiUrl: sim.url,
      settings: pollSettings(ctx, 'webhook'),
      secrets: {
        consumerKey: ctx.secret('woo_consumer_key', sim.consumerKey),
        consumerSecret: ctx.secret('woo_consumer_secret', sim.consumerSecret),
        webhookSecret: ctx.secret('woo_webhook_secret', webhookSecret),
      },
    },
    driver,
    close: () => sim.close(),
  };
}

async function startAmazon(ctx: ChannelContext): Promise<StartedChannel> {
  const sim = await startAmazonSimulator({
    port: ctx.port,
    currency: 'USD',
    products: catalogue('amazon').map((p) => ({ sku: p.sku, price: p.price, stock: p.stock })),
    // Amazon lists a refund two minutes after posting; the demo and the end-to-end runs do not wait for that.
    financesListingDelayMs: 0,
  });
  const c = sim.credentials;
  const placed = placedLines();
  const driver: ChannelDriver = {
    ...base('amazon', ctx, 'queue', [
      'No push: ORDER_CHANGE notifications wait on an SQS queue the poller drains, then each order is fetched.',
      'Refunds live in the Finances API, not on the order: the poller lists refunds posted since its last run (Amazon shows them two minutes after posting) and reads them with the order.',
    ]),
    refundsBy: 'poll',
    async placeOrder(lines, buyer = DEFAULT_BUYER) {
      const id = await sim.admin.createOrder({
        lines: lines.map((l) => ({ ...l, unitPrice: unitPriceOf('amazon', l) })),
        address: { name: `${buyer.firstName} ${buyer.lastName}`, line1: buyer.address1, city: buyer.city, postalCode: buyer.zip, countryCode: buyer.countryCode },
      });
      placed.remember(id, lines);
      return { externalId: id, name: id, lineIds: [] };
    },
    async refund(order, { lineIndex, quantity }) {
      await sim.admin.refund(order.externalId, { items: [{ sku: placed.line(order.externalId, lineIndex).sku, quantity }] });
    },
    shipments: async (externalId) => (await sim.admin.shipments(externalId)).map((s) => ({ trackingNumber: s.trackingNumber, carrier: s.carrierName ?? s.carrierCode })),
    async cancel(order) {
      await sim.admin.cancelOrder(order.externalId);
    },
  };
  return {
    entry: {
      channel: 'amazon',
      account: ctx.account,
      apiUrl: sim.url,
      settings: { lwaEndpoint: c.lwaEndpoint, sellerId: c.sellerId, marketplaceId: c.marketplaceId, queueUrl: c.queueUrl, ...pollSettings(ctx, 'queue') },
      secrets: {
        clientId: ctx.secret('amazon_client_id', c.clientId),
        clientSecret: ctx.secret('amazon_client_secret', c.clientSecret),
        refreshToken: ctx.secret('amazon_refresh_token', c.refreshToken),
      },
    },
    driver,
    close: () => sim.close(),
  };
}

async function startEbay(ctx: ChannelContext): Promise<StartedChannel> {
  const sim = await startEbaySimulator({
    port: ctx.port,
    webhookUrl: `${ctx.gatewayUrl}/webhooks/ebay/${ctx.account}`,
    products: catalogue('ebay').map((p) => ({ sku: p.sku, price: p.price, stock: p.stock, currency: 'USD', title: p.name })),
  });
  const placed = placedLines();
  const driver: ChannelDriver = {
    ...base('ebay', ctx, 'webhook', [
      'Notifications only name the order; it is fetched through the API.',
      'eBay sends no notification for refunds: the poller reads them from the order (per line, or for the whole order).',
    ]),
    refundsBy: 'poll',
    async placeOrder(lines, buyer = DEFAULT_BUYER) {
      const o = await sim.admin.createOrder({
        lines: lines.map((l) => ({ ...l, unitPrice: unitPriceOf('ebay', l) })),
        currency: 'USD',
        buyer: { username: `${buyer.firstName.toLowerCase()}-${buyer.lastName.toLowerCase()}`, email: buyer.email, fullName: `${buyer.firstName} ${buyer.lastName}` },
      });
      placed.remember(o.orderId, lines);
      return { externalId: o.orderId, name: o.orderId, lineIds: o.lineItemIds };
    },
    async refund(order, { lineIndex, quantity }) {
      const amount = amountOf('ebay', placed.line(order.externalId, lineIndex).sku, quantity);
      await sim.admin.refundOrder(order.externalId, { lines: [{ lineItemId: order.lineIds[lineIndex]!, amount }] });
    },
    shipments: async (externalId) => (await sim.admin.fulfillments(externalId)).map((f) => ({ trackingNumber: f.shipmentTrackingNumber, carrier: f.shippingCarrierCode })),
    shown: async (sku) => ({ quantity: await sim.admin.stock(sku), price: await sim.admin.price(sku) }),
    async cancel(order) {
      await sim.admin.cancelOrder(order.externalId);
    },
  };
  return {
    entry: {
      channel: 'ebay',
      account: ctx.account,
      apiUrl: sim.url,
      settings: { identityUrl: sim.url, ...pollSettings(ctx, 'webhook') },
      secrets: {
        clientId: ctx.secret('ebay_client_id', sim.credentials.clientId),
        clientSecret: ctx.secret('ebay_client_secret', sim.credentials.clientSecret),
        refreshToken: ctx.secret('ebay_refresh_token', sim.credentials.refreshToken),
      },
    },
    driver,
    close: () => sim.close(),
  };
}

async function startWalmart(ctx: ChannelContext): Promise<StartedChannel> {
  const webhookSecret = randomBytes(24).toString('hex');
  const sim = await startWalmartSimulator({
    port: ctx.port,
    webhookUrl: `${ctx.gatewayUrl}/webhooks/walmart/${ctx.account}`,
    webhookAuth: 'hmac',
    webhookSecret,
    products: catalogue('walmart').map((p) => ({ sku: p.sku, price: p.price, stock: p.stock })),
  });
  const placed = placedLines();
  const driver: ChannelDriver = {
    ...base('walmart', ctx, 'poll', [
      'Orders are imported by the poller; PO_CREATED pushes only prompt a re-read.',
      'Refunds are read by the poller from the order lines; each refunded charge (item, shipping) becomes its own credit note.',
    ]),
    refundsBy: 'poll',
    async placeOrder(lines, buyer = DEFAULT_BUYER) {
      const o = await sim.admin.createOrder({
        lines: lines.map((l) => ({ ...l, unitPrice: unitPriceOf('walmart', l) })),
        address: { name: `${buyer.firstName} ${buyer.lastName}`, address1: buyer.address1, city: buyer.city, state: 'VA', postalCode: buyer.zip, country: 'USA' },
      });
      placed.remember(o.purchaseOrderId, lines);
      return { externalId: o.purchaseOrderId, name: o.purchaseOrderId, lineIds: o.orderLines.orderLine.map((l) => l.lineNumber) };
    },
    async refund(order, { lineIndex, quantity }) {
      const amount = amountOf('walmart', placed.line(order.externalId, lineIndex).sku, quantity);
      await sim.admin.refundOrder(order.externalId, { lines: [{ lineNumber: order.lineIds[lineIndex]!, amount, quantity, reason: 'CustomerChangedMind' }] });
    },
    shipments: async (externalId) => (await sim.admin.shipments(externalId)).map((s) => ({ trackingNumber: s.trackingNumber, carrier: s.carrier })),
    async cancel(order) {
      await sim.admin.cancelOrder(order.externalId);
    },
  };
  return {
    entry: {
      channel: 'walmart',
      account: ctx.account,
      apiUrl: sim.url,
      settings: pollSettings(ctx, 'poll'),
      secrets: {
        clientId: ctx.secret('walmart_client_id', sim.credentials.clientId),
        clientSecret: ctx.secret('walmart_client_secret', sim.credentials.clientSecret),
        webhookSecret: ctx.secret('walmart_webhook_secret', webhookSecret),
      },
    },
    driver,
    close: () => sim.close(),
  };
}

async function startDaraz(ctx: ChannelContext): Promise<StartedChannel> {
  const accessToken = randomBytes(16).toString('hex');
  const sim = await startDarazSimulator({
    port: ctx.port,
    country: 'PK',
    accessToken,
    products: catalogue('daraz').map((p) => ({ sellerSku: p.sku, price: p.price, quantity: p.stock, name: p.name })),
    settings: { pushUrl: `${ctx.gatewayUrl}/webhooks/daraz/${ctx.account}`, pushRetryIntervalMs: 1000 },
  });
  const admin = darazAdmin(sim.url);
  const placed = placedLines();
  const driver: ChannelDriver = {
    ...base('daraz', ctx, 'webhook', [
      'Daraz allocates the package and its own tracking number: the Odoo tracking number is not sent, the channel shows Daraz\u2019s.',
      'Prices are in PKR; Odoo books the order and its credit notes in PKR (the seed\u2019s PKR pricelist).',
      'Returns and refunds come from reverse orders (push msg_type 10); each refunded unit becomes its own credit note.',
    ]),
    refundsBy: 'push',
    async placeOrder(lines) {
      const o = await admin.createOrder({ lines: lines.map((l) => ({ ...l, unitPrice: unitPriceOf('daraz', l) })) });
      placed.remember(o.order_id, lines);
      return { externalId: o.order_id, name: o.order_id, lineIds: [] };
    },
    async refund(order, { lineIndex, quantity }) {
      // One item row per unit: return `quantity` units of the line's SKU that are not returned yet.
      const sku = placed.line(order.externalId, lineIndex).sku;
      const units = (await admin.order(order.externalId)).items.filter((i) => i.sku === sku && i.status !== 'returned' && i.status !== 'canceled');
      await admin.refund(order.externalId, { itemIds: units.slice(0, quantity).map((i) => i.orderItemId) });
    },
    shipments: async (externalId) =>
      (await admin.packages(externalId)).filter((p) => p.trackingNumber).map((p) => ({ trackingNumber: p.trackingNumber, carrier: 'Daraz' })),
    async shown(sku) {
      const p = await admin.product(sku);
      return { quantity: p.quantity, price: p.price };
    },
    async cancel(order) {
      await admin.setStatus(order.externalId, { status: 'canceled' });
    },
  };
  return {
    entry: {
      channel: 'daraz',
      account: ctx.account,
      apiUrl: sim.restUrl,
      // The seeded token is valid for 30 days; a known expiry keeps the adapter from refreshing at once.
      settings: { country: 'PK', accessExpiresAt: new Date(Date.now() + 29 * 86_400_000).toISOString(), ...pollSettings(ctx, 'webhook') },
      secrets: {
        appKey: ctx.secret('daraz_app_key', sim.appKey),
        appSecret: ctx.secret('daraz_app_secret', sim.appSecret),
        accessToken: ctx.secret('daraz_access_token', accessToken),
        refreshToken: ctx.secret('daraz_refresh_token', 'not-used-before-expiry'),
      },
    },
    driver,
    close: () => sim.close(),
  };
}

async function startNoon(ctx: ChannelContext): Promise<StartedChannel> {
  const credentials = { 'x-channelsync-token': randomBytes(16).toString('hex') };
  const sim = await startNoonSimulator({
    port: ctx.port,
    products: catalogue('noon').map((p) => ({ partnerSku: p.sku, qty: p.stock, prices: { AE: Number(p.price) } })),
    webhooks: [{ url: `${ctx.gatewayUrl}/webhooks/noon/${ctx.account}`, credentials }],
    settings: { webhookRetryIntervalMs: 1000 },
  });
  const admin = noonAdmin(sim.url);
  const warehouse = sim.warehouses[0]!;
  const placed = placedLines();
  const driver: ChannelDriver = {
    ...base('noon', ctx, 'poll', [
      'New orders are polled (the list filters by creation time); later changes arrive as pushes.',
      'Prices are in AED; Odoo books the order and its credit notes in AED (the seed\u2019s AED pricelist).',
      'Refunds are read from the order\u2019s units after noon\u2019s update event (FBPI documents no refund fields: the simulator\u2019s model).',
    ]),
    refundsBy: 'push',
    async placeOrder(lines) {
      const o = await admin.createOrder({ lines: lines.map((l) => ({ ...l, unitPrice: unitPriceOf('noon', l) })), country: 'AE', warehouseCode: warehouse });
      placed.remember(o.fbpi_order_nr, lines);
      return { externalId: o.fbpi_order_nr, name: o.fbpi_order_nr, lineIds: [] };
    },
    async refund(order, { lineIndex, quantity }) {
      // One item row per unit: refund `quantity` shipped units of the line's SKU.
      const sku = placed.line(order.externalId, lineIndex).sku;
      const units = (await admin.order(order.externalId)).items.filter((i) => i.partnerSku === sku && i.integrationStatus === 'INTEGRATION_ITEM_STATUS_SHIPPED' && !i.refund);
      await admin.refund(order.externalId, { itemNrs: units.slice(0, quantity).map((i) => i.mpItemNr) });
    },
    shipments: async (externalId) => (await admin.shipments(externalId)).flatMap((s) => s.awbs.map((a) => ({ trackingNumber: a.awb_nr, carrier: a.courier }))),
    async cancel(order) {
      await admin.cancel(order.externalId, { reason: 'customer' });
    },
  };
  return {
    entry: {
      channel: 'noon',
      account: ctx.account,
      apiUrl: sim.url,
      settings: { country: 'AE', warehouseCode: warehouse, ...pollSettings(ctx, 'poll') },
      secrets: { key: ctx.secret('noon_key', JSON.stringify(sim.credentials)), webhookCredentials: ctx.secret('noon_webhook_credentials', JSON.stringify(credentials)) },
    },
    driver,
    close: () => sim.close(),
  };
}

export const CHANNEL_STARTERS: Record<Channel, (ctx: ChannelContext) => Promise<StartedChannel>> = {
  shopify: startShopify,
  woocommerce: startWooCommerce,
  amazon: startAmazon,
  ebay: startEbay,
  walmart: startWalmart,
  daraz: startDaraz,
  noon: startNoon,
};
