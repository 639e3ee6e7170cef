import { mapOrder, unitPriceFromLineTotal } from '../../activities/marketplaces/amazon/mapping';
import { type AmazonOrder, type AmazonOrderItem } from '../../activities/marketplaces/amazon/schemas';
import { parseNotification } from '../../activities/marketplaces/amazon/webhook';
import { compareTotals } from '../../activities/odoo/totals';
import { CanonicalOrder, numericPackageReference } from '../../domain';

describe('unitPriceFromLineTotal (ItemPrice is the line total)', () => {
  it.each([
    ['9.99', 3, 'USD', '3.33'],
    ['10.00', 4, 'USD', '2.50'],
    ['10.01', 2, 'USD', '5.005'],
    ['10.00', 3, 'USD', '3.33333333'],
    ['1001', 2, 'JPY', '500.5'],
    ['1000', 1, 'JPY', '1000'],
    ['0.00', 0, 'USD', '0.00'],
  ])('%s / %d %s = %s', (amount, quantity, currency, expected) => {
    expect(unitPriceFromLineTotal({ Amount: amount, CurrencyCode: currency }, quantity)).toEqual({ amount: expected, currency });
  });
});

const baseOrder: AmazonOrder = {
  AmazonOrderId: '902-1845936-5435065',
  PurchaseDate: '2026-11-01T10:00:00Z',
  LastUpdateDate: '2026-11-01T11:00:00Z',
  OrderStatus: 'Unshipped',
  FulfillmentChannel: 'MFN',
  MarketplaceId: 'A1PA6795UKMFR9',
  OrderTotal: { CurrencyCode: 'EUR', Amount: '25.98' },
  ShippingAddress: { City: 'Berlin', PostalCode: '10115', CountryCode: 'DE' },
};
const item: AmazonOrderItem = {
  ASIN: 'B000000001',
  OrderItemId: '05015851154158',
  SellerSKU: 'SKU-1',
  Title: 'Thing',
  QuantityOrdered: 2,
  ItemPrice: { CurrencyCode: 'EUR', Amount: '21.98' },
  ShippingPrice: { CurrencyCode: 'EUR', Amount: '4.00' },
  ItemTax: { CurrencyCode: 'EUR', Amount: '3.51' },
};

const usd2 = (amount: string) => ({ amount, currency: 'USD' });

