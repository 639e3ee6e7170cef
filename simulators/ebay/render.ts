import { fromCents, toCents } from './decimal';
import {
  lineStatus, orderFulfillmentStatus, orderSubtotal, orderTotal,
  type SimFulfillment, type SimOrder, type SimProduct,
} from './store';

// Renders simulator state in the shapes of eBay's OpenAPI models (Order, ShippingFulfillment, offers).

const DAY = 86_400_000;
export const SELLER_ID = 'channelsync_seller';
export const MARKETPLACE_ID = 'EBAY_US';

const amount = (value: string, currency: string) => ({ value, currency });

function addDays(iso: string, days: number): string {
  return new Date(Date.parse(iso) + days * DAY).toISOString();
}

/** `detail` is getOrder: only that call fills cancelStatus.cancelRequests (eBay quirk). */
export function renderOrder(order: SimOrder, apiBase: string, detail: boolean, now = Date.now()): Record<string, unknown> {
  const c = order.currency;
  const age = now - Date.parse(order.creationDate);
  // PII retention: email only for 14 days, name/phone/street lines dropped after 90 days.
  const keepEmail = age <= 14 * DAY;
  const keepPersonal = age <= 90 * DAY;
  const a = order.shipTo;
  const contactAddress = {
    ...(keepPersonal ? { addressLine1: a.addressLine1, ...(a.addressLine2 ? { addressLine2: a.addressLine2 } : {}) } : {}),
    city: a.city,
    ...(a.stateOrProvince ? { stateOrProvince: a.stateOrProvince } : {}),
    ...(a.postalCode ? { postalCode: a.postalCode } : {}),
    countryCode: a.countryCode,
  };
  const shipTo = {
    ...(keepPersonal ? { fullName: a.fullName } : {}),
    contactAddress,
    ...(keepPersonal && a.phone ? { primaryPhone: { phoneNumber: a.phone } } : {}),
    ...(keepEmail && a.email ? { email: a.email } : {}),
  };
  const refunded = order.refunds.reduce((sum, r) => sum + toCents(r.amount), 0n);
  const total = orderTotal(order);
  const cancelled = order.cancelState === 'CANCELED';
  return {
    orderId: order.orderId,
    creationDate: order.creationDate,
    lastModifiedDate: order.lastModifiedDate,
    orderFulfillmentStatus: orderFulfillmentStatus(order),
    orderPaymentStatus: order.paymentStatus,
    sellerId: SELLER_ID,
    buyer: {
      username: order.buyerUsername,
      taxAddress: { city: a.city, stateOrProvince: a.stateOrProvince, postalCode: a.postalCode, countryCode: a.countryCode },
    },
    ...(order.buyerCheckoutNotes ? { buyerCheckoutNotes: order.buyerCheckoutNotes } : {}),
    pricingSummary: {
      priceSubtotal: amount(fromCents(orderSubtotal(order)), c),
      deliveryCost: amount(order.shippingCost, c),
      total: amount(total, c),
    },
    cancelStatus: {
      cancelState: order.cancelState,
      ...(order.cancelledDate ? { cancelledDate: order.cancelledDate } : {}),
      cancelRequests:
        detail && order.cancelledDate
          ? [{
              cancelInitiator: 'SELLER',
              cancelReason: 'OUT_OF_STOCK_OR_CANNOT_FULFILL',
              cancelRequestedDate: order.cancelledDate,
              cancelCompletedDate: order.cancelledDate,
              cancelRequestId: `5${order.legacyOrderId.replace(/\D/g, '').slice(0, 9)}`,
              cancelRequestState: 'COMPLETED',
            }]
          : [],
    },
    paymentSummary: {
      totalDueSeller: amount(fromCents(toCents(total) - refunded), c),
      payments: [{
        paymentMethod: 'EBAY',
        paymentReferenceId: `${order.orderId.replace(/-/g, '')}P`,
        paymentDate: order.creationDate,
        amount: amount(total, c),
        paymentStatus: order.paymentStatus === 'PENDING' ? 'PENDING' : 'PAID',
      }],
      // Line-level refunds are reported on their lines only (OrderRefund: "does not include line item level refunds").
      refunds: order.refunds.filter((r) => !r.lines).map((r) => ({
        refundId: r.refundId,
        refundReferenceId: `${r.refundId}R`,
        refundDate: r.refundDate,
        amount: amount(r.amount, c),
        refundStatus: 'REFUNDED',
      })),
    },
    fulfillmentStartInstructions: [{
      fulfillmentInstructionsType: 'SHIP_TO',
      ebaySupportedFulfillment: false,
      minEstimatedDeliveryDate: addDays(order.creationDate, 3),
      maxEstimatedDeliveryDate: addDays(order.creationDate, 7),
      shippingStep: { shipTo, shippingCarrierCode: 'USPS', shippingServiceCode: 'USPSPriority' },
    }],
    fulfillmentHrefs: order.fulfillments.map((f) => fulfillmentHref(apiBase, order.orderId, f.fulfillmentId)),
    lineItems: order.lines.map((l) => {
      const cost = fromCents(toCents(l.unitPrice) * BigInt(l.quantity));
      return {
        lineItemId: l.lineItemId,
        legacyItemId: l.legacyItemId,
        sku: l.sku,
        title: l.title,
        quantity: l.quantity,
        lineItemCost: amount(cost, c),
        total: amount(cost, c),
        deliveryCost: { shippingCost: amount('0.00', c) },
        appliedPromotions: [],
        taxes: [],
        refunds: order.refunds.flatMap((r) =>
          (r.lines ?? []).filter((x) => x.lineItemId === l.lineItemId).map((x) => ({ refundId: r.refundId, refundDate: r.refundDate, amount: amount(x.amount, c) })),
        ),
        soldFormat: 'FIXED_PRICE',
        listingMarketplaceId: MARKETPLACE_ID,
        purchaseMarketplaceId: MARKETPLACE_ID,
        lineItemFulfillmentStatus: cancelled ? 'NOT_STARTED' : lineStatus(l),
        lineItemFulfillmentInstructions: {
          shipByDate: addDays(order.creationDate, 2),
          minEstimatedDeliveryDate: addDays(order.creationDate, 3),
          maxEstimatedDeliveryDate: addDays(order.creationDate, 7),
          guaranteedDelivery: false,
        },
        properties: { buyerProtection: true },
        itemLocation: { location: 'San Jose, CA', countryCode: 'US', postalCode: '95125' },
      };
    }),
    salesRecordReference: order.salesRecordReference,
    ebayCollectAndRemitTax: false,
    totalFeeBasisAmount: amount(total, c),
    totalMarketplaceFee: amount(fromCents((toCents(total) * 13n) / 100n), c),
  };
}

