import { mapOrder } from '../../activities/marketplaces/amazon/mapping';
import { type AmazonOrder, type AmazonOrderItem } from '../../activities/marketplaces/amazon/schemas';
import { parseNotification } from '../../activities/marketplaces/amazon/webhook';
import { withCanonicalOutput } from '../../activities/marketplaces/canonical-output';
import { parseDarazTime } from '../../activities/marketplaces/daraz/mapping';
import { toCanonicalOrder as fromEbay } from '../../activities/marketplaces/ebay/mapping';
import { type EbayOrder } from '../../activities/marketplaces/ebay/schemas';
import { parseEbayNotification } from '../../activities/marketplaces/ebay/webhook';
import { ChannelError } from '../../activities/marketplaces/errors';
import { toCanonicalOrder as fromNoon } from '../../activities/marketplaces/noon/mapping';
import { NoonOrder } from '../../activities/marketplaces/noon/schemas';
import { parseNoonDelivery } from '../../activities/marketplaces/noon/webhook';
import { orderFromRest } from '../../activities/marketplaces/shopify/mapping';
import { RestOrder } from '../../activities/marketplaces/shopify/schemas';
import { parseShopifyWebhook } from '../../activities/marketplaces/shopify/webhook';
import { type ChannelAdapter, type ParseResult, type WebhookRequest } from '../../activities/marketplaces/types';
import { walmartDateToIso } from '../../activities/marketplaces/walmart/mapping';
import { parseWalmartWebhook } from '../../activities/marketplaces/walmart/webhook';
import { toCanonicalOrder as fromWoo } from '../../activities/marketplaces/woocommerce/mapping';
import { WooOrder } from '../../activities/marketplaces/woocommerce/schemas';
import { parseWooWebhook } from '../../activities/marketplaces/woocommerce/webhook';
import { type CanonicalOrder, ChannelEvent, InvalidInstantError, toUtcInstant, UtcInstant } from '../../domain';

// Timestamps leave adapters in one form (UTC, milliseconds) because the order workflow orders events and
// snapshots by comparing occurredAt strings (`<` and localeCompare).

/** How the order workflow sorts an inbox batch. */
const workflowOrder = <T extends { occurredAt: string }>(events: T[]): T[] => [...events].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
const request = (body: unknown, headers: Record<string, string> = {}, account = 'main'): WebhookRequest => ({
  rawBody: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  headers,
  account,
});
const events = (result: ParseResult): ChannelEvent[] => {
  if (!result.ok) throw new Error(`${result.message}: ${JSON.stringify(result.issues)}`);
  return result.events;
};

describe('UtcInstant (domain/instant.ts)', () => {
  it.each([
    ['2025-03-01T10:00:00-05:00', '2025-03-01T15:00:00.000Z'],
    ['2025-03-01T20:30:00+05:30', '2025-03-01T15:00:00.000Z'],
    ['2025-03-01T15:00:00Z', '2025-03-01T15:00:00.000Z'],
    ['2025-03-01T15:00:00.5Z', '2025-03-01T15:00:00.500Z'],
    ['2025-03-01T15:00:00.123456Z', '2025-03-01T15:00:00.123Z'],
    ['2025-03-01T15:00-00:00', '2025-03-01T15:00:00.000Z'],
    ['2025-03-01T00:30:00+01:00', '2025-02-28T23:30:00.000Z'],
    ['2024-02-29T23:59:59.999Z', '2024-02-29T23:59:59.999Z'],
  ])('%s -> %s', (given, canonical) => {
    expect(UtcInstant.parse(given)).toBe(canonical);
    expect(toUtcInstant(given)).toBe(canonical);
    // Canonical in, the same out: parsing again (the registry after a mapping) changes nothing.
    expect(UtcInstant.parse(canonical)).toBe(canonical);
  });

  it('refuses zone-less local times by name, and anything that is not an instant', () => {
    expect(() => toUtcInstant('2025-03-01T10:00:00', 'LastUpdateDate')).toThrow(/^LastUpdateDate: "2025-03-01T10:00:00" has no zone/);
    expect(() => toUtcInstant('2025-03-01 10:00:00')).toThrow(/has no zone/);
    expect(() => toUtcInstant('2025-03-01T10:00:00')).toThrow(InvalidInstantError);
    for (const bad of ['2025-02-30T10:00:00Z', '2025-03-01T24:00:00Z', '1 March 2025', '', '2025-03-01', '2025-03-01T10:00:00+5']) {
      expect(UtcInstant.safeParse(bad).success).toBe(false);
      expect(() => toUtcInstant(bad)).toThrow(/is not an instant|has no zone/);
    }
  });

  it('reads epoch milliseconds, and refuses what is not one', () => {
    expect(toUtcInstant(1568466571000)).toBe('2019-09-14T13:09:31.000Z');
    expect(() => toUtcInstant(Number.NaN)).toThrow(InvalidInstantError);
    expect(() => toUtcInstant(1e20)).toThrow(InvalidInstantError);
  });
});

