import { cents, type SimLine, type SimOrder, type StatusEntry } from './store';

// Walmart's JSON shapes: epoch-millisecond dates as numbers, money amounts as numbers, quantities as strings.

function toNumber(value: bigint): number {
  return Number(value) / 100;
}

function quantity(amount: number) {
  return { unitOfMeasurement: 'EACH', amount: String(amount) };
}

function status(s: StatusEntry) {
  return {
    status: s.status,
    statusQuantity: quantity(s.quantity),
    ...(s.cancellationReason ? { cancellationReason: s.cancellationReason } : {}),
    ...(s.tracking
      ? {
          trackingInfo: {
            shipDateTime: s.tracking.shipDateTime,
            carrierName: s.tracking.carrier ? { carrier: s.tracking.carrier } : { otherCarrier: s.tracking.otherCarrier },
            methodCode: s.tracking.methodCode,
            trackingNumber: s.tracking.trackingNumber,
            ...(s.tracking.trackingURL ? { trackingURL: s.tracking.trackingURL } : {}),
          },
        }
      : {}),
  };
}

function line(l: SimLine, currency: string) {
  const money = (amount: string) => ({ currency, amount: Number(amount) });
  const charges: unknown[] = [
    {
      chargeType: 'PRODUCT',
      chargeName: 'ItemPrice',
      chargeAmount: money(l.unitPrice),
      ...(l.unitTax ? { tax: { taxName: 'Tax1', taxAmount: money(l.unitTax) } } : {}),
    },
  ];
  if (l.shipping) {
    charges.push({
      chargeType: 'SHIPPING',
      chargeName: 'Shipping',
      chargeAmount: money(l.shipping),
      ...(l.shippingTax ? { tax: { taxName: 'Tax1', taxAmount: money(l.shippingTax) } } : {}),
    });
  }
  const last = l.refunds.at(-1);
  return {
    lineNumber: l.lineNumber,
    item: { productName: l.productName, sku: l.sku },
    charges: { charge: charges },
    orderLineQuantity: quantity(l.quantity),
    statusDate: l.statusDate,
    orderLineStatuses: { orderLineStatus: l.statuses.map(status) },
    ...(last
      ? {
          refund: {
            refundId: last.refundId,
            ...(last.comments ? { refundComments: last.comments } : {}),
            refundCharges: {
              // Cumulative: every charge refunded on this line so far, oldest first.
              refundCharge: l.refunds.map((r) => ({
                refundReason: r.reason,
                charge: {
                  chargeType: r.chargeType,
                  chargeName: r.chargeType === 'PRODUCT' ? 'Item Price' : 'Shipping',
                  chargeAmount: money(r.amount),
                  ...(r.tax ? { tax: { taxName: r.chargeType === 'PRODUCT' ? 'Item Price Tax' : 'Shipping Tax', taxAmount: money(r.tax) } } : {}),
                },
              })),
            },
          },
        }
      : {}),
    fulfillment: { fulfillmentOption: 'S2H', shipMethod: 'STANDARD', pickUpDateTime: l.statusDate + 5 * 86_400_000 },
    ...(l.sellerOrderId ? { sellerOrderId: l.sellerOrderId } : {}),
  };
}

/** One purchase order as getAnOrder / getAllOrders return it. */
export function orderRecord(o: SimOrder) {
  const total = o.lines.reduce((sum, l) => {
    const unit = cents(l.unitPrice) + (l.unitTax ? cents(l.unitTax) : 0n);
    return sum + unit * BigInt(l.quantity) + (l.shipping ? cents(l.shipping) + (l.shippingTax ? cents(l.shippingTax) : 0n) : 0n);
  }, 0n);
  return {
    purchaseOrderId: o.purchaseOrderId,
    customerOrderId: o.customerOrderId,
    customerEmailId: o.customerEmailId,
    orderType: 'REGULAR',
    orderDate: o.orderDate,
    buyerId: o.buyerId,
    mart: 'Walmart.com',
    isGuest: false,
    shippingInfo: {
      phone: o.phone,
      estimatedDeliveryDate: o.orderDate + 5 * 86_400_000,
      estimatedShipDate: o.orderDate + 86_400_000,
      methodCode: o.methodCode,
      postalAddress: { ...o.address, addressType: 'RESIDENTIAL' },
    },
    orderLines: { orderLine: o.lines.map((l) => line(l, o.currency)) },
    paymentTypes: ['CREDITCARD'],
    orderSummary: {
      totalAmount: { currencyAmount: toNumber(total), currencyUnit: o.currency },
      orderSubTotals: [{ subTotalType: 'totalAmount', totalAmount: { currencyAmount: toNumber(total), currencyUnit: o.currency } }],
    },
    shipNode: { type: o.shipNodeType },
  };
}

/** The lightweight PO_CREATED / PO_LINE_AUTOCANCELLED notification (dates as strings, per the event docs). */
export function orderEvent(input: { eventType: string; eventId: string; partnerId: string; order: SimOrder; lineNumbers?: string[] }) {
  const o = input.order;
  const lines = input.lineNumbers ? o.lines.filter((l) => input.lineNumbers!.includes(l.lineNumber)) : o.lines;
  return {
    source: { eventType: input.eventType, eventTime: new Date().toISOString(), eventId: input.eventId },
    payload: {
      partnerId: input.partnerId,
      purchaseOrderId: o.purchaseOrderId,
      customerOrderId: o.customerOrderId,
      orderDate: new Date(o.orderDate).toISOString(),
      estimatedDeliveryDate: new Date(o.orderDate + 5 * 86_400_000).toISOString(),
      estimatedShipDate: new Date(o.orderDate + 86_400_000).toISOString(),
      orderLines: lines.map((l) => ({
        lineNumber: l.lineNumber,
        sku: l.sku,
        productName: l.productName,
        quantity: { unitOfMeasure: 'EACH', measurementValue: l.quantity },
      })),
    },
  };
}

export function gatewayErrors(code: string, description: string, field?: string, category: 'REQUEST' | 'DATA' | 'SYSTEM' | 'APPLICATION' = 'DATA') {
  return {
    errors: [{ code, ...(field ? { field } : {}), description, info: description, severity: 'ERROR', category, causes: [] }],
  };
}
