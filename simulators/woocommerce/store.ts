import { randomBytes } from 'node:crypto';

// The simulated shop: products, orders, notes, refunds and WooCommerce's stock rules.
// Amounts are integer cents; times are epoch ms floored to the second (WordPress stores seconds).

export const ORDER_STATUSES = ['pending', 'processing', 'on-hold', 'completed', 'cancelled', 'refunded', 'failed'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface SimProduct {
  id: number;
  name: string;
  sku: string;
  type: 'simple' | 'variable' | 'variation';
  parentId: number;
  regularCents: number | null;
  stock: number | null;
  manageStock: boolean;
  createdMs: number;
  modifiedMs: number;
  variationIds: number[];
}

export interface SimLine {
  id: number;
  productId: number;
  variationId: number;
  name: string;
  sku: string;
  quantity: number;
  subtotalCents: number;
  totalCents: number;
}

export interface SimRefund {
  id: number;
  createdMs: number;
  amountCents: number;
  reason: string;
  restock: boolean;
  lines: { lineId: number; quantity: number; amountCents: number }[];
}

export interface SimNote {
  id: number;
  note: string;
  customerNote: boolean;
  addedByUser: boolean;
  createdMs: number;
}

export interface SimAddress {
  first_name: string;
  last_name: string;
  company: string;
  address_1: string;
  address_2: string;
  city: string;
  state: string;
  postcode: string;
  country: string;
  email?: string;
  phone: string;
}

export interface SimOrder {
  id: number;
  orderKey: string;
  status: OrderStatus;
  currency: string;
  createdMs: number;
  modifiedMs: number;
  paidMs: number | null;
  completedMs: number | null;
  shippingCents: number;
  shippingTaxCents: number;
  billing: SimAddress;
  shipping: SimAddress;
  lines: SimLine[];
  refunds: SimRefund[];
  notes: SimNote[];
  meta: { id: number; key: string; value: unknown }[];
  customerNote: string;
  stockReduced: boolean;
  trashed: boolean;
}

export type ChangeEvent = 'created' | 'updated' | 'deleted' | 'restored';
export type ChangeListener = (resource: 'order' | 'product', event: ChangeEvent, id: number) => void;

/** A rule the shop refuses (becomes a 400 with a WooCommerce error code). */
export class ShopError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export interface NewOrderLine {
  sku?: string;
  productId?: number;
  variationId?: number;
  quantity: number;
  /** Unit price in cents; defaults to the product's regular price. */
  unitCents?: number;
}

export interface NewOrder {
  lines: NewOrderLine[];
  status?: OrderStatus;
  currency?: string;
  shippingCents?: number;
  shippingTaxCents?: number;
  billing?: Partial<SimAddress>;
  shipping?: Partial<SimAddress>;
  customerNote?: string;
}

export interface RefundInput {
  lines: { lineId: number; quantity: number; amountCents?: number }[];
  amountCents?: number;
  reason?: string;
  restock?: boolean;
}

const STOCK_REDUCING: readonly OrderStatus[] = ['processing', 'on-hold', 'completed'];
const STOCK_RESTORING: readonly OrderStatus[] = ['cancelled', 'pending'];

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000) * 1000;
}

const DEFAULT_BILLING: SimAddress = {
  first_name: 'Ada',
  last_name: 'Buyer',
  company: '',
  address_1: '1 Test Street',
  address_2: '',
  city: 'Springfield',
  state: 'IL',
  postcode: '62701',
  country: 'US',
  email: 'ada.buyer@example.com',
  phone: '+1 555 0100',
};

export class ShopStore {
  readonly products = new Map<number, SimProduct>();
  readonly orders = new Map<number, SimOrder>();
  private nextPostId = 100;
  private nextItemId = 1;
  private nextNoteId = 1;
  private nextMetaId = 1;

  constructor(
    readonly currency: string,
    private readonly onChange: ChangeListener,
  ) {}

  // ---- products ----