describe('ordering by occurredAt strings', () => {
  it('Shopify: a REST time with the shop offset sorts by its instant, not its text', () => {
    const key = { channel: 'shopify' as const, account: 'shop', externalId: '1001', source: 'webhook' as const };
    // 15:00 UTC, written in the shop's zone by REST (orders/cancelled) ...
    const rest = { ...key, eventId: 'e-rest', type: 'order.cancelled' as const, occurredAt: '2025-03-01T10:00:00-05:00' };
    // ... and 14:30 UTC from GraphQL: earlier, but '14' > '10' as text.
    const graphql = { ...key, eventId: 'e-gql', type: 'order.notified' as const, topic: 'orders/updated', occurredAt: '2025-03-01T14:30:00Z' };
    expect(workflowOrder([rest, graphql]).map((e) => e.eventId)).toEqual(['e-rest', 'e-gql']); // the hazard
    const parsed = [rest, graphql].map((e) => ChannelEvent.parse(e));
    expect(workflowOrder(parsed).map((e) => e.eventId)).toEqual(['e-gql', 'e-rest']);
    expect(parsed[0]!.occurredAt).toBe('2025-03-01T15:00:00.000Z');
    // The stale check: the cancellation is newer than the snapshot applied at 14:30.
    expect(parsed[0]!.occurredAt < parsed[1]!.occurredAt).toBe(false);
  });

  it('Amazon: a whole-second snapshot and a millisecond notification of the same second keep their order', () => {
    const snapshot = mapOrder({ account: 'us', order: { ...amazonOrder, LastUpdateDate: '2026-11-01T11:00:00Z' }, items: [amazonItem], marketplaceId: 'ATVPDKIKX0DER' });
    const parsed = parseNotification({ body: amazonNotification('2026-11-01T11:00:00.400Z'), account: 'us', sellerId: 'SELLER' });
    if (parsed.kind !== 'order') throw new Error(parsed.kind);
    // Raw, "...:00Z" > "...:00.400Z" ('Z' > '.'): the older snapshot would sort last and never count as stale.
    expect('2026-11-01T11:00:00Z' > '2026-11-01T11:00:00.400Z').toBe(true);
    expect(snapshot.updatedAt).toBe('2026-11-01T11:00:00.000Z');
    expect(snapshot.updatedAt < parsed.event.occurredAt).toBe(true);
    const batch = workflowOrder([{ id: 'notified', occurredAt: parsed.event.occurredAt }, { id: 'snapshot', occurredAt: snapshot.updatedAt }]);
    expect(batch.map((e) => e.id)).toEqual(['snapshot', 'notified']);
  });

  it('WooCommerce: an order.deleted (delivery time, ms) after an order.updated (whole seconds) of the same second', () => {
    jest.useFakeTimers({ now: Date.parse('2026-11-26T21:11:00.500Z') });
    try {
      const headers = (topic: string) => ({ 'x-wc-webhook-topic': topic });
      const [updated] = events(parseWooWebhook({ request: request(wooOrder(), headers('order.updated')), account: 'shop' }));
      const [deleted] = events(parseWooWebhook({ request: request({ id: 727 }, headers('order.deleted')), account: 'shop' }));
      expect([updated!.occurredAt, deleted!.occurredAt]).toEqual(['2026-11-26T21:11:00.000Z', '2026-11-26T21:11:00.500Z']);
      expect(workflowOrder([deleted!, updated!]).map((e) => e.type)).toEqual(['order.updated', 'order.cancelled']);
    } finally {
      jest.useRealTimers();
    }
  });
});

// ---- per channel: vendor forms in, the canonical form out ----

