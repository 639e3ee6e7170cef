import { generateKeyPair, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';

// In-memory noon project: one service-account key, FBPI orders (one item per unit), shipments, stock, prices.

export type NoonCountry = 'AE' | 'SA' | 'EG';
export const CURRENCY: Record<NoonCountry, string> = { AE: 'AED', SA: 'SAR', EG: 'EGP' };

export type MpStatus = 'MP_ITEM_STATUS_UNSPECIFIED' | 'MP_ITEM_STATUS_CONFIRMED' | 'MP_ITEM_STATUS_CANCELLED';
export type IntegrationStatus =
  | 'INTEGRATION_ITEM_STATUS_UNSPECIFIED'
  | 'INTEGRATION_ITEM_STATUS_ACKNOWLEDGED'
  | 'INTEGRATION_ITEM_STATUS_OUT_OF_STOCK'
  | 'INTEGRATION_ITEM_STATUS_SHIPPED';

/**
 * A unit noon refunded to the customer (after a customer return or an RTO). FBPI documents no return or refund
 * fields (regional-marketplaces.md B.2, unverified item 5): this is the plainest model, a reference shared by the
 * units refunded together, the amount per unit in major units and the time.
 */
export interface NoonRefund {
  refundNr: string;
  amount: number;
  refundedAt: number;
  reason: string;
}

export interface NoonItem {
  mpItemNr: string;
  partnerSku: string;
  mpStatus: MpStatus;
  integrationStatus: IntegrationStatus;
  price: number;
  cancellationReasonCode: string | null;
  refund?: NoonRefund;
}

export interface NoonOrder {
  fbpiOrderNr: string;
  mpCode: 'noon' | 'namshi';
  mpOrderNr: string;
  country: NoonCountry;
  warehouseCode: string;
  createdAt: number;
  items: NoonItem[];
  customer: { firstName: string; lastName: string; city: string; division: string };
}

export interface NoonShipment {
  integrationShipmentNr: string;
  fbpiOrderNr: string;
  warehouseCode: string;
  awbs: { courier: string; awb_nr: string }[];
  itemNrs: string[];
  cancelled: boolean;
}

export interface NoonProduct {
  partnerSku: string;
  stock: Map<string, number>;
  prices: Map<NoonCountry, { price: number | null; msrp: number | null; isActive: boolean | null }>;
}

export interface NoonFaults {
  rateLimit: number;
  serverError: number;
  latencyMs: number;
  dropWebhooks: number;
}

export interface ServiceKey {
  keyId: string;
  privateKeyPem: string;
  publicKeyPem: string;
}

/** A fresh RSA key pair, as the portal's "Add Service Account" would issue. */
export async function generateServiceKey(): Promise<ServiceKey> {
  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  return {
    keyId: randomUUID(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export class NoonState {
  readonly orders = new Map<string, NoonOrder>();
  readonly shipments = new Map<string, NoonShipment>();
  readonly products = new Map<string, NoonProduct>();
  readonly sessions = new Map<string, { expiresAt: number }>();
  readonly usedJti = new Set<string>();
  faults: NoonFaults = { rateLimit: 0, serverError: 0, latencyMs: 0, dropWebhooks: 0 };
  window = { minute: 0, count: 0 };
  private seq = 0;

  next(): number {
    this.seq += 1;
    return this.seq;
  }

  product(sku: string): NoonProduct {
    let product = this.products.get(sku);
    if (!product) {
      product = { partnerSku: sku, stock: new Map(), prices: new Map() };
      this.products.set(sku, product);
    }
    return product;
  }
}