  addProduct(input: { sku: string; name?: string; priceCents: number; stock: number; parentSku?: string }): SimProduct {
    if (this.findBySku(input.sku)) throw new ShopError('product_invalid_sku', 'Invalid or duplicated SKU.');
    const now = nowSeconds();
    let parentId = 0;
    if (input.parentSku) {
      const parent = this.findBySku(input.parentSku) ?? this.createVariableParent(input.parentSku, now);
      if (parent.type !== 'variable') throw new ShopError('product_invalid_parent', `${input.parentSku} is not a variable product.`);
      parentId = parent.id;
    }
    const product: SimProduct = {
      id: this.nextPostId++,
      name: input.name ?? (input.parentSku ? `${input.parentSku} - ${input.sku}` : `Product ${input.sku}`),
      sku: input.sku,
      type: parentId ? 'variation' : 'simple',
      parentId,
      regularCents: input.priceCents,
      stock: input.stock,
      manageStock: true,
      createdMs: now,
      modifiedMs: now,
      variationIds: [],
    };
    this.products.set(product.id, product);
    if (parentId) this.products.get(parentId)?.variationIds.push(product.id);
    return product;
  }

  private createVariableParent(sku: string, now: number): SimProduct {
    const parent: SimProduct = {
      id: this.nextPostId++,
      name: `Product ${sku}`,
      sku,
      type: 'variable',
      parentId: 0,
      regularCents: null,
      stock: null,
      manageStock: false,
      createdMs: now,
      modifiedMs: now,
      variationIds: [],
    };
    this.products.set(parent.id, parent);
    return parent;
  }

  findBySku(sku: string): SimProduct | undefined {
    for (const p of this.products.values()) if (p.sku === sku) return p;
    return undefined;
  }

  /** PUT /products/{id} and batch updates: absolute values, no compare-and-set (as in WooCommerce). */
  updateProduct(id: number, patch: { stockQuantity?: number | null; manageStock?: boolean; regularCents?: number | null }): SimProduct {
    const product = this.products.get(id);
    if (!product) throw new ShopError('woocommerce_rest_product_invalid_id', 'Invalid ID.', 404);
    if (patch.manageStock !== undefined) product.manageStock = patch.manageStock;
    if (patch.stockQuantity !== undefined) {
      product.stock = patch.stockQuantity;
      if (patch.stockQuantity !== null && patch.manageStock === undefined) product.manageStock = true;
    }
    if (patch.regularCents !== undefined) product.regularCents = patch.regularCents;
    product.modifiedMs = nowSeconds();
    this.onChange('product', 'updated', id);
    return product;
  }

  // ---- orders ----

  createOrder(input: NewOrder): SimOrder {
    if (input.lines.length === 0) throw new ShopError('woocommerce_rest_invalid_line_items', 'An order needs at least one line item.');
    const now = nowSeconds();
    const lines = input.lines.map((line) => this.newLine(line));
    const order: SimOrder = {
      id: this.nextPostId++,
      orderKey: `wc_order_${randomBytes(9).toString('base64url').slice(0, 13)}`,
      status: 'pending',
      currency: input.currency ?? this.currency,
      createdMs: now,
      modifiedMs: now,
      paidMs: null,
      completedMs: null,
      shippingCents: input.shippingCents ?? 0,
      shippingTaxCents: input.shippingTaxCents ?? 0,
      billing: { ...DEFAULT_BILLING, ...input.billing },
      shipping: { ...DEFAULT_BILLING, email: undefined, ...input.shipping },
      lines,
      refunds: [],
      notes: [],
      meta: [],
      customerNote: input.customerNote ?? '',
      stockReduced: false,
      trashed: false,
    };
    this.orders.set(order.id, order);
    this.applyStatus(order, input.status ?? 'pending');
    this.onChange('order', 'created', order.id);
    return order;
  }