const amazonOrder: AmazonOrder = {
  AmazonOrderId: '902-1845936-5435065',
  PurchaseDate: '2026-11-01T10:00:00Z',
  LastUpdateDate: '2026-11-01T11:00:00Z',
  OrderStatus: 'Unshipped',
  FulfillmentChannel: 'MFN',
  MarketplaceId: 'ATVPDKIKX0DER',
  OrderTotal: { CurrencyCode: 'USD', Amount: '10.00' },
};
const amazonItem: AmazonOrderItem = { ASIN: 'B1', OrderItemId: '1', SellerSKU: 'SKU-1', QuantityOrdered: 1, ItemPrice: { CurrencyCode: 'USD', Amount: '10.00' } };
const amazonNotification = (timeOfOrderChange: string, eventTime = '2026-11-01T11:00:01.000Z'): string =>
  JSON.stringify({
    NotificationVersion: '1.0',
    NotificationType: 'ORDER_CHANGE',
    PayloadVersion: '1.0',
    EventTime: eventTime,
    Payload: {
      OrderChangeNotification: {
        NotificationLevel: 'OrderLevel',
        SellerId: 'SELLER',
        AmazonOrderId: '902-1845936-5435065',
        OrderChangeType: 'OrderStatusChange',
        OrderChangeTrigger: { TimeOfOrderChange: timeOfOrderChange, ChangeReason: 'PaymentAuthorized' },
        Summary: { MarketplaceId: 'ATVPDKIKX0DER', OrderStatus: 'Unshipped', PurchaseDate: null, DestinationPostalCode: null, FulfillmentType: 'MFN', OrderType: 'StandardOrder', OrderItems: [] },
      },
    },
    NotificationMetadata: { ApplicationId: 'app', SubscriptionId: 'sub', PublishTime: '2026-11-01T11:00:02.000Z', NotificationId: 'n-1' },
  });

function wooOrder(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const address = { first_name: 'Ada', last_name: 'Buyer', company: '', address_1: '1 Test Street', address_2: '', city: 'Springfield', state: 'IL', postcode: '62701', country: 'US', phone: '' };
  return {
    id: 727, number: '727', status: 'processing', currency: 'USD', prices_include_tax: false,
    // Site-local twins (UTC+2 here) are never read: only the *_gmt fields.
    date_created: '2026-11-26T23:10:05', date_created_gmt: '2026-11-26T21:10:05',
    date_modified: '2026-11-26T23:11:00', date_modified_gmt: '2026-11-26T21:11:00', date_paid_gmt: '2026-11-26T21:11:00',
    shipping_total: '5.00', total: '32.00', billing: { ...address, email: 'ada@example.com' }, shipping: address,
    line_items: [{ id: 1, name: 'Mug', product_id: 10, variation_id: 0, quantity: 3, subtotal: '30.00', total: '27.00', total_tax: '0.00', sku: 'MUG', price: 9 }],
    refunds: [],
    ...overrides,
  };
}

describe('Shopify', () => {
  const restOrder = (overrides: Record<string, unknown> = {}) => ({
    id: 9, name: '#1009', created_at: '2025-03-01T10:00:00-05:00', updated_at: '2025-03-01T20:30:00.25+05:30', financial_status: 'paid',
    fulfillment_status: null, currency: 'USD', total_price: '10.00', taxes_included: false,
    line_items: [{ id: 1, sku: 'SKU-1', title: 'Item', quantity: 1, price: '10.00' }],
    ...overrides,
  });
  const headers = (topic: string, extra: Record<string, string> = {}) => ({ 'x-shopify-topic': topic, 'x-shopify-event-id': 'ev-1', ...extra });

  it('REST orders and their events: shop offsets and any precision become UTC with milliseconds', () => {
    expect(orderFromRest(RestOrder.parse(restOrder()), 'shop')).toMatchObject({ createdAt: '2025-03-01T15:00:00.000Z', updatedAt: '2025-03-01T15:00:00.250Z' });
    const [updated] = events(parseShopifyWebhook(request(restOrder(), headers('orders/updated'), 'shop')));
    expect(updated!.occurredAt).toBe('2025-03-01T15:00:00.250Z');
    const refund = { id: 5, order_id: 9, created_at: '2025-03-01T11:00:00-05:00', refund_line_items: [], transactions: [{ kind: 'refund', status: 'success', amount: '1.00', currency: 'USD' }] };
    expect(events(parseShopifyWebhook(request(refund, headers('refunds/create'), 'shop')))[0]!.occurredAt).toBe('2025-03-01T16:00:00.000Z');
  });

  it('reads X-Shopify-Triggered-At only with a zone', () => {
    const body = { id: 77 };
    expect(events(parseShopifyWebhook(request(body, headers('products/update', { 'x-shopify-triggered-at': '2025-03-01T10:00:00-05:00' }), 'shop')))[0]!.occurredAt)
      .toBe('2025-03-01T15:00:00.000Z');
    expect(parseShopifyWebhook(request(body, headers('products/update', { 'x-shopify-triggered-at': '2025-03-01T10:00:00' }), 'shop')).ok).toBe(false);
  });
});

