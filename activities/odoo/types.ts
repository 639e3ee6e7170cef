import { type Address, type CanonicalOrder, type FAILURE, type Money, type OrderKey } from '../../domain';

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

/**
 * The order's data and Odoo disagree in a way no retry fixes (a country Odoo does not know, totals that do not
 * match): not an Odoo failure. `type` becomes the ApplicationFailure type; a person fixes Odoo, then retries.
 */
export class OrderRejectedError extends Error {
  override readonly name = 'OrderRejectedError';
  constructor(
    message: string,
    readonly type: typeof FAILURE.addressRejected | typeof FAILURE.taxMismatch,
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
  /** Locked against edits (16: state 'done'; 17+: the `locked` flag). */
  locked?: boolean;
}

/** A sale order's total next to the channel's, as checkSaleOrderTotal compared them. */
export interface SaleOrderTotal {
  saleOrderId: number;
  name: string;
  /** amount_total, in the sale order's currency. */
  odoo: Money;
  /** What the channel's order says Odoo should hold. */
  expected: Money;
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
  ensureSaleOrder(input: { key: OrderKey; order: CanonicalOrder; customer: CustomerIds; warehouseCode?: string }): Promise<SaleOrderRef>;
  /** action_confirm unless already confirmed; returns the state after. */
  confirmSaleOrder(input: { saleOrderId: number }): Promise<SaleOrderRef>;
  /** Reads the order found by its binding, or undefined. */
  findSaleOrder(input: { key: OrderKey }): Promise<SaleOrderRef | undefined>;
}

// ---- Further idempotent operations (added with the client) ----

export interface DeliveryLine {
  productId: number;
  /** default_code, when the product has one. */
  sku?: string;
  quantity: number;
}

export interface DeliveryInfo {
  pickingId: number;
  /** e.g. WH/OUT/00012 */
  name: string;
  /** draft | waiting | confirmed | assigned | done | cancel */
  state: string;
  trackingRef?: string;
  carrier?: string;
  /** ISO-8601 UTC, when done. */
  doneAt?: string;
  lines: DeliveryLine[];
}

export interface CreditNoteInput {
  saleOrderId: number;
  /**
   * The credit note's `ref`, unique per refund; the idempotency key (search before create).
   * Built by the caller from the channel's refund id.
   */
  reference: string;
  /** Refunded goods: product lines at the given unit price. */
  lines: { sku: string; quantity: number; unitPrice: Money }[];
  /** Amount-only refunds (shipping, goodwill), one line each without product. */
  amounts?: { label: string; amount: Money }[];
}

export interface CreditNoteRef {
  creditNoteId: number;
  /** e.g. RINV/2026/00001 once posted. */
  name: string;
  /** draft | posted | cancel */
  state: string;
  total: Money;
  created: boolean;
}

export interface ReturnedGoodsInput {
  saleOrderId: number;
  /**
   * Idempotency key (domain/ids.ts odooReturnedGoodsRef): the `origin` of the return pickings / scraps made
   * for it, searched before creating.
   */
  reference: string;
  /** Delivered units that came back (or are written off), by SKU. */
  lines: { sku: string; quantity: number }[];
}

export interface RestockInput extends ReturnedGoodsInput {
  /** Warehouse (code) whose stock receives the goods; default: the location they were delivered from. */
  warehouseCode?: string;
}

export interface ReturnedGoodsRef {
  /** Units handled for this reference so far, per SKU (what earlier runs did included). */
  lines: { sku: string; quantity: number }[];
  /** The return pickings or scraps carrying the reference. */
  records: { id: number; name: string; state: string }[];
}

export interface StockLevel {
  sku: string;
  productId: number;
  /** stock.warehouse code, e.g. WH */
  warehouse: string;
  /** free_qty: on hand minus reserved. */
  free: number;
  /** qty_available */
  onHand: number;
}

export interface ProductPrice {
  sku: string;
  productId: number;
  /** lst_price (list price with variant extras), in the company currency. */
  listPrice: Money;
  /**
   * The pricelist's price for one unit, in the pricelist's currency, when a pricelist was given (Odoo's rules,
   * converted with Odoo's rates); else the list price. Absent when it cannot be computed: see `problem`.
   */
  price?: Money;
  /** Why the pricelist gives no price (a currency without a rate, pricelists based on each other...). */
  problem?: string;
  /** standard_price, in the company currency, as exact decimal text. */
  cost: Money;
}

export interface ProductInfo {
  productId: number;
  sku?: string;
  barcode?: string;
  name: string;
  storable: boolean;
  listPrice: Money;
}

export interface ChangedProduct {
  productId: number;
  sku?: string;
  /** ISO-8601 UTC write_date (for stock: the newest of the records found). */
  changedAt: string;
}

/** Everything the activities can ask of Odoo; each operation is safe to run twice. */
export interface OdooOperations extends OdooOrderOperations {
  /** Cancels (unlocking first when needed), releasing reserved stock; a cancelled order stays cancelled. */
  cancelSaleOrder(input: { saleOrderId: number }): Promise<SaleOrderRef>;
  /** Applies an edited channel order to a draft/confirmed, undelivered sale order (quantities, new lines). */
  updateSaleOrderLines(input: { saleOrderId: number; order: CanonicalOrder }): Promise<SaleOrderRef>;
  /**
   * Points a draft/confirmed, undelivered sale order (and its open deliveries) at the customer's delivery contact
   * for `address`, found or created like ensureCustomer's. OrderRejectedError AddressRejected when Odoo does not
   * know the address's country.
   */
  updateDeliveryAddress(input: { saleOrderId: number; address: Address }): Promise<SaleOrderRef>;
  /**
   * Compares the sale order's amount_total with what the channel's order says it should be (its total, less the
   * line and shipping taxes Odoo is not given when prices exclude tax) and throws OrderRejectedError TaxMismatch when they are
   * further apart than `tolerance` (decimal text in the order currency). A cancelled order is not checked.
   */
  checkSaleOrderTotal(input: { saleOrderId: number; order: CanonicalOrder; tolerance: string }): Promise<SaleOrderTotal>;
  /** Outgoing pickings of a sale order with state, tracking number and delivered lines. */
  readDeliveries(input: { saleOrderId: number }): Promise<DeliveryInfo[]>;
  /** Creates and posts a credit note once per reference (found by `ref` on a second run). */
  createCreditNote(input: CreditNoteInput): Promise<CreditNoteRef>;
  /**
   * Takes delivered goods back into stock: a return of the done deliveries (stock.return.picking wizard),
   * validated; once per reference (never more than was delivered and not yet returned).
   */
  restockReturnedGoods(input: RestockInput): Promise<ReturnedGoodsRef>;
  /** Writes delivered goods off: stock.scrap records from where they were delivered to, validated; once per reference. */
  writeOffReturnedGoods(input: ReturnedGoodsInput): Promise<ReturnedGoodsRef>;
  /** Stock per warehouse (all warehouses unless one code is given); all SKU'd products unless skus given. */
  readStock(input: { skus?: string[]; warehouseCode?: string }): Promise<StockLevel[]>;
  /** List price and cost, and the pricelist's price when a pricelist (id or name) is given (one read of the products). */
  readPrices(input: { skus: string[]; pricelist?: number | string }): Promise<ProductPrice[]>;
  /** Products by default_code and/or barcode. */
  findProducts(input: { skus?: string[]; barcodes?: string[] }): Promise<ProductInfo[]>;
  /**
   * Products whose own record was written after `since` (ISO-8601), for a poller: created, SKU or variant
   * fields changed. Not their stock: Odoo does not write the product when stock moves (see stockChangedSince).
   */
  productsChangedSince(input: { since: string }): Promise<ChangedProduct[]>;
  /** Products whose stock records (stock.quant, reserved or done stock.move) were written after `since` (ISO-8601), for a poller. */
  stockChangedSince(input: { since: string }): Promise<ChangedProduct[]>;
}