  private newLine(line: NewOrderLine): SimLine {
    if (!Number.isInteger(line.quantity) || line.quantity < 1) throw new ShopError('woocommerce_rest_invalid_quantity', 'Quantity must be a positive integer.');
    const product = line.sku !== undefined
      ? this.findBySku(line.sku)
      : this.products.get(line.variationId || line.productId || -1);
    if (!product || product.type === 'variable') {
      throw new ShopError('woocommerce_rest_invalid_product_id', `Product ${line.sku ?? line.variationId ?? line.productId} does not exist or is not purchasable.`);
    }
    const unit = line.unitCents ?? product.regularCents ?? 0;
    return {
      id: this.nextItemId++,
      productId: product.type === 'variation' ? product.parentId : product.id,
      variationId: product.type === 'variation' ? product.id : 0,
      name: product.name,
      sku: product.sku,
      quantity: line.quantity,
      subtotalCents: unit * line.quantity,
      totalCents: unit * line.quantity,
    };
  }

  getOrder(id: number, includeTrashed = false): SimOrder {
    const order = this.orders.get(id);
    if (!order || (order.trashed && !includeTrashed)) throw new ShopError('woocommerce_rest_shop_order_invalid_id', 'Invalid ID.', 404);
    return order;
  }

  totalCents(order: SimOrder): number {
    return order.lines.reduce((sum, l) => sum + l.totalCents, 0) + order.shippingCents + order.shippingTaxCents;
  }

  refundedCents(order: SimOrder): number {
    return order.refunds.reduce((sum, r) => sum + r.amountCents, 0);
  }

  /** Status change with WooCommerce's side effects (stock, paid/completed dates). */
  setStatus(id: number, status: OrderStatus): SimOrder {
    const order = this.getOrder(id);
    if (order.status === status) return order;
    this.applyStatus(order, status);
    this.touch(order);
    return order;
  }

  private applyStatus(order: SimOrder, status: OrderStatus): void {
    const now = nowSeconds();
    const previous = order.status;
    order.status = status;
    if (STOCK_REDUCING.includes(status) && !order.stockReduced) {
      for (const line of order.lines) this.adjustStock(line, -line.quantity);
      order.stockReduced = true;
    }
    if (STOCK_RESTORING.includes(status) && order.stockReduced) {
      for (const line of order.lines) this.adjustStock(line, line.quantity);
      order.stockReduced = false;
    }
    if ((status === 'processing' || status === 'completed') && order.paidMs === null) order.paidMs = now;
    if (status === 'completed') order.completedMs = now;
    if (previous !== status) this.addNote(order, `Order status changed from ${labelOf(previous)} to ${labelOf(status)}.`, false, false);
  }

  private adjustStock(line: SimLine, delta: number): void {
    const product = this.products.get(line.variationId || line.productId);
    if (product?.manageStock && product.stock !== null) {
      product.stock += delta;
      product.modifiedMs = nowSeconds();
    }
  }

  markPaid(id: number): SimOrder {
    const order = this.getOrder(id);
    if (order.status !== 'pending' && order.status !== 'on-hold' && order.status !== 'failed') {
      throw new ShopError('woocommerce_rest_order_not_payable', `Order is ${order.status}, not awaiting payment.`);
    }
    return this.setStatus(id, 'processing');
  }

  /** Merchant edits: change a line's quantity (0 removes), add lines, change the shipping address or note. */
  editOrder(
    id: number,
    edit: { lines?: { lineId?: number; sku?: string; quantity: number }[]; shipping?: Partial<SimAddress>; customerNote?: string },
  ): SimOrder {
    const order = this.getOrder(id);
    for (const change of edit.lines ?? []) {
      if (change.lineId !== undefined) {
        const line = order.lines.find((l) => l.id === change.lineId);
        if (!line) throw new ShopError('woocommerce_rest_invalid_item_id', `Line ${change.lineId} is not on order ${id}.`);
        const delta = change.quantity - line.quantity;
        if (order.stockReduced) this.adjustStock(line, -delta);
        const unit = line.quantity > 0 ? line.subtotalCents / line.quantity : 0;
        line.quantity = change.quantity;
        line.subtotalCents = Math.round(unit * change.quantity);
        line.totalCents = line.subtotalCents;
        if (change.quantity === 0) order.lines = order.lines.filter((l) => l !== line);
      } else if (change.sku !== undefined) {
        const line = this.newLine({ sku: change.sku, quantity: change.quantity });
        if (order.stockReduced) this.adjustStock(line, -line.quantity);
        order.lines.push(line);
      }
    }
    if (order.lines.length === 0) throw new ShopError('woocommerce_rest_invalid_line_items', 'An order needs at least one line item.');
    if (edit.shipping) order.shipping = { ...order.shipping, ...edit.shipping };
    if (edit.customerNote !== undefined) order.customerNote = edit.customerNote;
    this.touch(order);
    return order;
  }

