import { mapOrder } from '../../activities/marketplaces/amazon/mapping';
import { toCanonicalOrder as fromEbay } from '../../activities/marketplaces/ebay/mapping';
import { toCanonicalOrder as fromWalmart } from '../../activities/marketplaces/walmart';
import { WalmartOrder } from '../../activities/marketplaces/walmart/schemas';
import { CanonicalOrder } from '../../domain';

// The channel's ship-by deadline on the canonical order: Amazon LatestShipDate, eBay's earliest
// lineItemFulfillmentInstructions.shipByDate, Walmart shippingInfo.estimatedShipDate (epoch ms).

describe('shipBy', () => {
  it('Amazon: LatestShipDate, as ISO UTC; absent when Amazon gives none', () => {
    const order = {
      AmazonOrderId: '902-1845936-5435065',
      PurchaseDate: '2026-11-01T10:00:00Z',
      LastUpdateDate: '2026-11-01T11:00:00Z',
      OrderStatus: 'Unshipped' as const,
      FulfillmentChannel: 'MFN' as const,
      MarketplaceId: 'ATVPDKIKX0DER',
      OrderTotal: { CurrencyCode: 'USD', Amount: '10.00' },
    };
    const items = [{ ASIN: 'B000000001', OrderItemId: '1', SellerSKU: 'SKU-1', QuantityOrdered: 1, ItemPrice: { CurrencyCode: 'USD', Amount: '10.00' } }];
    const mapped = mapOrder({ account: 'us', order: { ...order, LatestShipDate: '2026-11-03T07:59:59-08:00' }, items, marketplaceId: 'ATVPDKIKX0DER' });
    expect(mapped.shipBy).toBe('2026-11-03T15:59:59.000Z');
    expect(CanonicalOrder.safeParse(mapped).success).toBe(true);
    expect(mapOrder({ account: 'us', order, items, marketplaceId: 'ATVPDKIKX0DER' }).shipBy).toBeUndefined();
  });

  it('eBay: the earliest shipByDate over the lines', () => {
    const usd = (value: string) => ({ value, currency: 'USD' });
    const line = (id: string, shipByDate?: string) => ({
      lineItemId: id,
      sku: `S-${id}`,
      quantity: 1,
      lineItemCost: usd('5.00'),
      ...(shipByDate ? { lineItemFulfillmentInstructions: { shipByDate, guaranteedDelivery: false } } : {}),
    });
    const order = {
      orderId: '12-34567-89012',
      creationDate: '2026-03-01T10:00:00.000Z',
      lastModifiedDate: '2026-03-01T10:05:00.000Z',
      orderFulfillmentStatus: 'NOT_STARTED',
      orderPaymentStatus: 'PAID',
      pricingSummary: { total: usd('15.00') },
      lineItems: [line('1', '2026-03-04T06:59:59.000Z'), line('2', '2026-03-03T06:59:59.000Z'), line('3')],
    };
    expect(fromEbay(order, 'main').shipBy).toBe('2026-03-03T06:59:59.000Z');
    expect(fromEbay({ ...order, lineItems: [line('3')] }, 'main').shipBy).toBeUndefined();
  });

  it('Walmart: estimatedShipDate in epoch milliseconds', () => {
    const po = (estimatedShipDate?: number | string) =>
      WalmartOrder.parse({
        purchaseOrderId: '1815367951431',
        customerOrderId: '4372135469400',
        orderDate: 1623796407000,
        shippingInfo: {
          phone: '3143450432',
          ...(estimatedShipDate !== undefined ? { estimatedShipDate } : {}),
          postalAddress: { name: 'Donald Ashley', address1: '6600 gazebo drive', city: 'Cedar hill', state: 'MO', postalCode: '63016', country: 'USA' },
        },
        orderLines: {
          orderLine: [
            {
              lineNumber: '1',
              item: { productName: 'Item 1', sku: 'SKU-1' },
              charges: { charge: [{ chargeType: 'PRODUCT', chargeName: 'ItemPrice', chargeAmount: { currency: 'USD', amount: 5 } }] },
              orderLineQuantity: { unitOfMeasurement: 'EACH', amount: '1' },
              statusDate: 1623835855623,
              orderLineStatuses: { orderLineStatus: [{ status: 'Acknowledged', statusQuantity: { unitOfMeasurement: 'EACH', amount: '1' } }] },
            },
          ],
        },
      });
    expect(fromWalmart(po(1623969207000), 'wm').shipBy).toBe('2021-06-17T22:33:27.000Z');
    expect(fromWalmart(po(), 'wm').shipBy).toBeUndefined();
    // An unreadable ship date only loses the alert, never the order.
    expect(fromWalmart(po('soon'), 'wm').shipBy).toBeUndefined();
  });
});
