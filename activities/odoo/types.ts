import { type CanonicalOrder, type OrderKey } from '../../domain';

// The contract between the order activities and the Odoo client. The client lives beside this file.

export type OdooVersion = 16 | 17 | 18 | 19;

export interface OdooConnectionOptions {
  /** Base URL, e.g. http://127.0.0.1:8069 */
  url: string;
  database: string;
  login: string;
  /** Password or API key (JSON-RPC), API key (JSON-2). Never logged. */
  secret: string;
  /** 'auto' asks common.version once. 19 uses JSON-2, 16-18 JSON-RPC. */
  version: OdooVersion | 'auto';
  timeoutMs?: number;
}

/**
 * Why an Odoo call failed, in the terms the activities act on:
 * - access: authentication/authorisation; non-retryable, alert.
 * - business: ValidationError/UserError/MissingError; non-retryable, order -> needs_attention.
 * - transient: serialization failure, 5xx, timeout, refused connection; retryable.
 * - protocol: Odoo answered something we cannot read; non-retryable, alert.
 */
export type OdooErrorKind = 'access' | 'business' | 'transient' | 'protocol';

export class OdooError extends Error {
  override readonly name = 'OdooError';
  constructor(
    message: string,
    readonly kind: OdooErrorKind,
    /** Odoo's exception class, e.g. odoo.exceptions.ValidationError, when Odoo named one. */
    readonly odooName?: string,
  ) {
    super(message);
  }
}

export interface CustomerIds {
  partnerId: number;
  invoicePartnerId: number;
  shippingPartnerId: number;
}

export interface SaleOrderRef {
  saleOrderId: number;
  /** Odoo's order name, e.g. S00042 */
  name: string;
  /** 'draft' | 'sent' | 'sale' | 'cancel' (16 also 'done') */
  state: string;
  /** false when an existing order was found by its binding. */
  created: boolean;
}

/** Idempotent order operations; each is safe to run twice. */
export interface OdooOrderOperations {
  /** Match by e-mail, else name + address; creates delivery and invoice child contacts as needed. */
  ensureCustomer(input: { order: CanonicalOrder }): Promise<CustomerIds>;
  /** Maps SKUs to product.product ids by default_code (then barcode). Missing SKUs are absent from the map. */
  findProductsBySku(input: { skus: string[] }): Promise<Record<string, number>>;
  /**
   * Searches by binding (client_order_ref + ir.model.data external id in module `channelsync`) and creates
   * the draft sale order only when none exists. Throws OdooError kind 'business' when a SKU is unknown.
   */
  ensureSaleOrder(input: { key: OrderKey; order: CanonicalOrder; customer: CustomerIds }): Promise<SaleOrderRef>;
  /** action_confirm unless already confirmed; returns the state after. */
  confirmSaleOrder(input: { saleOrderId: number }): Promise<SaleOrderRef>;
  /** Reads the order found by its binding, or undefined. */
  findSaleOrder(input: { key: OrderKey }): Promise<SaleOrderRef | undefined>;
}