describe('Amazon', () => {
  it('PurchaseDate and LastUpdateDate (whole seconds or an offset) leave with milliseconds in UTC', () => {
    const order = mapOrder({ account: 'us', order: { ...amazonOrder, LastUpdateDate: '2026-11-01T12:00:00.25+01:00' }, items: [amazonItem], marketplaceId: 'ATVPDKIKX0DER' });
    expect(order).toMatchObject({ createdAt: '2026-11-01T10:00:00.000Z', updatedAt: '2026-11-01T11:00:00.250Z' });
  });

  it('refuses a zone-less LastUpdateDate or PostedDate instead of reading it in the worker zone', () => {
    expect(() => mapOrder({ account: 'us', order: { ...amazonOrder, LastUpdateDate: '2026-11-01T11:00:00' }, items: [amazonItem], marketplaceId: 'x' }))
      .toThrow(/LastUpdateDate: "2026-11-01T11:00:00" has no zone/);
    const refundEvents = [{ PostedDate: '2026-11-05T08:00:00', ShipmentItemAdjustmentList: [{ OrderItemId: '1', QuantityShipped: 1 }] }];
    expect(() => mapOrder({ account: 'us', order: amazonOrder, items: [amazonItem], marketplaceId: 'x', refundEvents })).toThrow(/PostedDate/);
    const offset = mapOrder({ account: 'us', order: amazonOrder, items: [amazonItem], marketplaceId: 'x', refundEvents: [{ ...refundEvents[0]!, PostedDate: '2026-11-05T09:00:00+01:00' }] });
    expect(offset.refunds?.[0]?.occurredAt).toBe('2026-11-05T08:00:00.000Z');
  });

  it('ORDER_CHANGE notifications: TimeOfOrderChange in the canonical form', () => {
    const parsed = parseNotification({ body: amazonNotification('2026-11-01T11:00:00Z'), account: 'us', sellerId: 'SELLER' });
    expect(parsed.kind === 'order' && parsed.event.occurredAt).toBe('2026-11-01T11:00:00.000Z');
    expect(parseNotification({ body: amazonNotification('2026-11-01T11:00:00'), account: 'us', sellerId: 'SELLER' }).kind).toBe('invalid');
  });
});

describe('eBay', () => {
  const usd = (value: string) => ({ value, currency: 'USD' });
  const order = (overrides: Partial<EbayOrder> = {}): EbayOrder => ({
    orderId: '12-34567-89012',
    creationDate: '2026-03-01T10:00:00Z',
    lastModifiedDate: '2026-03-01T11:05:00.5+01:00',
    orderFulfillmentStatus: 'NOT_STARTED',
    orderPaymentStatus: 'PAID',
    buyer: { username: 'buyer_1' },
    cancelStatus: { cancelState: 'NONE_REQUESTED' },
    pricingSummary: { total: usd('21.00') },
    lineItems: [{ lineItemId: '100', sku: 'S-1', title: 'Mug', quantity: 2, lineItemCost: usd('20.00') }],
    ...overrides,
  });

  it('creationDate and lastModifiedDate in the canonical form', () => {
    expect(fromEbay(order(), 'main')).toMatchObject({ createdAt: '2026-03-01T10:00:00.000Z', updatedAt: '2026-03-01T10:05:00.500Z' });
  });

  it('refunds of mixed precision are ordered by time, not by text', () => {
    const line = (id: string, refundId: string, refundDate: string) => ({ lineItemId: id, sku: `S-${id}`, title: 'Mug', quantity: 1, lineItemCost: usd('10.00'), refunds: [{ refundId, refundDate, amount: usd('1.00') }] });
    // R-late is 0.5 s after R-early, but "...:00.500Z" < "...:00Z" as text.
    const mapped = fromEbay(order({ lineItems: [line('1', 'R-late', '2026-03-02T10:00:00.500Z'), line('2', 'R-early', '2026-03-02T10:00:00Z')] }), 'main');
    expect(mapped.refunds?.map((r) => [r.refundId, r.occurredAt])).toEqual([['R-early', '2026-03-02T10:00:00.000Z'], ['R-late', '2026-03-02T10:00:00.500Z']]);
  });

  it('notification eventDate in the canonical form', () => {
    const body = { metadata: { topic: 'ORDER_CONFIRMATION' }, notification: { notificationId: 'n1', eventDate: '2026-03-01T10:00:00-08:00', data: { orderId: '12-34567-89012' } } };
    expect(events(parseEbayNotification(request(body)))[0]!.occurredAt).toBe('2026-03-01T18:00:00.000Z');
  });
});