describe('mapOrder', () => {
  it('maps an EU order without PII: no shippable address, VAT-inclusive prices, merchant fulfilled', () => {
    const order = CanonicalOrder.parse(mapOrder({ account: 'amazon-de', order: baseOrder, items: [item], marketplaceId: 'A1PA6795UKMFR9' }));
    expect(order).toMatchObject({ status: 'paid', currency: 'EUR', taxesIncluded: true, fulfilledBy: 'merchant', customer: { name: 'Amazon customer' } });
    expect(order.shippingAddress).toBeUndefined();
    expect(order.lines[0]).toMatchObject({ unitPrice: { amount: '10.99', currency: 'EUR' }, tax: { amount: '3.51', currency: 'EUR' } });
    expect(order.shippingTotal).toEqual({ amount: '4.00', currency: 'EUR' });
  });

  it('maps a Pending order with the marketplace currency and zero prices', () => {
    const { OrderTotal: _total, ShippingAddress: _address, ...rest } = baseOrder;
    const pendingItem: AmazonOrderItem = { ASIN: 'B000000001', OrderItemId: '1', SellerSKU: 'SKU-1', QuantityOrdered: 1 };
    const order = mapOrder({ account: 'amazon-de', order: { ...rest, OrderStatus: 'Pending' }, items: [pendingItem], marketplaceId: 'A1PA6795UKMFR9' });
    expect(order).toMatchObject({ status: 'pending_payment', currency: 'EUR', total: { amount: '0.00', currency: 'EUR' } });
    expect(order.lines[0]!.unitPrice).toEqual({ amount: '0.00', currency: 'EUR' });
  });

  it('carries the tax on the shipping, net of the shipping discount\'s tax, apart from the line tax (US: prices exclude tax)', () => {
    const usd = (Amount: string) => ({ CurrencyCode: 'USD', Amount });
    const us: AmazonOrder = { ...baseOrder, MarketplaceId: 'ATVPDKIKX0DER', OrderTotal: usd('28.92') };
    const items: AmazonOrderItem[] = [
      { ...item, ItemPrice: usd('21.98'), ItemTax: usd('1.98'), ShippingPrice: usd('5.00'), ShippingTax: usd('0.45'), ShippingDiscount: usd('1.00'), ShippingDiscountTax: usd('0.09') },
      { ...item, OrderItemId: '2', QuantityOrdered: 1, ItemPrice: usd('0.50'), ItemTax: usd('0.05'), ShippingPrice: usd('0.00'), ShippingTax: usd('0.05') },
    ];
    const order = CanonicalOrder.parse(mapOrder({ account: 'amazon-us', order: us, items, marketplaceId: 'ATVPDKIKX0DER' }));
    expect(order).toMatchObject({ taxesIncluded: false, shippingTotal: usd2('4.00'), shippingTax: usd2('0.41') });
    expect(order.lines.map((l) => l.tax)).toEqual([usd2('1.98'), usd2('0.05')]);
    // What Odoo gets (goods 22.48 + shipping 4.00) is what the channel's total comes to without the taxes.
    expect(compareTotals({ odoo: usd2('26.48'), order, tolerance: '0' }).within).toBe(true);
    // Zero or absent shipping tax leaves the field out.
    expect(mapOrder({ account: 'a', order: baseOrder, items: [{ ...item, ShippingTax: { CurrencyCode: 'EUR', Amount: '0.00' } }], marketplaceId: 'x' }).shippingTax).toBeUndefined();
    expect(mapOrder({ account: 'a', order: baseOrder, items: [item], marketplaceId: 'x' }).shippingTax).toBeUndefined();
  });

  it('takes the promotion discount\'s tax off the line tax, as OrderTotal does (US: prices exclude tax)', () => {
    const usd = (Amount: string) => ({ CurrencyCode: 'USD', Amount });
    const us: AmazonOrder = { ...baseOrder, MarketplaceId: 'ATVPDKIKX0DER', OrderTotal: usd('19.62') };
    const items: AmazonOrderItem[] = [
      { ...item, QuantityOrdered: 1, ItemPrice: usd('20.00'), ItemTax: usd('1.80'), PromotionDiscount: usd('2.00'), PromotionDiscountTax: usd('0.18'), ShippingPrice: usd('0.00'), ShippingTax: usd('0.00') },
    ];
    const order = CanonicalOrder.parse(mapOrder({ account: 'amazon-us', order: us, items, marketplaceId: 'ATVPDKIKX0DER' }));
    expect(order.lines[0]).toMatchObject({ discount: usd2('2.00'), tax: usd2('1.62') });
    // Odoo gets 20.00 less the 2.00 discount.
    expect(compareTotals({ odoo: usd2('18.00'), order, tolerance: '0' }).within).toBe(true);
  });

  it('marks FBA orders as fulfilled by the channel', () => {
    expect(mapOrder({ account: 'a', order: { ...baseOrder, FulfillmentChannel: 'AFN' }, items: [item], marketplaceId: 'x' }).fulfilledBy).toBe('channel');
  });
});

describe('refunds from the Finances API', () => {
  const eur = (CurrencyAmount: number) => ({ CurrencyCode: 'EUR', CurrencyAmount });
  const second: AmazonOrderItem = { ...item, OrderItemId: '05015851154159', SellerSKU: 'SKU-2', QuantityOrdered: 1, ItemPrice: { CurrencyCode: 'EUR', Amount: '4.00' } };
  const refundEvent = {
    AmazonOrderId: baseOrder.AmazonOrderId,
    PostedDate: '2026-11-05T08:00:00.123Z',
    ShipmentItemAdjustmentList: [
      {
        SellerSKU: 'SKU-1',
        OrderItemId: '05015851154158',
        OrderAdjustmentItemId: 'ADJ-2',
        QuantityShipped: 1,
        ItemChargeAdjustmentList: [{ ChargeType: 'Principal', ChargeAmount: eur(-10.99) }, { ChargeType: 'Tax', ChargeAmount: eur(-1.75) }],
        PromotionAdjustmentList: [{ PromotionType: 'PromotionMetaDataDefinitionValue', PromotionAmount: eur(1) }],
        ItemFeeAdjustmentList: [{ FeeType: 'Commission', FeeAmount: eur(1.32) }],
      },
      // Found by SKU when Amazon leaves the order item id out.
      { SellerSKU: 'SKU-2', OrderAdjustmentItemId: 'ADJ-1', QuantityShipped: 0, ItemChargeAdjustmentList: [{ ChargeType: 'ShippingCharge', ChargeAmount: eur(-4) }] },
    ],
  };

  it('maps a refund event to lines with units and money given back (fees left out), under a stable derived id', () => {
    const order = CanonicalOrder.parse(
      mapOrder({ account: 'amazon-de', order: { ...baseOrder, OrderStatus: 'Shipped' }, items: [item, second], marketplaceId: 'A1PA6795UKMFR9', refundEvents: [refundEvent] }),
    );
    expect(order.refunds).toEqual([
      {
        refundId: '2026-11-05T08:00:00.123Z/ADJ-1,ADJ-2',
        occurredAt: '2026-11-05T08:00:00.123Z',
        lines: [
          // 10.99 + 1.75 tax - 1.00 promotion given back.
          { lineId: '05015851154158', quantity: 1, amount: { amount: '11.74', currency: 'EUR' }, restock: false },
          { lineId: '05015851154159', quantity: 0, amount: { amount: '4.00', currency: 'EUR' }, restock: false },
        ],
        total: { amount: '15.74', currency: 'EUR' },
      },
    ]);
    // Read again in another order and with the date written differently: the same id.
    const again = mapOrder({
      account: 'amazon-de',
      order: baseOrder,
      items: [item, second],
      marketplaceId: 'A1PA6795UKMFR9',
      refundEvents: [{ ...refundEvent, PostedDate: '2026-11-05T09:00:00.123+01:00', ShipmentItemAdjustmentList: [...refundEvent.ShipmentItemAdjustmentList].reverse() }],
    });
    expect(again.refunds?.[0]?.refundId).toBe(order.refunds?.[0]?.refundId);
  });

  it('leaves refund-free orders without the field and skips events without items or date', () => {
    const order = mapOrder({ account: 'a', order: baseOrder, items: [item], marketplaceId: 'x', refundEvents: [{ AmazonOrderId: 'x', PostedDate: '2026-11-05T08:00:00Z' }, { ShipmentItemAdjustmentList: refundEvent.ShipmentItemAdjustmentList }] });
    expect(order).not.toHaveProperty('refunds');
  });
});

