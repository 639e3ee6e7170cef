import { randomBytes } from 'node:crypto';

// In-memory seller account: catalogue, orders (one item row per unit), packages, tokens, faults.

export type Country = 'PK' | 'BD' | 'LK' | 'NP';

export const VENTURES: Record<Country, { currency: string; offsetMinutes: number; site: string }> = {
  PK: { currency: 'PKR', offsetMinutes: 300, site: 'daraz_pk' },
  BD: { currency: 'BDT', offsetMinutes: 360, site: 'daraz_bd' },
  LK: { currency: 'LKR', offsetMinutes: 330, site: 'daraz_lk' },
  NP: { currency: 'NPR', offsetMinutes: 345, site: 'daraz_np' },
};

export interface SimItem {
  orderItemId: string;
  sku: string;
  name: string;
  itemPrice: string;
  paidPrice: string;
  voucher: string;
  status: string;
  reason: string;
  packageId: string;
  trackingCode: string;
  shipmentProvider: string;
  isFbl: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface SimOrder {
  orderId: string;
  orderNumber: string;
  paymentMethod: string;
  shippingFee: string;
  customer: { firstName: string; lastName: string; phone: string; address: string; city: string; postCode: string };
  items: SimItem[];
  createdAt: number;
  updatedAt: number;
}

/**
 * A reverse order (return, refund-only or cancellation) as /reverse/getreverseordersforseller shows it: one line
 * per unit (trade order line), each with its own reverse_status and refund_amount.
 */
export interface SimReverseLine {
  reverseOrderLineId: string;
  orderItemId: string;
  sku: string;
  reverseStatus: string;
  ofcStatus: string;
  /** Decimal text in the venture currency; the API shows cents. */
  refundAmount: string;
  itemUnitPrice: string;
  reasonText: string;
  createdAt: number;
  modifiedAt: number;
}

export interface SimReverseOrder {
  reverseOrderId: string;
  orderId: string;
  requestType: 'RETURN' | 'ONLY_REFUND' | 'CANCEL';
  lines: SimReverseLine[];
}

export interface SimPackage {
  packageId: string;
  orderId: string;
  itemIds: string[];
  trackingNumber: string;
  shipmentProvider: string;
  status: 'packed' | 'ready_to_ship';
}

export interface SimProduct {
  sellerSku: string;
  name: string;
  price: string;
  quantity: number;
}

export interface Token {
  accessToken: string;
  refreshToken: string;
  accessExpiresAt: number;
  refreshExpiresAt: number;
  revoked: boolean;
}

export interface Faults {
  rateLimit: number;
  serverError: number;
  latencyMs: number;
  dropPushes: number;
}

export function newFaults(): Faults {
  return { rateLimit: 0, serverError: 0, latencyMs: 0, dropPushes: 0 };
}

/** Amounts kept as decimal text; arithmetic in integer hundredths. */
export function cents(amount: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(amount);
  if (!m) throw new Error(`bad amount ${amount}`);
  const value = BigInt(m[2]!) * 100n + BigInt((m[3] ?? '').padEnd(2, '0') || '0');
  return m[1] ? -value : value;
}

export function fromCents(value: bigint): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const text = `${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
  return negative ? `-${text}` : text;
}

export function randomToken(prefix: string): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

/** Local venture time with an explicit offset, in either documented shape. */
export function formatLocal(ms: number, offsetMinutes: number, style: 'iso' | 'space'): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return style === 'iso' ? `${local}${sign}${hh}:${mm}` : `${local.replace('T', ' ')} ${sign}${hh}${mm}`;
}

export class DarazState {
  readonly orders = new Map<string, SimOrder>();
  readonly products = new Map<string, SimProduct>();
  readonly packages = new Map<string, SimPackage>();
  readonly reverseOrders = new Map<string, SimReverseOrder>();
  readonly tokens = new Map<string, Token>();
  readonly authCodes = new Map<string, number>();
  faults: Faults = newFaults();
  private seq = 0;

  nextId(base: number): string {
    this.seq += 1;
    return String(base + this.seq);
  }

  itemById(orderItemId: string): { order: SimOrder; item: SimItem } | undefined {
    for (const order of this.orders.values()) {
      const item = order.items.find((i) => i.orderItemId === orderItemId);
      if (item) return { order, item };
    }
    return undefined;
  }

  issueToken(input: { accessSeconds: number; refreshSeconds: number; now: number; refreshExpiresAt?: number }): Token {
    const token: Token = {
      accessToken: randomToken('50000'),
      refreshToken: randomToken('50001'),
      accessExpiresAt: input.now + input.accessSeconds * 1000,
      refreshExpiresAt: input.refreshExpiresAt ?? input.now + input.refreshSeconds * 1000,
      revoked: false,
    };
    this.tokens.set(token.accessToken, token);
    return token;
  }
}