describe('Walmart', () => {
  it('epoch milliseconds and ISO text with a zone; zone-less text is refused', () => {
    expect(walmartDateToIso(1623796407000)).toBe('2021-06-15T22:33:27.000Z');
    expect(walmartDateToIso('2021-06-15T22:33:27.5+02:00')).toBe('2021-06-15T20:33:27.500Z');
    expect(walmartDateToIso('2021-06-15T22:33:27Z')).toBe('2021-06-15T22:33:27.000Z');
    expect(() => walmartDateToIso('2021-06-15T22:33:27')).toThrow(/unreadable date/);
    expect(() => walmartDateToIso('June 15, 2021')).toThrow(/unreadable date/);
  });

  it('webhook eventTime in the canonical form, or the delivery is refused', () => {
    const body = (eventTime: string) => ({ source: { eventType: 'PO_CREATED', eventTime, eventId: 'evt-1' }, payload: { purchaseOrderId: '42' } });
    expect(events(parseWalmartWebhook(request(body('2026-11-26T12:00:00Z'))))[0]!.occurredAt).toBe('2026-11-26T12:00:00.000Z');
    expect(parseWalmartWebhook(request(body('2026-11-26T12:00:00'))).ok).toBe(false);
  });
});

describe('WooCommerce', () => {
  it('*_gmt dates (UTC without a zone, as documented) get Z and milliseconds; the site-local twins are not read', () => {
    expect(fromWoo({ account: 'shop', order: WooOrder.parse(wooOrder()) })).toMatchObject({ createdAt: '2026-11-26T21:10:05.000Z', updatedAt: '2026-11-26T21:11:00.000Z' });
  });
});

describe('Daraz', () => {
  it('venture-local times with an offset, in either documented shape and any precision', () => {
    expect(parseDarazTime('2018-02-09T22:44:30.5+08:00')).toBe('2018-02-09T14:44:30.500Z');
    expect(parseDarazTime('2026-01-01 05:30:00 +0530')).toBe('2026-01-01T00:00:00.000Z');
    expect(() => parseDarazTime('2026-01-01 05:30:00')).toThrow(/unknown shape/);
    // Date.parse would have read this as 2 March.
    expect(() => parseDarazTime('2026-02-30 10:00:00 +0500')).toThrow(/not a date/);
  });
});

describe('noon', () => {
  it('order_created_at and published_at with an offset or whole seconds come out canonical', () => {
    const order = NoonOrder.parse({
      fbpi_order_nr: 'NFBO1', currency_code: 'AED', order_created_at: '2026-04-09T12:42:15+04:00',
      items: [{ mp_item_nr: 'i1', partner_sku: 'A', mp_status: 'MP_ITEM_STATUS_CONFIRMED', integration_status: 'INTEGRATION_ITEM_STATUS_UNSPECIFIED', delivered_invoice_price: 1 }],
    });
    expect(fromNoon({ account: 'ae', order })).toMatchObject({ createdAt: '2026-04-09T08:42:15.000Z', updatedAt: '2026-04-09T08:42:15.000Z' });
    const envelope = { event_schema_version: 1, event_type: 'FBPI::ORDER_CREATED', metadata: { published_at: '2026-04-09T12:42:15.2+04:00' }, payload: { order_nr: 'NFBO1' } };
    expect(events(parseNoonDelivery(request(envelope)))[0]!.occurredAt).toBe('2026-04-09T08:42:15.200Z');
  });
});