export function fulfillmentHref(apiBase: string, orderId: string, fulfillmentId: string): string {
  return `${apiBase}/sell/fulfillment/v1/order/${orderId}/shipping_fulfillment/${fulfillmentId}`;
}

export function renderFulfillment(f: SimFulfillment): Record<string, unknown> {
  return {
    fulfillmentId: f.fulfillmentId,
    shippedDate: f.shippedDate,
    shippingCarrierCode: f.shippingCarrierCode,
    shipmentTrackingNumber: f.trackingNumber,
    lineItems: f.lineItems.map((l) => ({ lineItemId: l.lineItemId, quantity: l.quantity })),
  };
}

export function renderOffer(p: SimProduct): Record<string, unknown> {
  return {
    offerId: p.offerId,
    sku: p.sku,
    marketplaceId: MARKETPLACE_ID,
    format: 'FIXED_PRICE',
    availableQuantity: p.quantity,
    categoryId: '30120',
    merchantLocationKey: 'WH1',
    pricingSummary: { price: amount(p.price, p.currency) },
    status: p.offerStatus,
    listing: p.offerStatus === 'PUBLISHED' ? { listingId: p.listingId, listingStatus: 'ACTIVE' } : undefined,
  };
}

export function renderInventoryItem(p: SimProduct): Record<string, unknown> {
  return {
    sku: p.sku,
    locale: 'en_US',
    condition: 'NEW',
    product: { title: p.title },
    availability: { shipToLocationAvailability: { quantity: p.quantity } },
  };
}
