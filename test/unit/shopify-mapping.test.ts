import { throttleWaitMs } from '../../activities/marketplaces/shopify/client';
import { legacyId, orderFromGraphql, orderFromRest, refundFromRest, statusOf } from '../../activities/marketplaces/shopify/mapping';
import { GqlOrder, RestOrder, RestRefund, ShopTime } from '../../activities/marketplaces/shopify/schemas';
import { actualCost, parseOperation, requestedCost } from '../../simulators/shopify/graphql-doc';

describe('Shopify status mapping', () => {
  it.each([
    [{ cancelled: true, financialStatus: 'paid', fulfillmentStatus: null }, 'cancelled'],
    [{ cancelled: false, financialStatus: 'voided', fulfillmentStatus: null }, 'cancelled'],
    [{ cancelled: false, financialStatus: 'refunded', fulfillmentStatus: 'fulfilled' }, 'refunded'],
    [{ cancelled: false, financialStatus: 'paid', fulfillmentStatus: 'fulfilled' }, 'shipped'],
    [{ cancelled: false, financialStatus: 'partially_refunded', fulfillmentStatus: 'partial' }, 'partially_shipped'],
    [{ cancelled: false, financialStatus: 'authorized', fulfillmentStatus: null }, 'paid'],
    [{ cancelled: false, financialStatus: 'partially_refunded', fulfillmentStatus: null }, 'paid'],
    [{ cancelled: false, financialStatus: 'pending', fulfillmentStatus: null }, 'pending_payment'],
    [{ cancelled: false, financialStatus: 'partially_paid', fulfillmentStatus: null }, 'pending_payment'],
    [{ cancelled: false, financialStatus: 'PAID', fulfillmentStatus: null }, 'paid'],
  ] as const)('%j -> %s', (facts, expected) => {
    expect(statusOf(facts)).toBe(expected);
  });
});