  setMeta(order: SimOrder, entries: { id?: number; key: string; value: unknown }[]): void {
    for (const entry of entries) {
      const existing = order.meta.find((m) => (entry.id !== undefined ? m.id === entry.id : m.key === entry.key));
      if (existing) existing.value = entry.value;
      else order.meta.push({ id: this.nextMetaId++, key: entry.key, value: entry.value });
    }
  }

  refund(id: number, input: RefundInput): SimRefund {
    const order = this.getOrder(id);
    const refundLines = input.lines.map((r) => {
      const line = order.lines.find((l) => l.id === r.lineId);
      if (!line) throw new ShopError('woocommerce_rest_invalid_item_id', `Line ${r.lineId} is not on order ${id}.`);
      const already = order.refunds.flatMap((x) => x.lines).filter((x) => x.lineId === r.lineId).reduce((s, x) => s + x.quantity, 0);
      if (r.quantity < 0 || already + r.quantity > line.quantity) {
        throw new ShopError('woocommerce_rest_cannot_create_order_refund', `Cannot refund ${r.quantity} of line ${r.lineId}: ${line.quantity - already} left.`);
      }
      const unit = line.quantity > 0 ? line.totalCents / line.quantity : 0;
      return { lineId: r.lineId, quantity: r.quantity, amountCents: r.amountCents ?? Math.round(unit * r.quantity) };
    });
    const amountCents = input.amountCents ?? refundLines.reduce((s, l) => s + l.amountCents, 0);
    const remaining = this.totalCents(order) - this.refundedCents(order);
    if (amountCents <= 0 || amountCents > remaining) {
      throw new ShopError('woocommerce_rest_cannot_create_order_refund', 'Invalid refund amount.');
    }
    const refund: SimRefund = {
      id: this.nextPostId++,
      createdMs: nowSeconds(),
      amountCents,
      reason: input.reason ?? '',
      restock: input.restock ?? false,
      lines: refundLines,
    };
    if (refund.restock) {
      for (const r of refundLines) {
        const line = order.lines.find((l) => l.id === r.lineId);
        if (line) this.adjustStock(line, r.quantity);
      }
    }
    order.refunds.push(refund);
    if (this.refundedCents(order) >= this.totalCents(order)) this.applyStatus(order, 'refunded');
    this.touch(order);
    return refund;
  }

  addNote(order: SimOrder, note: string, customerNote: boolean, addedByUser: boolean): SimNote {
    const entry = { id: this.nextNoteId++, note, customerNote, addedByUser, createdMs: nowSeconds() };
    order.notes.push(entry);
    return entry;
  }

  /** Notes are comments: adding one does not save the order, so no order.updated fires. */
  addApiNote(id: number, note: string, customerNote: boolean): SimNote {
    return this.addNote(this.getOrder(id), note, customerNote, true);
  }

  trash(id: number): SimOrder {
    const order = this.getOrder(id);
    order.trashed = true;
    this.onChange('order', 'deleted', id);
    return order;
  }

  restore(id: number): SimOrder {
    const order = this.getOrder(id, true);
    order.trashed = false;
    order.modifiedMs = nowSeconds();
    this.onChange('order', 'restored', id);
    return order;
  }

  /** Bumps date_modified and fires order.updated (webhooks coalesce repeated calls). */
  touch(order: SimOrder): void {
    order.modifiedMs = nowSeconds();
    this.onChange('order', 'updated', order.id);
  }
}

function labelOf(status: OrderStatus): string {
  return status === 'on-hold' ? 'On hold' : status.charAt(0).toUpperCase() + status.slice(1);
}