const notification = (overrides: { SellerId?: string; NotificationType?: string } = {}): string =>
  JSON.stringify({
    NotificationVersion: '1.0',
    NotificationType: overrides.NotificationType ?? 'ORDER_CHANGE',
    PayloadVersion: '1.0',
    EventTime: '2026-11-01T11:00:01.000Z',
    Payload: {
      OrderChangeNotification: {
        NotificationLevel: 'OrderLevel',
        SellerId: overrides.SellerId ?? 'SELLER',
        AmazonOrderId: '903-8868176-2219830',
        OrderChangeType: 'OrderStatusChange',
        OrderChangeTrigger: { TimeOfOrderChange: '2026-11-01T11:00:00.000Z', ChangeReason: 'PaymentAuthorized' },
        Summary: { MarketplaceId: 'ATVPDKIKX0DER', OrderStatus: 'Unshipped', PurchaseDate: null, DestinationPostalCode: null, FulfillmentType: 'AFN', OrderType: 'StandardOrder', OrderItems: [] },
      },
    },
    NotificationMetadata: { ApplicationId: 'app', SubscriptionId: 'sub', PublishTime: '2026-11-01T11:00:02.000Z', NotificationId: 'n-1' },
  });

describe('parseNotification', () => {
  it('turns ORDER_CHANGE into a key-only event', () => {
    const parsed = parseNotification({ body: notification(), account: 'amazon-us', sellerId: 'SELLER' });
    expect(parsed).toEqual({
      kind: 'order',
      event: {
        channel: 'amazon',
        account: 'amazon-us',
        externalId: '903-8868176-2219830',
        type: 'order.notified',
        eventId: 'n-1',
        occurredAt: '2026-11-01T11:00:00.000Z',
        source: 'webhook',
        topic: 'ORDER_CHANGE/OrderStatusChange',
      },
    });
  });

  it('passes other notification types by and refuses foreign sellers and garbage', () => {
    expect(parseNotification({ body: notification({ NotificationType: 'FEED_PROCESSING_FINISHED' }), account: 'a', sellerId: 'SELLER' })).toEqual({
      kind: 'other',
      notificationType: 'FEED_PROCESSING_FINISHED',
    });
    expect(parseNotification({ body: notification({ SellerId: 'OTHER' }), account: 'a', sellerId: 'SELLER' }).kind).toBe('invalid');
    expect(parseNotification({ body: '{not json', account: 'a', sellerId: 'SELLER' }).kind).toBe('invalid');
  });
});

describe('numericPackageReference', () => {
  it('is a stable positive number per shipment id', () => {
    const a = numericPackageReference('order/amazon/x/1-1');
    expect(a).toMatch(/^[1-9]\d*$/);
    expect(numericPackageReference('order/amazon/x/1-1')).toBe(a);
    expect(numericPackageReference('order/amazon/x/1-2')).not.toBe(a);
  });
});