describe('withCanonicalOutput (every adapter the registry builds)', () => {
  const order = (overrides: Partial<Record<keyof CanonicalOrder, unknown>> = {}) => ({
    channel: 'shopify', account: 'shop', externalId: '1', name: '#1', status: 'paid', currency: 'USD', customer: { name: 'Ada' },
    lines: [{ lineId: '1', sku: 'S', title: 'T', quantity: 1, unitPrice: { amount: '1.00', currency: 'USD' } }],
    total: { amount: '1.00', currency: 'USD' }, taxesIncluded: false, test: false,
    createdAt: '2025-03-01T10:00:00-05:00', updatedAt: '2025-03-01T10:00:00.5-05:00',
    ...overrides,
  }) as CanonicalOrder;
  const stub = (returned: { order: CanonicalOrder; events?: unknown[]; fail?: Error }): ChannelAdapter & { extra: () => string } => ({
    channel: 'shopify',
    account: 'shop',
    capabilities: { orderIntake: 'webhook' } as ChannelAdapter['capabilities'],
    verifyWebhook: () => ({ ok: true }),
    parseWebhook: () => {
      if (returned.fail) throw returned.fail;
      return { ok: true, events: (returned.events ?? []) as ChannelEvent[] };
    },
    listOrdersChangedSince: async () => ({ orders: [returned.order], nextCursor: 'c2' }),
    getOrder: async () => {
      if (returned.fail) throw returned.fail;
      return returned.order;
    },
    acknowledgeOrder: async () => undefined,
    confirmShipment: async () => ({ shipmentRef: 'x' }),
    cancelOrder: async () => undefined,
    pushStock: async () => ({ results: [], calls: 0 }),
    pushPrices: async () => ({ results: [], calls: 0 }),
    extra: () => 'channel extras pass through',
  });

  it('normalises what an adapter forgot to, and leaves everything else as it was', async () => {
    const adapter = stub({
      order: order({ shipBy: '2025-03-03T23:59:59+09:00', refunds: [{ refundId: 'r', lines: [], total: { amount: '1.00', currency: 'USD' }, occurredAt: '2025-03-02T00:00:00+01:00' }] }),
      events: [{ channel: 'shopify', account: 'shop', externalId: '1', eventId: 'e', source: 'webhook', type: 'order.cancelled', occurredAt: '2025-03-01T10:00:00-05:00' }],
    });
    const checked = withCanonicalOutput(adapter) as typeof adapter;
    expect(await checked.getOrder({ externalId: '1' })).toMatchObject({
      createdAt: '2025-03-01T15:00:00.000Z', updatedAt: '2025-03-01T15:00:00.500Z', shipBy: '2025-03-03T14:59:59.000Z', refunds: [{ occurredAt: '2025-03-01T23:00:00.000Z' }],
    });
    const page = await checked.listOrdersChangedSince({ since: '2025-03-01T00:00:00.000Z' });
    expect(page).toMatchObject({ nextCursor: 'c2', orders: [{ updatedAt: '2025-03-01T15:00:00.500Z' }] });
    expect(events(checked.parseWebhook(request('{}')))[0]!.occurredAt).toBe('2025-03-01T15:00:00.000Z');
    expect(checked.extra()).toBe('channel extras pass through');
    expect(checked.capabilities.orderIntake).toBe('webhook');
  });

  it('refuses zone-less times as protocol errors (not retried) and as malformed webhooks', async () => {
    const checked = withCanonicalOutput(stub({
      order: order({ updatedAt: '2025-03-01T10:00:00' }),
      events: [{ channel: 'shopify', account: 'shop', externalId: '1', eventId: 'e', source: 'webhook', type: 'order.cancelled', occurredAt: '2025-03-01T10:00:00' }],
    }));
    const error = await checked.getOrder({ externalId: '1' }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error).toMatchObject({ kind: 'protocol', message: expect.stringMatching(/updatedAt: "2025-03-01T10:00:00" has no zone/) });
    await expect(checked.listOrdersChangedSince({ since: '2025-03-01T00:00:00.000Z' })).rejects.toMatchObject({ kind: 'protocol' });
    const parsed = checked.parseWebhook(request('{}'));
    expect(parsed).toMatchObject({ ok: false, issues: [{ path: ['events', 0, 'occurredAt'] }] });

    const thrown = withCanonicalOutput(stub({ order: order(), fail: new InvalidInstantError('LastUpdateDate: "x" is not an instant') }));
    await expect(thrown.getOrder({ externalId: '1' })).rejects.toMatchObject({ kind: 'protocol', message: expect.stringContaining('LastUpdateDate') });
    expect(thrown.parseWebhook(request('{}'))).toMatchObject({ ok: false, message: expect.stringContaining('LastUpdateDate') });
  });
});