describe('Shopify value parsing', () => {
  it('turns shop-offset timestamps into UTC', () => {
    expect(ShopTime.parse('2025-03-01T10:00:00-05:00')).toBe('2025-03-01T15:00:00.000Z');
    expect(ShopTime.safeParse('2025-03-01 10:00').success).toBe(false);
  });

  it('reads numeric ids out of GIDs', () => {
    expect(legacyId('gid://shopify/LineItem/13400000000001')).toBe('13400000000001');
  });

  it('totals a refund from its transactions, or from lines minus adjustments when there are none', () => {
    const base = {
      id: 1,
      order_id: 2,
      created_at: '2025-03-01T10:00:00-05:00',
      refund_line_items: [{ line_item_id: 9, quantity: 1, restock_type: 'no_restock', subtotal: '10.00', total_tax: 1.5 }],
    };
    const withTx = refundFromRest(RestRefund.parse({ ...base, transactions: [{ kind: 'refund', status: 'success', amount: '14.50', currency: 'USD' }, { kind: 'refund', status: 'failure', amount: '99.00' }] }), 'USD');
    expect(withTx).toMatchObject({ refundId: '1', total: { amount: '14.50' }, lines: [{ lineId: '9', amount: { amount: '11.50' }, restock: false }] });
    const noTx = refundFromRest(RestRefund.parse({ ...base, order_adjustments: [{ amount: '-3.00', kind: 'shipping_refund' }] }), 'USD');
    expect(noTx.total).toEqual({ amount: '14.50', currency: 'USD' });
  });

  it('reads only returned goods as a restock, never units cancelled before they shipped', () => {
    const line = (id: number, restockType: string | null) => ({ line_item_id: id, quantity: 1, restock_type: restockType, subtotal: '10.00', total_tax: 0 });
    const refund = refundFromRest(RestRefund.parse({
      id: 3,
      order_id: 2,
      created_at: '2025-03-01T10:00:00-05:00',
      refund_line_items: [line(1, 'return'), line(2, 'legacy_restock'), line(3, 'cancel'), line(4, 'no_restock'), line(5, null)],
      transactions: [{ kind: 'refund', status: 'success', amount: '50.00', currency: 'USD' }],
    }), 'USD');
    expect(refund.lines.map((l) => [l.lineId, l.restock])).toEqual([['1', true], ['2', true], ['3', false], ['4', false], ['5', false]]);
  });

  it('GraphQL lines keep their refunded units (currentQuantity is net of refunds and edits)', () => {
    const usd = (amount: string) => ({ shopMoney: { amount, currencyCode: 'USD' } });
    const line = (id: string, quantity: number, currentQuantity: number) => ({
      id: `gid://shopify/LineItem/${id}`, sku: `SKU-${id}`, name: `Item ${id}`, quantity, currentQuantity, variant: null,
      originalUnitPriceSet: usd('10.00'), totalDiscountSet: usd('0.00'), taxLines: [],
    });
    // Line 1: 3 ordered, 1 refunded. Line 2: 2 ordered, edited down to 1.
    const order = GqlOrder.parse({
      id: 'gid://shopify/Order/7', legacyResourceId: '7', name: '#1007', email: null,
      createdAt: '2026-03-01T10:00:00Z', updatedAt: '2026-03-01T11:00:00Z', cancelledAt: null, cancelReason: null,
      displayFinancialStatus: 'PARTIALLY_REFUNDED', displayFulfillmentStatus: 'UNFULFILLED', currencyCode: 'USD', taxesIncluded: false, test: false,
      totalPriceSet: usd('50.00'), currentTotalPriceSet: usd('30.00'), totalShippingPriceSet: usd('0.00'),
      customer: null, shippingAddress: null, billingAddress: null,
      lineItems: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [line('1', 3, 2), line('2', 2, 1)] },
    });
    const mapped = orderFromGraphql(order, order.lineItems.nodes, 'shop', new Map([['gid://shopify/LineItem/1', 1]]));
    expect(mapped.lines.map((l) => [l.lineId, l.quantity])).toEqual([['1', 3], ['2', 1]]);
  });

  describe('delivery (per fulfillment; the order status has no delivered value)', () => {
    const usd = (amount: string) => ({ shopMoney: { amount, currencyCode: 'USD' } });
    const gql = (displayFulfillmentStatus: string, fulfillments?: unknown[]) =>
      GqlOrder.parse({
        id: 'gid://shopify/Order/8', legacyResourceId: '8', name: '#1008', email: null,
        createdAt: '2026-03-01T10:00:00Z', updatedAt: '2026-03-04T11:00:00Z', cancelledAt: null, cancelReason: null,
        displayFinancialStatus: 'PAID', displayFulfillmentStatus, currencyCode: 'USD', taxesIncluded: false, test: false,
        totalPriceSet: usd('10.00'), currentTotalPriceSet: usd('10.00'), totalShippingPriceSet: usd('0.00'),
        customer: null, shippingAddress: null, billingAddress: null,
        lineItems: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [{
          id: 'gid://shopify/LineItem/1', sku: 'SKU-1', name: 'Item', quantity: 1, currentQuantity: 1, variant: null,
          originalUnitPriceSet: usd('10.00'), totalDiscountSet: usd('0.00'), taxLines: [],
        }] },
        ...(fulfillments ? { fulfillments } : {}),
      });
    const fromGql = (o: GqlOrder) => orderFromGraphql(o, o.lineItems.nodes, 'shop');
    const f = (status: string, displayStatus: string | null, deliveredAt: string | null) => ({ status, displayStatus, deliveredAt });

    it('GraphQL: delivered when fulfilled in full and every successful fulfillment is DELIVERED, at the latest deliveredAt', () => {
      const both = gql('FULFILLED', [f('SUCCESS', 'DELIVERED', '2026-03-03T09:00:00Z'), f('SUCCESS', 'DELIVERED', '2026-03-04T08:30:00-02:00'), f('CANCELLED', 'CANCELED', null)]);
      expect(fromGql(both)).toMatchObject({ status: 'shipped', deliveredAt: '2026-03-04T10:30:00.000Z' });
      expect(fromGql(gql('FULFILLED', [f('SUCCESS', 'DELIVERED', '2026-03-03T09:00:00Z'), f('SUCCESS', 'IN_TRANSIT', null)]))).not.toHaveProperty('deliveredAt');
      // Partly fulfilled: the rest has not even left.
      expect(fromGql(gql('PARTIALLY_FULFILLED', [f('SUCCESS', 'DELIVERED', '2026-03-03T09:00:00Z')]))).not.toHaveProperty('deliveredAt');
      expect(fromGql(gql('FULFILLED', [f('SUCCESS', 'FULFILLED', null)]))).not.toHaveProperty('deliveredAt');
      expect(fromGql(gql('FULFILLED'))).not.toHaveProperty('deliveredAt');
    });

    it('REST (webhooks): shipment_status delivered on every successful fulfillment, at its updated_at in UTC', () => {
      const rest = (fulfillmentStatus: string | null, fulfillments: unknown[]) =>
        orderFromRest(RestOrder.parse({
          id: 9, name: '#1009', created_at: '2026-03-01T10:00:00-05:00', updated_at: '2026-03-04T10:00:00-05:00', financial_status: 'paid',
          fulfillment_status: fulfillmentStatus, currency: 'USD', total_price: '10.00', taxes_included: false,
          line_items: [{ id: 1, sku: 'SKU-1', title: 'Item', quantity: 1, price: '10.00' }], fulfillments,
        }), 'shop');
      const ful = (status: string, shipment_status: string | null, updated_at: string) => ({ id: 1, status, shipment_status, updated_at });
      expect(rest('fulfilled', [ful('success', 'delivered', '2026-03-03T09:00:00-05:00'), ful('cancelled', null, '2026-03-05T09:00:00-05:00')]))
        .toMatchObject({ status: 'shipped', deliveredAt: '2026-03-03T14:00:00.000Z' });
      expect(rest('fulfilled', [ful('success', 'out_for_delivery', '2026-03-03T09:00:00-05:00')])).not.toHaveProperty('deliveredAt');
      expect(rest('partial', [ful('success', 'delivered', '2026-03-03T09:00:00-05:00')])).not.toHaveProperty('deliveredAt');
      expect(rest(null, [])).not.toHaveProperty('deliveredAt');
    });
  });

  it('computes the wait after THROTTLED from what is missing and the restore rate', () => {
    expect(throttleWaitMs({ requestedQueryCost: 110, throttleStatus: { currentlyAvailable: 10, restoreRate: 100 } })).toBe(1000);
    expect(throttleWaitMs({ requestedQueryCost: 10, throttleStatus: { currentlyAvailable: 50, restoreRate: 100 } })).toBe(0);
  });
});

