import { z } from 'zod';
import { type Address, type CanonicalOrder, FAILURE, type OrderKey, money, moneyEquals, multiplyMoney, numberToDecimal, ODOO_BINDING_MODULE, odooClientOrderRef, odooOrderBindingName } from '../../domain';
import { type OdooClient, type OdooDomain } from './client';
import { Many2one, m2oId, m2oName, OdooString, str } from './schemas';
import {
  type ChangedProduct,
  type CustomerIds,
  type DeliveryInfo,
  OdooError,
  type OdooOperations,
  OrderRejectedError,
  type ProductInfo,
  type ProductPrice,
  type SaleOrderRef,
  type SaleOrderTotal,
} from './types';
import { type OdooPricelist, type PricelistRule, pricelistPrice } from './pricelist';
import { compareTotals, totalMismatchMessage } from './totals';
import { fromOdooAmount, fromOdooDatetime, percentOf, toOdooAmount, toOdooDatetime } from './wire';

// Idempotent order operations over the low-level client. Every create is preceded by a search, and the
// sale order binding (client_order_ref + ir.model.data channelsync.<name>) decides which order is THE order.

export interface OdooOperationsOptions {
  /** Service product used for shipping charges (default SHIPPING). */
  shippingSku?: string;
  /** Rows per page when a poll lists written stock records (default 1,000); tests lower it. */
  pollPageSize?: number;
}

/** Products per read when product ids are mapped to SKUs. */
const SKU_READ_BATCH = 500;

const OrderRow = z.object({ id: z.number().int(), name: z.string(), state: z.string() }).passthrough();
const BindingRow = z.object({ id: z.number().int(), res_id: z.number().int() });
const ProductRow = z.object({
  id: z.number().int(),
  default_code: OdooString,
  barcode: OdooString,
  display_name: z.string(),
  lst_price: z.number(),
  uom_id: Many2one,
}).passthrough();

/** Escapes SQL LIKE wildcards for =ilike (exact, case-insensitive). */
function likeExact(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function isMissingRecord(err: unknown): boolean {
  return err instanceof OdooError && err.kind === 'business' && err.odooName === 'odoo.exceptions.MissingError';
}

export function createOdooOrderOperations(client: OdooClient, options: OdooOperationsOptions = {}): OdooOperations {
  const shippingSku = options.shippingSku ?? 'SHIPPING';
  const pollPageSize = Math.max(1, options.pollPageSize ?? 1000);
  const countryIds = new Map<string, number>();
  let companyRow: Promise<{ id?: number; currency: string }> | undefined;

  /**
   * The address's res.country. One Odoo does not know is refused rather than written as no country; only found
   * ids are kept, so a retry after a person adds the country finds it.
   */
  async function countryId(address: Address): Promise<number> {
    const code = address.countryCode;
    const known = countryIds.get(code);
    if (known !== undefined) return known;
    const [id] = await client.search({ model: 'res.country', domain: [['code', '=', code]], limit: 1 });
    if (id === undefined) {
      throw new OrderRejectedError(
        `Odoo has no country with code ${code} (address of ${address.name}, ${address.city}): add it in Contacts > Configuration > Countries, then retry`,
        FAILURE.addressRejected,
      );
    }
    countryIds.set(code, id);
    return id;
  }

  function company(): Promise<{ id?: number; currency: string }> {
    companyRow ??= client
      .searchRead({ model: 'res.company', domain: [], fields: ['currency_id'], limit: 1, order: 'id' }, z.object({ id: z.number().int(), currency_id: Many2one }))
      .then((rows) => ({ id: rows[0]?.id, currency: m2oName(rows[0]?.currency_id ?? false) ?? 'USD' }))
      .catch((err: unknown) => {
        companyRow = undefined;
        throw err;
      });
    return companyRow;
  }

  async function currencyOfCompany(): Promise<string> {
    return (await company()).currency;
  }

  async function addressValues(address: Address): Promise<Record<string, unknown>> {
    return {
      street: address.street1,
      street2: address.street2 ?? false,
      city: address.city,
      zip: address.postalCode ?? false,
      country_id: await countryId(address),
      phone: address.phone ?? false,
    };
  }

  function addressDomain(address: Address, country: number | false): OdooDomain {
    return [
      ['street', '=', address.street1],
      ['city', '=', address.city],
      ['zip', '=', address.postalCode ?? false],
      ['country_id', '=', country],
    ];
  }

  async function findOrCreate(model: string, domain: OdooDomain, values: Record<string, unknown>): Promise<number> {
    const [found] = await client.search({ model, domain, limit: 1, order: 'id' });
    return found ?? client.create({ model, values });
  }

  async function ensureChild(parentId: number, type: 'delivery' | 'invoice', address: Address): Promise<number> {
    const values = await addressValues(address);
    return findOrCreate(
      'res.partner',
      [['parent_id', '=', parentId], ['type', '=', type], ['name', '=', address.name], ...addressDomain(address, values.country_id as number | false)],
      { ...values, parent_id: parentId, type, name: address.name },
    );
  }

  async function ensureCustomer({ order }: { order: CanonicalOrder }): Promise<CustomerIds> {
    const main = order.billingAddress ?? order.shippingAddress;
    const mainValues = main ? await addressValues(main) : {};
    const values = { name: order.customer.name, email: order.customer.email ?? false, ...mainValues, phone: order.customer.phone ?? mainValues.phone ?? false, type: 'contact' };
    let domain: OdooDomain;
    if (order.customer.email) domain = [['email', '=ilike', likeExact(order.customer.email)], ['parent_id', '=', false]];
    else if (main) domain = [['name', '=', order.customer.name], ['parent_id', '=', false], ...addressDomain(main, mainValues.country_id as number | false)];
    else domain = [['name', '=', order.customer.name], ['parent_id', '=', false], ['email', '=', false]];
    const partnerId = await findOrCreate('res.partner', domain, values);
    const shippingPartnerId = order.shippingAddress ? await ensureChild(partnerId, 'delivery', order.shippingAddress) : partnerId;
    const invoicePartnerId = order.billingAddress ? await ensureChild(partnerId, 'invoice', order.billingAddress) : partnerId;
    return { partnerId, invoicePartnerId, shippingPartnerId };
  }

  async function productRows(domain: OdooDomain): Promise<z.infer<typeof ProductRow>[]> {
    const fm = await client.fields();
    return client.searchRead(
      { model: 'product.product', domain, fields: ['default_code', 'barcode', 'display_name', 'lst_price', 'uom_id', ...fm.product.storableFields], order: 'id' },
      ProductRow,
    );
  }

  async function findProductsBySku({ skus }: { skus: string[] }): Promise<Record<string, number>> {
    const wanted = [...new Set(skus)];
    const found: Record<string, number> = {};
    if (wanted.length === 0) return found;
    for (const row of await productRows([['default_code', 'in', wanted]])) {
      if (row.default_code !== false && found[row.default_code] === undefined) found[row.default_code] = row.id;
    }
    const missing = wanted.filter((s) => found[s] === undefined);
    if (missing.length > 0) {
      for (const row of await productRows([['barcode', 'in', missing]])) {
        if (row.barcode !== false && found[row.barcode] === undefined) found[row.barcode] = row.id;
      }
    }
    return found;
  }

  async function orderRef(saleOrderId: number, created: boolean): Promise<SaleOrderRef | undefined> {
    const fm = await client.fields();
    const [row] = await client.read({ model: 'sale.order', ids: [saleOrderId], fields: fm.saleOrder.stateFields }, OrderRow).catch((err: unknown) => {
      if (isMissingRecord(err)) return [];
      throw err;
    });
    if (!row) return undefined;
    return { saleOrderId: row.id, name: row.name, state: row.state, created, locked: fm.saleOrder.isLocked(row) };
  }

  async function mustOrderRef(saleOrderId: number): Promise<SaleOrderRef> {
    const ref = await orderRef(saleOrderId, false);
    if (!ref) throw new OdooError(`sale.order ${saleOrderId} does not exist`, 'business', 'odoo.exceptions.MissingError');
    return ref;
  }

  const bindingDomain = (key: OrderKey): OdooDomain => [['module', '=', ODOO_BINDING_MODULE], ['name', '=', odooOrderBindingName(key)]];

  async function bindings(key: OrderKey) {
    return client.searchRead({ model: 'ir.model.data', domain: bindingDomain(key), fields: ['res_id'], order: 'id' }, BindingRow);
  }

  async function liveOrdersByRef(key: OrderKey): Promise<number[]> {
    return client.search({ model: 'sale.order', domain: [['client_order_ref', '=', odooClientOrderRef(key)], ['state', '!=', 'cancel']], order: 'id' });
  }

  /** The bound order if its record exists (bound: true), else the oldest live order carrying the client_order_ref. */
  async function locate(key: OrderKey): Promise<{ ref: SaleOrderRef; bound: boolean } | undefined> {
    const [binding] = await bindings(key);
    if (binding) {
      const bound = await orderRef(binding.res_id, false);
      if (bound) return { ref: bound, bound: true };
    }
    const [oldest] = await liveOrdersByRef(key);
    const ref = oldest === undefined ? undefined : await orderRef(oldest, false);
    return ref ? { ref, bound: false } : undefined;
  }

  async function findSaleOrder({ key }: { key: OrderKey }): Promise<SaleOrderRef | undefined> {
    return (await locate(key))?.ref;
  }

  /**
   * Makes `candidateId` the bound order unless another one already is. Odoo's unique index on
   * ir.model.data (module, name) lets exactly one create win; the losers read the winner. When that index
   * is absent, the oldest binding record decides and younger duplicates are removed.
   */
  async function claimBinding(key: OrderKey, candidateId: number): Promise<number> {
    try {
      await client.create({
        model: 'ir.model.data',
        values: { module: ODOO_BINDING_MODULE, name: odooOrderBindingName(key), model: 'sale.order', res_id: candidateId, noupdate: true },
      });
    } catch (err) {
      if (!(err instanceof OdooError) || err.kind !== 'business') throw err;
    }
    const all = await bindings(key);
    const winner = all[0];
    if (!winner) throw new OdooError(`binding ${odooOrderBindingName(key)} could not be created`, 'business');
    const extra = all.slice(1).map((b) => b.id);
    if (extra.length > 0) await client.unlink({ model: 'ir.model.data', ids: extra }).catch(ignoreMissing);
    if (winner.res_id !== candidateId && !(await orderRef(winner.res_id, false))) {
      // The bound order was deleted by hand: repair the binding.
      await client.write({ model: 'ir.model.data', ids: [winner.id], values: { res_id: candidateId } });
      return candidateId;
    }
    return winner.res_id;
  }

  function ignoreMissing(err: unknown): void {
    if (!isMissingRecord(err)) throw err;
  }

  /** Cancels and deletes draft duplicates carrying the same client_order_ref (never the bound order). */
  async function removeStrays(key: OrderKey, boundId: number): Promise<void> {
    const strays = (await liveOrdersByRef(key)).filter((id) => id !== boundId);
    if (strays.length === 0) return;
    const drafts = await client.read({ model: 'sale.order', ids: strays, fields: ['state'] }, OrderRow.pick({ id: true, state: true })).catch((err: unknown) => {
      ignoreMissing(err);
      return [];
    });
    for (const stray of drafts.filter((o) => o.state === 'draft' || o.state === 'sent')) {
      await client.call({ model: 'sale.order', method: 'action_cancel', ids: [stray.id] }, z.unknown()).catch(ignoreMissing);
      await client.unlink({ model: 'sale.order', ids: [stray.id] }).catch(ignoreMissing);
    }
  }

  async function orderLineCommands(order: CanonicalOrder): Promise<unknown[]> {
    const fm = await client.fields();
    const hasShipping = order.shippingTotal !== undefined && !moneyEquals(order.shippingTotal, money('0', order.shippingTotal.currency));
    const skus = [...order.lines.map((l) => l.sku), ...(hasShipping ? [shippingSku] : [])];
    const products = await findProductsBySku({ skus });
    const missing = [...new Set(skus.filter((s) => products[s] === undefined))];
    if (missing.length > 0) throw new OdooError(`unknown SKU(s) in Odoo: ${missing.join(', ')}`, 'business');
    const uoms = new Map((await productRows([['id', 'in', Object.values(products)]])).map((r) => [r.id, m2oId(r.uom_id) ?? false]));
    const line = (productId: number, values: Record<string, unknown>) => [
      0,
      0,
      // Taxes come from the channel's totals; Odoo must not add the product's default taxes on top.
      { product_id: productId, [fm.saleLine.uom]: uoms.get(productId) ?? false, [fm.saleLine.tax]: [[6, 0, []]], ...values },
    ];
    const commands = order.lines.map((l) => {
      const gross = multiplyMoney(l.unitPrice, l.quantity);
      return line(products[l.sku]!, {
        name: l.title || l.sku,
        product_uom_qty: l.quantity,
        price_unit: toOdooAmount(l.unitPrice.amount),
        discount: l.discount && l.quantity > 0 ? percentOf(l.discount.amount, gross.amount) : 0,
      });
    });
    if (hasShipping && order.shippingTotal) {
      commands.push(line(products[shippingSku]!, { name: 'Shipping', product_uom_qty: 1, price_unit: toOdooAmount(order.shippingTotal.amount) }));
    }
    return commands;
  }

  const currencyIds = new Map<string, number>();

  /**
   * The pricelist a sale order in `currency` needs (Odoo's order currency is its pricelist's), or undefined in
   * the company currency. Without one the order is refused for a person to fix; a retry then finds it.
   */
  async function pricelistFor(currency: string): Promise<number | undefined> {
    if (currency === (await currencyOfCompany())) return undefined;
    let currencyId = currencyIds.get(currency);
    if (currencyId === undefined) {
      const [row] = await client.searchRead(
        { model: 'res.currency', domain: [['name', '=', currency]], fields: ['active'], limit: 1, context: { active_test: false } },
        z.object({ id: z.number().int(), active: z.boolean() }),
      );
      if (!row) throw new OdooError(`currency ${currency} is unknown to Odoo`, 'business');
      if (!row.active) {
        throw new OdooError(
          `currency ${currency} is not active in Odoo: activate it in Accounting > Configuration > Currencies, then create a pricelist in ${currency} in Sales > Products > Pricelists`,
          'business',
        );
      }
      currencyIds.set(currency, row.id);
      currencyId = row.id;
    }
    const [pricelist] = await client.search({ model: 'product.pricelist', domain: [['currency_id', '=', currencyId]], limit: 1, order: 'id' });
    if (pricelist === undefined) throw new OdooError(`no active pricelist in ${currency}: create one in Sales > Products > Pricelists`, 'business');
    return pricelist;
  }

  async function warehouseId(code: string): Promise<number> {
    const [id] = await client.search({ model: 'stock.warehouse', domain: [['code', '=', code]], limit: 1 });
    if (id === undefined) throw new OdooError(`no Odoo warehouse with code ${code} (routing rule)`, 'business');
    return id;
  }

  async function ensureSaleOrder(input: { key: OrderKey; order: CanonicalOrder; customer: CustomerIds; warehouseCode?: string }): Promise<SaleOrderRef> {
    const { key, order, customer } = input;
    const existing = await locate(key);
    if (existing) {
      // Found by client_order_ref only (a run died between create and bind): bind it now.
      const boundId = existing.bound ? existing.ref.saleOrderId : await claimBinding(key, existing.ref.saleOrderId);
      await removeStrays(key, boundId);
      return boundId === existing.ref.saleOrderId ? existing.ref : mustOrderRef(boundId);
    }
    const orderLine = await orderLineCommands(order);
    const pricelist = await pricelistFor(order.currency);
    const mine = await client.create({
      model: 'sale.order',
      values: {
        partner_id: customer.partnerId,
        partner_invoice_id: customer.invoicePartnerId,
        partner_shipping_id: customer.shippingPartnerId,
        client_order_ref: odooClientOrderRef(key),
        origin: `${key.channel} ${order.name}`,
        date_order: toOdooDatetime(order.createdAt),
        order_line: orderLine,
        ...(pricelist !== undefined ? { pricelist_id: pricelist } : {}),
        ...(input.warehouseCode ? { warehouse_id: await warehouseId(input.warehouseCode) } : {}),
      },
    });
    const boundId = await claimBinding(key, mine);
    if (boundId !== mine) {
      // Lost the race: another run created and bound its order first.
      await client.call({ model: 'sale.order', method: 'action_cancel', ids: [mine] }, z.unknown()).catch(ignoreMissing);
      await client.unlink({ model: 'sale.order', ids: [mine] }).catch(ignoreMissing);
      return mustOrderRef(boundId);
    }
    const ref = await orderRef(mine, true);
    if (!ref) throw new OdooError(`sale.order ${mine} vanished after create`, 'transient');
    return ref;
  }

  /** Refuses edits to a locked, cancelled or already (partly) delivered order. */
  async function editableOrder(saleOrderId: number): Promise<SaleOrderRef> {
    const before = await mustOrderRef(saleOrderId);
    if (before.state === 'cancel' || before.locked) throw new OdooError(`sale order ${before.name} is ${before.locked ? 'locked' : 'cancelled'}; edit refused`, 'business');
    // One id answers "delivered?": readDeliveries would also read the moves and their SKUs.
    const [delivered] = await client.search({ model: 'stock.picking', domain: [['sale_id', '=', saleOrderId], ['picking_type_code', '=', 'outgoing'], ['state', '=', 'done']], limit: 1 });
    if (delivered !== undefined) throw new OdooError(`sale order ${before.name} has a validated delivery; edit refused`, 'business');
    return before;
  }

  /**
   * Brings a draft or confirmed order's lines in line with an edited channel order: quantities written per
   * product, new products added, removed ones set to 0 (Odoo does not delete confirmed lines). Running it
   * twice writes the same values. Refuses locked, cancelled or already delivered orders.
   */
  async function updateSaleOrderLines({ saleOrderId, order }: { saleOrderId: number; order: CanonicalOrder }): Promise<SaleOrderRef> {
    await editableOrder(saleOrderId);
    const wanted = await orderLineCommands(order);
    const rows = await client.searchRead(
      { model: 'sale.order.line', domain: [['order_id', '=', saleOrderId]], fields: ['product_id', 'product_uom_qty'] },
      z.object({ id: z.number().int(), product_id: Many2one, product_uom_qty: z.number() }),
    );
    const existing = new Map(rows.map((r) => [m2oId(r.product_id), r]));
    const commands: unknown[] = [];
    const kept = new Set<number>();
    for (const command of wanted as [number, number, Record<string, unknown>][]) {
      const values = command[2];
      const row = existing.get(values.product_id as number);
      if (!row) {
        commands.push(command);
        continue;
      }
      kept.add(row.id);
      // The discount too: Odoo keeps a percentage of the line's gross, and the channel's amount over a new quantity is another one.
      if (row.product_uom_qty !== values.product_uom_qty) {
        commands.push([1, row.id, { product_uom_qty: values.product_uom_qty, price_unit: values.price_unit, discount: values.discount ?? 0 }]);
      }
    }
    for (const row of rows) if (!kept.has(row.id) && row.product_uom_qty !== 0) commands.push([1, row.id, { product_uom_qty: 0 }]);
    if (commands.length > 0) await client.write({ model: 'sale.order', ids: [saleOrderId], values: { order_line: commands } });
    return mustOrderRef(saleOrderId);
  }

  /**
   * Ships a draft or confirmed, undelivered order to `address`: the customer's delivery contact for it (found or
   * created as the import does) becomes partner_shipping_id, and its open deliveries follow.
   */
  async function updateDeliveryAddress({ saleOrderId, address }: { saleOrderId: number; address: Address }): Promise<SaleOrderRef> {
    const before = await editableOrder(saleOrderId);
    const [row] = await client.read(
      { model: 'sale.order', ids: [saleOrderId], fields: ['partner_id', 'partner_shipping_id'] },
      z.object({ id: z.number().int(), partner_id: Many2one, partner_shipping_id: Many2one }),
    );
    const customer = row ? m2oId(row.partner_id) : undefined;
    if (!row || customer === undefined) throw new OdooError(`sale order ${before.name} has no customer`, 'business');
    const shipTo = await ensureChild(customer, 'delivery', address);
    if (m2oId(row.partner_shipping_id) !== shipTo) await client.write({ model: 'sale.order', ids: [saleOrderId], values: { partner_shipping_id: shipTo } });
    // Odoo leaves a confirmed order's open deliveries with their partner (sale_stock only puts a "you should
    // probably update the partner" activity on them), and the warehouse ships to the delivery's partner: so they
    // are moved here. Done and cancelled ones keep the address they had.
    const open = await client.search({
      model: 'stock.picking',
      domain: [['sale_id', '=', saleOrderId], ['picking_type_code', '=', 'outgoing'], ['state', 'not in', ['done', 'cancel']], ['partner_id', '!=', shipTo]],
      order: 'id',
    });
    if (open.length > 0) await client.write({ model: 'stock.picking', ids: open, values: { partner_id: shipTo } });
    // Name, state and lock are not changed by a new shipping partner: no second read.
    return before;
  }

  async function checkSaleOrderTotal({ saleOrderId, order, tolerance }: { saleOrderId: number; order: CanonicalOrder; tolerance: string }): Promise<SaleOrderTotal> {
    const [row] = await client.read(
      { model: 'sale.order', ids: [saleOrderId], fields: ['name', 'state', 'amount_total', 'currency_id'] },
      z.object({ id: z.number().int(), name: z.string(), state: z.string(), amount_total: z.number(), currency_id: Many2one }),
    );
    if (!row) throw new OdooError(`sale.order ${saleOrderId} does not exist`, 'business', 'odoo.exceptions.MissingError');
    const odoo = fromOdooAmount(row.amount_total, m2oName(row.currency_id) ?? (await currencyOfCompany()));
    const compared = compareTotals({ odoo, order, tolerance });
    // A cancelled order bills nothing: its total no longer matters.
    if (!compared.within && row.state !== 'cancel') throw new OrderRejectedError(totalMismatchMessage(row.name, odoo, order, compared, tolerance), FAILURE.taxMismatch);
    return { saleOrderId, name: row.name, odoo, expected: compared.expected };
  }

  async function confirmSaleOrder({ saleOrderId }: { saleOrderId: number }): Promise<SaleOrderRef> {
    const before = await mustOrderRef(saleOrderId);
    if (before.state === 'draft' || before.state === 'sent') {
      await client.call({ model: 'sale.order', method: 'action_confirm', ids: [saleOrderId] }, z.unknown());
    } else if (before.state === 'cancel') {
      throw new OdooError(`sale order ${before.name} is cancelled and cannot be confirmed`, 'business');
    }
    return mustOrderRef(saleOrderId);
  }

  async function cancelSaleOrder({ saleOrderId }: { saleOrderId: number }): Promise<SaleOrderRef> {
    const fm = await client.fields();
    const before = await mustOrderRef(saleOrderId);
    if (before.state === 'cancel') return before;
    if (before.locked) await client.call({ model: 'sale.order', method: fm.saleOrder.unlockMethod, ids: [saleOrderId] }, z.unknown());
    await client.call({ model: 'sale.order', method: 'action_cancel', ids: [saleOrderId] }, z.unknown());
    return mustOrderRef(saleOrderId);
  }

  async function skuMap(productIds: number[]): Promise<Map<number, string | undefined>> {
    const ids = [...new Set(productIds)];
    const skus = new Map<number, string | undefined>();
    for (let i = 0; i < ids.length; i += SKU_READ_BATCH) {
      const rows = await client.read(
        { model: 'product.product', ids: ids.slice(i, i + SKU_READ_BATCH), fields: ['default_code'], context: { active_test: false } },
        z.object({ id: z.number().int(), default_code: OdooString }),
      );
      for (const r of rows) skus.set(r.id, str(r.default_code));
    }
    return skus;
  }

  async function readDeliveries({ saleOrderId }: { saleOrderId: number }): Promise<DeliveryInfo[]> {
    const pickings = await client.searchRead(
      {
        model: 'stock.picking',
        domain: [['sale_id', '=', saleOrderId], ['picking_type_code', '=', 'outgoing']],
        fields: ['name', 'state', 'carrier_tracking_ref', 'carrier_id', 'date_done'],
        order: 'id',
      },
      z.object({ id: z.number().int(), name: z.string(), state: z.string(), carrier_tracking_ref: OdooString, carrier_id: Many2one, date_done: OdooString }),
    );
    if (pickings.length === 0) return [];
    const done = (await client.fields()).stockMove.doneQty;
    const moves = (
      await client.searchRead(
        { model: 'stock.move', domain: [['picking_id', 'in', pickings.map((p) => p.id)], ['state', '!=', 'cancel']], fields: ['picking_id', 'product_id', 'product_uom_qty', done, 'state'], order: 'id' },
        z.object({ picking_id: Many2one, product_id: Many2one, product_uom_qty: z.number(), state: z.string() }).catchall(z.unknown()),
      )
    ).map((m) => ({ ...m, quantity: typeof m[done] === 'number' ? m[done] : 0 }));
    const skus = await skuMap(moves.map((m) => m.product_id).flatMap((p) => (p === false ? [] : [p[0]])));
    return pickings.map((p) => ({
      pickingId: p.id,
      name: p.name,
      state: p.state,
      trackingRef: str(p.carrier_tracking_ref),
      carrier: m2oName(p.carrier_id),
      doneAt: p.date_done === false ? undefined : fromOdooDatetime(p.date_done),
      lines: moves
        .filter((m) => m2oId(m.picking_id) === p.id && m.product_id !== false)
        .map((m) => {
          const productId = m2oId(m.product_id)!;
          return { productId, sku: skus.get(productId), quantity: p.state === 'done' ? m.quantity : m.product_uom_qty };
        }),
    }));
  }

  const MoveRow = z.object({ id: z.number().int(), name: z.string(), state: z.string(), amount_total: z.number(), currency_id: Many2one });

  async function createCreditNote(input: Parameters<OdooOperations['createCreditNote']>[0]) {
    const find = () =>
      client.searchRead(
        { model: 'account.move', domain: [['move_type', '=', 'out_refund'], ['ref', '=', input.reference]], fields: ['name', 'state', 'amount_total', 'currency_id'], order: 'id', limit: 1 },
        MoveRow,
      );
    const noteRef = async (row: z.infer<typeof MoveRow>, created: boolean) => ({
      creditNoteId: row.id,
      name: row.name,
      state: row.state,
      total: fromOdooAmount(row.amount_total, m2oName(row.currency_id) ?? (await currencyOfCompany())),
      created,
    });
    const [existing] = await find();
    if (existing) {
      // A crash between create and post leaves a draft; finish it.
      if (existing.state !== 'draft') return noteRef(existing, false);
      await client.call({ model: 'account.move', method: 'action_post', ids: [existing.id] }, z.unknown());
      const [posted] = await find();
      return noteRef(posted ?? existing, false);
    }
    const [order] = await client.read(
      { model: 'sale.order', ids: [input.saleOrderId], fields: ['name', 'partner_invoice_id', 'currency_id'] },
      z.object({ id: z.number().int(), name: z.string(), partner_invoice_id: Many2one, currency_id: Many2one }),
    );
    if (!order) throw new OdooError(`sale.order ${input.saleOrderId} does not exist`, 'business');
    const products = await findProductsBySku({ skus: input.lines.map((l) => l.sku) });
    const missing = input.lines.map((l) => l.sku).filter((s) => products[s] === undefined);
    if (missing.length > 0) throw new OdooError(`unknown SKU(s) in Odoo: ${[...new Set(missing)].join(', ')}`, 'business');
    const [invoiceId] = await client.search({
      model: 'account.move',
      domain: [['move_type', '=', 'out_invoice'], ['invoice_origin', '=', order.name], ['state', '=', 'posted']],
      order: 'id',
      limit: 1,
    });
    const commands = [
      ...input.lines.map((l) => [0, 0, { product_id: products[l.sku], name: l.sku, quantity: l.quantity, price_unit: toOdooAmount(l.unitPrice.amount) }]),
      ...(input.amounts ?? []).map((a) => [0, 0, { name: a.label, quantity: 1, price_unit: toOdooAmount(a.amount.amount) }]),
    ];
    if (commands.length === 0) throw new OdooError('a credit note needs at least one line or amount', 'business');
    const id = await client.create({
      model: 'account.move',
      values: {
        move_type: 'out_refund',
        partner_id: m2oId(order.partner_invoice_id) ?? false,
        invoice_origin: order.name,
        ref: input.reference,
        reversed_entry_id: invoiceId ?? false,
        // The order's currency (its pricelist's), so a PKR order is refunded in PKR.
        ...(m2oId(order.currency_id) !== undefined ? { currency_id: m2oId(order.currency_id) } : {}),
        invoice_line_ids: commands,
      },
    });
    await client.call({ model: 'account.move', method: 'action_post', ids: [id] }, z.unknown());
    const [row] = await client.read({ model: 'account.move', ids: [id], fields: ['name', 'state', 'amount_total', 'currency_id'] }, MoveRow);
    if (!row) throw new OdooError(`account.move ${id} vanished after create`, 'transient');
    return noteRef(row, true);
  }

  // ---- Returned goods: restock (a return of the delivery) or write-off (a scrap), once per reference ----

  const ActionDict = z.object({ type: z.string(), res_model: z.string().optional(), res_id: z.number().int().optional(), context: z.record(z.string(), z.unknown()).optional() }).passthrough();
  const PickingState = z.object({ id: z.number().int(), name: z.string(), state: z.string() });

  /**
   * button_validate, following the wizard Odoo may answer instead: the immediate-transfer question (16, when
   * nothing is marked done yet) is answered "apply all"; a backorder question means goods are missing.
   */
  async function validateTransfer(pickingId: number, name: string): Promise<void> {
    let answer = await client.call({ model: 'stock.picking', method: 'button_validate', ids: [pickingId] }, z.unknown());
    for (let step = 0; step < 3 && answer !== true; step++) {
      const action = ActionDict.safeParse(answer);
      if (!action.success) break;
      if (action.data.res_model !== 'stock.immediate.transfer') {
        throw new OdooError(`validating ${name} asks for ${action.data.res_model ?? action.data.type}: the goods are not all there`, 'business');
      }
      const context = action.data.context ?? {};
      const wizard = await client.create({
        model: 'stock.immediate.transfer',
        values: { pick_ids: [[6, 0, [pickingId]]], immediate_transfer_line_ids: [[0, 0, { picking_id: pickingId, to_immediate: true }]] },
        context,
      });
      answer = await client.call({ model: 'stock.immediate.transfer', method: 'process', ids: [wizard], context }, z.unknown());
    }
    const [after] = await client.read({ model: 'stock.picking', ids: [pickingId], fields: ['name', 'state'] }, PickingState);
    if (after?.state !== 'done') throw new OdooError(`${name} is ${after?.state ?? 'gone'} after validation`, 'business');
  }

  /** Wanted units per product id; unknown SKUs are a business error (nothing is touched). */
  async function wantedUnits(lines: { sku: string; quantity: number }[]): Promise<{ wanted: Map<number, number>; skuOf: Map<number, string> }> {
    const products = await findProductsBySku({ skus: lines.map((l) => l.sku) });
    const missing = [...new Set(lines.map((l) => l.sku).filter((s) => products[s] === undefined))];
    if (missing.length > 0) throw new OdooError(`unknown SKU(s) in Odoo: ${missing.join(', ')}`, 'business');
    const wanted = new Map<number, number>();
    const skuOf = new Map<number, string>();
    for (const l of lines) {
      if (l.quantity <= 0) continue;
      const id = products[l.sku]!;
      wanted.set(id, (wanted.get(id) ?? 0) + l.quantity);
      skuOf.set(id, l.sku);
    }
    return { wanted, skuOf };
  }

  /** Done outgoing pickings of the order and their done moves (delivered quantities). */
  async function deliveredMoves(saleOrderId: number) {
    const deliveries = await client.searchRead(
      {
        model: 'stock.picking',
        domain: [['sale_id', '=', saleOrderId], ['picking_type_code', '=', 'outgoing'], ['state', '=', 'done']],
        fields: ['name', 'location_id', 'location_dest_id'],
        order: 'id',
      },
      z.object({ id: z.number().int(), name: z.string(), location_id: Many2one, location_dest_id: Many2one }),
    );
    if (deliveries.length === 0) return { deliveries, moves: [] };
    const done = (await client.fields()).stockMove.doneQty;
    const rows = await client.searchRead(
      { model: 'stock.move', domain: [['picking_id', 'in', deliveries.map((d) => d.id)], ['state', '=', 'done']], fields: ['picking_id', 'product_id', done], order: 'id' },
      z.object({ id: z.number().int(), picking_id: Many2one, product_id: Many2one }).catchall(z.unknown()),
    );
    const moves = rows.map((m) => ({ id: m.id, pickingId: m2oId(m.picking_id) ?? 0, productId: m2oId(m.product_id) ?? 0, quantity: typeof m[done] === 'number' ? m[done] : 0 }));
    return { deliveries, moves };
  }

  /** Pickings returning any of these moves (not cancelled), with their moves. */
  async function returnsOf(moveIds: number[]) {
    if (moveIds.length === 0) return [];
    const rows = await client.searchRead(
      {
        model: 'stock.move',
        domain: [['origin_returned_move_id', 'in', moveIds], ['state', '!=', 'cancel']],
        fields: ['picking_id', 'product_id', 'product_uom_qty', 'origin_returned_move_id'],
        order: 'id',
      },
      z.object({ id: z.number().int(), picking_id: Many2one, product_id: Many2one, product_uom_qty: z.number(), origin_returned_move_id: Many2one }),
    );
    const pickingIds = [...new Set(rows.map((r) => m2oId(r.picking_id)).filter((id): id is number => id !== undefined))];
    if (pickingIds.length === 0) return [];
    const pickings = await client.read({ model: 'stock.picking', ids: pickingIds, fields: ['name', 'state', 'origin'] }, PickingState.extend({ origin: OdooString }));
    return pickings.map((p) => ({
      pickingId: p.id,
      name: p.name,
      state: p.state,
      origin: str(p.origin) ?? '',
      moves: rows
        .filter((r) => m2oId(r.picking_id) === p.id)
        .map((r) => ({ productId: m2oId(r.product_id) ?? 0, quantity: r.product_uom_qty, returnedMoveId: m2oId(r.origin_returned_move_id) ?? 0 })),
    }));
  }

  function unitsBySku(items: { productId: number; quantity: number }[], skuOf: Map<number, string>, skus: Map<number, string | undefined>) {
    const total = new Map<string, number>();
    for (const i of items) {
      const sku = skuOf.get(i.productId) ?? skus.get(i.productId) ?? `product ${i.productId}`;
      total.set(sku, (total.get(sku) ?? 0) + i.quantity);
    }
    return [...total].map(([sku, quantity]) => ({ sku, quantity })).sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
  }

  async function warehouseStockLocation(code: string): Promise<number> {
    const [wh] = await client.searchRead({ model: 'stock.warehouse', domain: [['code', '=', code]], fields: ['lot_stock_id'], limit: 1 }, z.object({ id: z.number().int(), lot_stock_id: Many2one }));
    const location = wh ? m2oId(wh.lot_stock_id) : undefined;
    if (location === undefined) throw new OdooError(`no Odoo warehouse with code ${code} (returns rule)`, 'business');
    return location;
  }

  async function restockReturnedGoods(input: Parameters<OdooOperations['restockReturnedGoods']>[0]) {
    const fm = await client.fields();
    const { wanted, skuOf } = await wantedUnits(input.lines);
    const { deliveries, moves } = await deliveredMoves(input.saleOrderId);
    const returns = await returnsOf(moves.map((m) => m.id));
    const remaining = new Map(wanted);
    const counted = new Set<number>();
    const count = (r: (typeof returns)[number]) => {
      counted.add(r.pickingId);
      for (const m of r.moves) remaining.set(m.productId, (remaining.get(m.productId) ?? 0) - m.quantity);
    };
    returns.filter((r) => r.origin === input.reference).forEach(count);
    // A return whose creation answer was lost still carries Odoo's own origin ("Return of …"). An open one that
    // fits what is still wanted is taken as ours rather than returning the goods twice (this also covers a
    // return a person started in Odoo for these goods: it is the same goods coming back).
    for (const r of returns) {
      if (counted.has(r.pickingId) || r.origin.includes(':refund:') || r.state === 'done' || r.state === 'cancel') continue;
      if (!r.moves.every((m) => m.quantity <= (remaining.get(m.productId) ?? 0))) continue;
      await client.write({ model: 'stock.picking', ids: [r.pickingId], values: { origin: input.reference } });
      r.origin = input.reference;
      count(r);
    }
    const returned = new Map<number, number>();
    for (const r of returns) for (const m of r.moves) returned.set(m.returnedMoveId, (returned.get(m.returnedMoveId) ?? 0) + m.quantity);
    const location = input.warehouseCode ? await warehouseStockLocation(input.warehouseCode) : undefined;
    for (const delivery of deliveries) {
      const lines: Record<string, unknown>[] = [];
      for (const move of moves.filter((m) => m.pickingId === delivery.id)) {
        const want = remaining.get(move.productId) ?? 0;
        const take = Math.min(want, move.quantity - (returned.get(move.id) ?? 0));
        if (take <= 0) continue;
        lines.push({ product_id: move.productId, quantity: take, move_id: move.id });
        remaining.set(move.productId, want - take);
      }
      if (lines.length === 0) continue;
      // The wizard is what a person clicks ("Return" on the delivery); its lines are given, not computed, so
      // every release fills them the same way.
      const context = { active_id: delivery.id, active_ids: [delivery.id], active_model: 'stock.picking' };
      const wizard = await client.create({
        model: 'stock.return.picking',
        values: { picking_id: delivery.id, product_return_moves: lines.map((l) => [0, 0, l]), ...(location !== undefined && fm.stockReturn.wizardLocation ? { location_id: location } : {}) },
        context,
      });
      const action = await client.call({ model: 'stock.return.picking', method: fm.stockReturn.createMethod, ids: [wizard], context }, ActionDict);
      if (action.res_id === undefined) throw new OdooError(`stock.return.picking.${fm.stockReturn.createMethod}: no return picking in the answer`, 'protocol');
      // 18+ has no return location on the wizard: the destination is set on the return before it is validated.
      await client.write({
        model: 'stock.picking',
        ids: [action.res_id],
        values: { origin: input.reference, ...(location !== undefined && !fm.stockReturn.wizardLocation ? { location_dest_id: location } : {}) },
      });
    }
    for (const r of (await returnsOf(moves.map((m) => m.id))).filter((x) => x.origin === input.reference && x.state !== 'done')) {
      await validateTransfer(r.pickingId, r.name);
    }
    const ours = (await returnsOf(moves.map((m) => m.id))).filter((r) => r.origin === input.reference);
    const skus = await skuMap(ours.flatMap((r) => r.moves.map((m) => m.productId)));
    return {
      lines: unitsBySku(ours.flatMap((r) => r.moves), skuOf, skus),
      records: ours.map((r) => ({ id: r.pickingId, name: r.name, state: r.state })),
    };
  }

  const ScrapRow = z.object({ id: z.number().int(), name: z.string(), state: z.string(), product_id: Many2one, scrap_qty: z.number(), picking_id: Many2one });

  async function writeOffReturnedGoods(input: Parameters<OdooOperations['writeOffReturnedGoods']>[0]) {
    const { wanted, skuOf } = await wantedUnits(input.lines);
    const { deliveries, moves } = await deliveredMoves(input.saleOrderId);
    const scrapsOf = (domain: OdooDomain) =>
      client.searchRead({ model: 'stock.scrap', domain, fields: ['name', 'state', 'product_id', 'scrap_qty', 'picking_id'], order: 'id' }, ScrapRow);
    const ours = () => scrapsOf([['origin', '=', input.reference]]);
    const existing = await ours();
    const returned = await returnsOf(moves.map((m) => m.id));
    const allScraps = deliveries.length > 0 ? await scrapsOf([['picking_id', 'in', deliveries.map((d) => d.id)], ['state', '=', 'done']]) : [];
    const uoms = new Map((await productRows([['id', 'in', [...wanted.keys()]]])).map((r) => [r.id, m2oId(r.uom_id) ?? false]));
    for (const [productId, want] of wanted) {
      const sum = <T>(items: T[], f: (t: T) => number) => items.reduce((n, t) => n + f(t), 0);
      const mine = sum(existing.filter((x) => m2oId(x.product_id) === productId), (x) => x.scrap_qty);
      // Never more than is still out at the customer from this order (delivered, not returned, not scrapped).
      const out =
        sum(moves.filter((m) => m.productId === productId), (m) => m.quantity) -
        sum(returned.flatMap((r) => r.moves).filter((m) => m.productId === productId), (m) => m.quantity) -
        sum(allScraps.filter((x) => m2oId(x.product_id) === productId && !existing.some((e) => e.id === x.id)), (x) => x.scrap_qty) -
        sum(existing.filter((x) => m2oId(x.product_id) === productId && x.state === 'done'), (x) => x.scrap_qty);
      const take = Math.min(want - mine, out);
      const delivery = [...deliveries].reverse().find((d) => moves.some((m) => m.pickingId === d.id && m.productId === productId));
      if (take <= 0 || !delivery) continue;
      // Scrapped from where the delivery left the goods (the customer location): Odoo's own default for a scrap
      // of a done transfer; warehouse stock stays as it is.
      await client.create({
        model: 'stock.scrap',
        values: {
          product_id: productId,
          product_uom_id: uoms.get(productId) ?? false,
          scrap_qty: take,
          location_id: m2oId(delivery.location_dest_id) ?? false,
          picking_id: delivery.id,
          origin: input.reference,
        },
      });
    }
    for (const scrap of (await ours()).filter((x) => x.state === 'draft')) {
      const answer = await client.call({ model: 'stock.scrap', method: 'action_validate', ids: [scrap.id] }, z.unknown());
      const action = ActionDict.safeParse(answer);
      if (action.success) throw new OdooError(`scrap ${scrap.name} asks for ${action.data.res_model ?? action.data.type}: not enough at the location`, 'business');
    }
    const after = await ours();
    const skus = await skuMap(after.flatMap((x) => (m2oId(x.product_id) === undefined ? [] : [m2oId(x.product_id)!])));
    return {
      lines: unitsBySku(after.map((x) => ({ productId: m2oId(x.product_id) ?? 0, quantity: x.scrap_qty })), skuOf, skus),
      records: after.map((x) => ({ id: x.id, name: x.name, state: x.state })),
    };
  }

  async function readStock({ skus, warehouseCode }: { skus?: string[]; warehouseCode?: string }) {
    const fm = await client.fields();
    const warehouses = await client.searchRead(
      { model: 'stock.warehouse', domain: warehouseCode ? [['code', '=', warehouseCode]] : [], fields: ['code'], order: 'id' },
      z.object({ id: z.number().int(), code: z.string() }),
    );
    const domain: OdooDomain = skus ? [['default_code', 'in', skus]] : [['default_code', '!=', false]];
    const levels = [];
    for (const wh of warehouses) {
      const rows = await client.searchRead(
        { model: 'product.product', domain, fields: ['default_code', 'qty_available', 'free_qty'], order: 'id', context: fm.warehouseContext(wh.id) },
        z.object({ id: z.number().int(), default_code: OdooString, qty_available: z.number(), free_qty: z.number() }),
      );
      for (const r of rows) {
        if (r.default_code !== false) levels.push({ sku: r.default_code, productId: r.id, warehouse: wh.code, free: r.free_qty, onHand: r.qty_available });
      }
    }
    return levels;
  }

  const PriceRow = z.object({
    id: z.number().int(),
    default_code: OdooString,
    lst_price: z.number(),
    standard_price: z.number(),
    product_tmpl_id: Many2one,
    categ_id: Many2one,
  });
  const PricelistRow = z.object({ id: z.number().int(), name: z.string(), currency_id: Many2one });
  const OdooDatetimeOrFalse = z.union([z.string(), z.literal(false)]);
  const Amount = z.number().optional();
  const ItemRow = z.object({
    id: z.number().int(),
    pricelist_id: Many2one,
    applied_on: z.string(),
    product_id: Many2one,
    product_tmpl_id: Many2one,
    categ_id: Many2one,
    min_quantity: z.number(),
    date_start: OdooDatetimeOrFalse,
    date_end: OdooDatetimeOrFalse,
    compute_price: z.string(),
    base: z.string().optional(),
    base_pricelist_id: Many2one.optional(),
    fixed_price: Amount,
    percent_price: Amount,
    price_discount: Amount,
    price_round: Amount,
    price_surcharge: Amount,
    price_min_margin: Amount,
    price_max_margin: Amount,
  });
  /** Pricelist rule fields the computation uses; later releases drop some (percent_price), so fields_get says which to read. */
  const ITEM_FIELDS = Object.keys(ItemRow.shape).filter((f) => f !== 'id');
  let itemFields: Promise<string[]> | undefined;

  function pricelistItemFields(): Promise<string[]> {
    itemFields ??= client
      .call({ model: 'product.pricelist.item', method: 'fields_get', params: { attributes: ['type'] } }, z.record(z.string(), z.unknown()))
      .then((known) => ITEM_FIELDS.filter((f) => f in known))
      .catch((err: unknown) => {
        itemFields = undefined;
        throw err;
      });
    return itemFields;
  }

  function toRule(row: z.infer<typeof ItemRow>): PricelistRule {
    const amount = (v: number | undefined) => numberToDecimal(v ?? 0);
    const category = row.categ_id === false ? {} : { categoryId: row.categ_id[0], categoryName: row.categ_id[1] };
    return {
      id: row.id,
      appliedOn: row.applied_on,
      ...(m2oId(row.product_id) !== undefined ? { productId: m2oId(row.product_id) } : {}),
      ...(m2oId(row.product_tmpl_id) !== undefined ? { templateId: m2oId(row.product_tmpl_id) } : {}),
      ...category,
      minQuantity: row.min_quantity,
      ...(row.date_start !== false ? { dateStart: row.date_start } : {}),
      ...(row.date_end !== false ? { dateEnd: row.date_end } : {}),
      computePrice: row.compute_price,
      base: row.base ?? 'list_price',
      ...(m2oId(row.base_pricelist_id ?? false) !== undefined ? { basePricelistId: m2oId(row.base_pricelist_id ?? false) } : {}),
      fixedPrice: amount(row.fixed_price),
      percentPrice: amount(row.percent_price),
      priceDiscount: amount(row.price_discount),
      priceRound: amount(row.price_round),
      priceSurcharge: amount(row.price_surcharge),
      priceMinMargin: amount(row.price_min_margin),
      priceMaxMargin: amount(row.price_max_margin),
    };
  }

  /**
   * The pricelist and every pricelist its rules are based on, with the rules that can concern these products
   * (their variant, their template, or none). Archived rules and base pricelists count, as in Odoo's own search.
   */
  async function readPricelists(pricelist: number | string, products: { id: number; templateId?: number }[]) {
    const [first] = await client.searchRead(
      { model: 'product.pricelist', domain: typeof pricelist === 'number' ? [['id', '=', pricelist]] : [['name', '=', pricelist]], fields: ['name', 'currency_id'], limit: 1 },
      PricelistRow,
    );
    if (!first) throw new OdooError(`pricelist ${String(pricelist)} not found`, 'business');
    const { currency: companyCurrency } = await company();
    const fields = await pricelistItemFields();
    const templateIds = [...new Set(products.flatMap((p) => (p.templateId === undefined ? [] : [p.templateId])))];
    const lists = new Map<number, OdooPricelist>();
    const currencyIds = new Map<string, number>();
    for (let wave = [first]; wave.length > 0; ) {
      for (const row of wave) {
        const currency = m2oName(row.currency_id) ?? companyCurrency;
        if (row.currency_id !== false) currencyIds.set(currency, row.currency_id[0]);
        lists.set(row.id, { id: row.id, name: row.name, currency, rules: [] });
      }
      const items = await client.searchRead(
        {
          model: 'product.pricelist.item',
          domain: [
            ['pricelist_id', 'in', wave.map((w) => w.id)],
            '|', ['product_tmpl_id', '=', false], ['product_tmpl_id', 'in', templateIds],
            '|', ['product_id', '=', false], ['product_id', 'in', products.map((p) => p.id)],
          ],
          fields,
          order: 'id',
          context: { active_test: false },
        },
        ItemRow,
      );
      for (const item of items) lists.get(m2oId(item.pricelist_id) ?? 0)?.rules.push(toRule(item));
      const next = [...new Set(items.flatMap((i) => (i.base === 'pricelist' ? (m2oId(i.base_pricelist_id ?? false) ?? []) : [])))].filter((id) => !lists.has(id));
      wave = next.length === 0 ? [] : await client.searchRead({ model: 'product.pricelist', domain: [['id', 'in', next]], fields: ['name', 'currency_id'], context: { active_test: false } }, PricelistRow);
    }
    return { id: first.id, lists, currencyIds };
  }

  /**
   * res.currency.rate per currency: the latest dated at or before `day`, the company's own before one shared by
   * all companies (Odoo's _get_rates). A currency without one is left out.
   */
  async function latestRates(currencyIds: Map<string, number>, day: string): Promise<Record<string, string>> {
    const { id: companyId } = await company();
    const rates: Record<string, string> = {};
    for (const [currency, currencyId] of currencyIds) {
      for (const owner of companyId === undefined ? [false] : [companyId, false]) {
        const [row] = await client.searchRead(
          {
            model: 'res.currency.rate',
            domain: [['currency_id', '=', currencyId], ['name', '<=', day], ['company_id', '=', owner]],
            fields: ['rate'],
            order: 'name desc, id desc',
            limit: 1,
          },
          z.object({ id: z.number().int(), rate: z.number() }),
        );
        if (row) {
          rates[currency] = numberToDecimal(row.rate);
          break;
        }
      }
    }
    return rates;
  }

  async function readPrices({ skus, pricelist }: { skus: string[]; pricelist?: number | string }): Promise<ProductPrice[]> {
    // One read gives list price, cost and what pricelist rules match on.
    const rows = (
      await client.searchRead(
        { model: 'product.product', domain: [['default_code', 'in', skus]], fields: ['default_code', 'lst_price', 'standard_price', 'product_tmpl_id', 'categ_id'], order: 'id' },
        PriceRow,
      )
    ).filter((r): r is typeof r & { default_code: string } => r.default_code !== false);
    const { currency: companyCurrency } = await company();
    // The cost stays exact: a margin floor is only as good as the cost it keeps above.
    const known = rows.map((r) => ({
      sku: r.default_code,
      productId: r.id,
      listPrice: fromOdooAmount(r.lst_price, companyCurrency),
      cost: { amount: numberToDecimal(r.standard_price), currency: companyCurrency },
    }));
    if (pricelist === undefined) return known.map((k) => ({ ...k, price: k.listPrice }));

    const { id, lists, currencyIds } = await readPricelists(pricelist, rows.map((r) => ({ id: r.id, templateId: m2oId(r.product_tmpl_id) })));
    const now = new Date();
    const foreign = new Map([...currencyIds].filter(([currency]) => currency !== companyCurrency));
    const rates = { company: companyCurrency, rates: await latestRates(foreign, now.toISOString().slice(0, 10)) };
    const categoryRules = [...lists.values()].some((l) => l.rules.some((r) => r.categoryId !== undefined));
    const ancestors = new Map<number, number[]>();
    const categoryIds = [...new Set(rows.flatMap((r) => (m2oId(r.categ_id) === undefined ? [] : [m2oId(r.categ_id)!])))];
    if (categoryRules && categoryIds.length > 0) {
      const cats = await client.read({ model: 'product.category', ids: categoryIds, fields: ['parent_path'] }, z.object({ id: z.number().int(), parent_path: OdooString }));
      for (const c of cats) ancestors.set(c.id, c.parent_path === false ? [c.id] : c.parent_path.split('/').filter(Boolean).map(Number));
    }
    return rows.map((r, i) => {
      const category = m2oId(r.categ_id);
      const result = pricelistPrice({
        pricelistId: id,
        pricelists: lists,
        product: {
          productId: r.id,
          ...(m2oId(r.product_tmpl_id) !== undefined ? { templateId: m2oId(r.product_tmpl_id) } : {}),
          categoryIds: category === undefined ? [] : (ancestors.get(category) ?? [category]),
          listPrice: numberToDecimal(r.lst_price),
          cost: numberToDecimal(r.standard_price),
        },
        rates,
        now: toOdooDatetime(now.toISOString()),
      });
      return 'price' in result ? { ...known[i]!, price: result.price } : { ...known[i]!, problem: `pricelist ${lists.get(id)!.name}: ${result.problem}` };
    });
  }

  async function findProducts({ skus, barcodes }: { skus?: string[]; barcodes?: string[] }): Promise<ProductInfo[]> {
    const parts: OdooDomain[] = [];
    if (skus?.length) parts.push([['default_code', 'in', skus]]);
    if (barcodes?.length) parts.push([['barcode', 'in', barcodes]]);
    if (parts.length === 0) return [];
    const domain = parts.length === 2 ? ['|', ...parts[0]!, ...parts[1]!] : parts[0]!;
    const fm = await client.fields();
    const currency = await currencyOfCompany();
    return (await productRows(domain)).map((r) => ({
      productId: r.id,
      sku: str(r.default_code),
      barcode: str(r.barcode),
      name: r.display_name,
      storable: fm.product.isStorable(r),
      listPrice: fromOdooAmount(r.lst_price, currency),
    }));
  }

  async function productsChangedSince({ since }: { since: string }): Promise<ChangedProduct[]> {
    const rows = await client.searchRead(
      { model: 'product.product', domain: [['write_date', '>', toOdooDatetime(since)]], fields: ['default_code', 'write_date'], order: 'write_date, id' },
      z.object({ id: z.number().int(), default_code: OdooString, write_date: z.string() }),
    );
    return rows.map((r) => ({ productId: r.id, sku: str(r.default_code), changedAt: fromOdooDatetime(r.write_date) }));
  }

  /**
   * Odoo writes no product.product when stock moves (qty_available and free_qty are computed from quants):
   * a quantity or reservation change writes the product's stock.quant, and reserving or validating writes its
   * stock.move. Both are listed; a done move still shows a change whose emptied quant Odoo has since unlinked.
   * Pages go by id, not write_date: Odoo stores write_date with microseconds but reads it in whole seconds.
   */
  async function stockChangedSince({ since }: { since: string }): Promise<ChangedProduct[]> {
    const after = toOdooDatetime(since);
    const newest = new Map<number, string>();
    const Row = z.object({ id: z.number().int(), product_id: Many2one, write_date: z.string() });
    async function collect(model: string, domain: OdooDomain): Promise<void> {
      for (let lastId = 0; ; ) {
        const rows = await client.searchRead(
          { model, domain: [['write_date', '>', after], ...domain, ['id', '>', lastId]], fields: ['product_id', 'write_date'], order: 'id', limit: pollPageSize },
          Row,
        );
        for (const r of rows) {
          const productId = m2oId(r.product_id);
          if (productId !== undefined && r.write_date > (newest.get(productId) ?? '')) newest.set(productId, r.write_date);
        }
        if (rows.length < pollPageSize) return;
        lastId = rows[rows.length - 1]!.id;
      }
    }
    await collect('stock.quant', [['location_id.usage', '=', 'internal']]);
    await collect('stock.move', [['state', 'in', ['partially_available', 'assigned', 'done']]]);
    const skus = await skuMap([...newest.keys()]);
    return [...newest]
      .sort(([a, at], [b, bt]) => (at === bt ? a - b : at < bt ? -1 : 1))
      .map(([productId, at]) => ({ productId, sku: skus.get(productId), changedAt: fromOdooDatetime(at) }));
  }

  return {
    ensureCustomer,
    findProductsBySku,
    ensureSaleOrder,
    confirmSaleOrder,
    findSaleOrder,
    cancelSaleOrder,
    updateSaleOrderLines,
    updateDeliveryAddress,
    checkSaleOrderTotal,
    readDeliveries,
    createCreditNote,
    restockReturnedGoods,
    writeOffReturnedGoods,
    readStock,
    readPrices,
    findProducts,
    productsChangedSince,
    stockChangedSince,
  };
}