describe('simulator GraphQL pricing', () => {
  it('prices objects 1, connections 2 + first x item cost, mutations 10', () => {
    const query = parseOperation(`query Q($n: Int!) { # comment
      shop { currencyCode }
      orders(first: $n, query: "updated_at:>='2025-01-01'") { pageInfo { hasNextPage } nodes { id customer { email } lineItems(first: 3) { nodes { sku } } } }
    }`);
    // shop 1 + orders (2 + 4 * (1 + customer 1 + lineItems (2 + 3 * 1)))
    expect(requestedCost(query, { n: 4 })).toBe(1 + 2 + 4 * (1 + 1 + 5));
    const data = { shop: { currencyCode: 'USD' }, orders: { pageInfo: { hasNextPage: false }, nodes: [{ id: 'x', customer: null, lineItems: { nodes: [{ sku: 'a' }] } }] } };
    expect(actualCost(query, data)).toBe(1 + 2 + (1 + 0 + (2 + 1)));
    expect(requestedCost(parseOperation('mutation { orderCancel(orderId: "x", reason: OTHER, restock: true) { job { id } } }'), {})).toBe(10);
  });

  it('refuses fragments and broken documents', () => {
    expect(() => parseOperation('{ order(id: "1") { ...F } }')).toThrow(/Fragments/);
    expect(() => parseOperation('{ order(id: "1") { name }')).toThrow(/end of document/);
  });
});
