import { z } from 'zod';
import { type Address, type CanonicalOrder, type OrderKey, money, moneyEquals, multiplyMoney, ODOO_BINDING_MODULE, odooClientOrderRef, odooOrderBindingName } from '../../domain';
import { type OdooClient, type OdooDomain } from './client';
import { Many2one, m2oId, m2oName, OdooString, str } from './schemas';
import {
  type ChangedProduct,
  type CustomerIds,
  type DeliveryInfo,
  OdooError,
  type OdooOperations,
  type ProductInfo,
  type SaleOrderRef,
} from './types';
import { fromOdooAmount, fromOdooDatetime, percentOf, toOdooAmount, toOdooDatetime } from './wire';

// Idempotent order operations over the low-level client. Every create is preceded by a search, and the
// sale order binding (client_order_ref + ir.model.data channelsync.<name>) decides which order is THE order.

export interface OdooOperationsOptions {
  /** Service product used for shipping charges (default SHIPPING). */
  shippingSku?: string;
}

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
  const countryIds = new Map<string, number | false>();
  let companyCurrency: Promise<string> | undefined;

  async function countryId(code: string): Promise<number | false> {
    if (!countryIds.has(code)) {
      const [id] = await client.search({ model: 'res.country', domain: [['code', '=', code]], limit: 1 });
      countryIds.set(code, id ?? false);
    }
    return countryIds.get(code)!;
  }

  function currencyOfCompany(): Promise<string> {
    companyCurrency ??= client
      .searchRead({ model: 'res.company', domain: [], fields: ['currency_id'], limit: 1, order: 'id' }, z.object({ currency_id: Many2one }))
      .then((rows) => m2oName(rows[0]?.currency_id ?? false) ?? 'USD')
      .catch((err: unknown) => {
        companyCurrency = undefined;
        throw err;
      });
    return companyCurrency;
  }

  async function addressValues(address: Address): Promise<Record<string, unknown>> {
    return {
      street: address.street1,
      street2: address.street2 ?? false,
      city: address.city,
      zip: address.postalCode ?? false,
      country_id: await countryId(address.countryCode),
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

  /**
   * Brings a draft or confirmed order's lines in line with an edited channel order: quantities written per
   * product, new products added, removed ones set to 0 (Odoo does not delete confirmed lines). Running it
   * twice writes the same values. Refuses locked, cancelled or already delivered orders.
   */
  async function updateSaleOrderLines({ saleOrderId, order }: { saleOrderId: number; order: CanonicalOrder }): Promise<SaleOrderRef> {
    const before = await mustOrderRef(saleOrderId);
    if (before.state === 'cancel' || before.locked) throw new OdooError(`sale order ${before.name} is ${before.locked ? 'locked' : 'cancelled'}; edit refused`, 'business');
    const delivered = (await readDeliveries({ saleOrderId })).some((d) => d.state === 'done');
    if (delivered) throw new OdooError(`sale order ${before.name} has a validated delivery; edit refused`, 'business');
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
      if (row.product_uom_qty !== values.product_uom_qty) commands.push([1, row.id, { product_uom_qty: values.product_uom_qty, price_unit: values.price_unit }]);
    }
    for (const row of rows) if (!kept.has(row.id) && row.product_uom_qty !== 0) commands.push([1, row.id, { product_uom_qty: 0 }]);
    if (commands.length > 0) await client.write({ model: 'sale.order', ids: [saleOrderId], values: { order_line: commands } });
    return mustOrderRef(saleOrderId);
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
    if (productIds.length === 0) return new Map();
    const rows = await client.read(
      { model: 'product.product', ids: [...new Set(productIds)], fields: ['default_code'], context: { active_test: false } },
      z.object({ id: z.number().int(), default_code: OdooString }),
    );
    return new Map(rows.map((r) => [r.id, str(r.default_code)]));
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
      { model: 'sale.order', ids: [input.saleOrderId], fields: ['name', 'partner_invoice_id'] },
      z.object({ id: z.number().int(), name: z.string(), partner_invoice_id: Many2one }),
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
        invoice_line_ids: commands,
      },
    });
    await client.call({ model: 'account.move', method: 'action_post', ids: [id] }, z.unknown());
    const [row] = await client.read({ model: 'account.move', ids: [id], fields: ['name', 'state', 'amount_total', 'currency_id'] }, MoveRow);
    if (!row) throw new OdooError(`account.move ${id} vanished after create`, 'transient');
    return noteRef(row, true);
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

  async function readPrices({ skus, pricelist }: { skus: string[]; pricelist?: number | string }) {
    const rows = await productRows([['default_code', 'in', skus]]);
    const companyCur = await currencyOfCompany();
    type Item = { applied_on: string; product_id: z.infer<typeof Many2one>; product_tmpl_id: z.infer<typeof Many2one>; compute_price: string; fixed_price: number; percent_price: number; min_quantity: number };
    let items: Item[] = [];
    let currency = companyCur;
    if (pricelist !== undefined) {
      const [list] = await client.searchRead(
        { model: 'product.pricelist', domain: typeof pricelist === 'number' ? [['id', '=', pricelist]] : [['name', '=', pricelist]], fields: ['currency_id'], limit: 1 },
        z.object({ id: z.number().int(), currency_id: Many2one }),
      );
      if (!list) throw new OdooError(`pricelist ${String(pricelist)} not found`, 'business');
      currency = m2oName(list.currency_id) ?? companyCur;
      items = await client.searchRead(
        {
          model: 'product.pricelist.item',
          domain: [['pricelist_id', '=', list.id]],
          fields: ['applied_on', 'product_id', 'product_tmpl_id', 'compute_price', 'fixed_price', 'percent_price', 'min_quantity'],
          order: 'id',
        },
        z.object({ applied_on: z.string(), product_id: Many2one, product_tmpl_id: Many2one, compute_price: z.string(), fixed_price: z.number(), percent_price: z.number(), min_quantity: z.number() }),
      );
    }
    const templates = new Map(
      (await client.read({ model: 'product.product', ids: rows.map((r) => r.id), fields: ['product_tmpl_id'] }, z.object({ id: z.number().int(), product_tmpl_id: Many2one }))).map(
        (r) => [r.id, m2oId(r.product_tmpl_id)],
      ),
    );
    return rows
      .filter((r): r is typeof r & { default_code: string } => r.default_code !== false)
      .map((r) => {
        const listPrice = fromOdooAmount(r.lst_price, currency);
        // Most specific rule for one unit: variant, then template, then global (Odoo's applied_on order).
        const usable = items.filter((i) => i.min_quantity <= 1);
        const item =
          usable.find((i) => i.applied_on === '0_product_variant' && m2oId(i.product_id) === r.id) ??
          usable.find((i) => i.applied_on === '1_product' && m2oId(i.product_tmpl_id) === templates.get(r.id)) ??
          usable.find((i) => i.applied_on === '3_global');
        let price = listPrice;
        if (item?.compute_price === 'fixed') price = fromOdooAmount(item.fixed_price, currency);
        else if (item?.compute_price === 'percentage') price = fromOdooAmount(r.lst_price * (1 - item.percent_price / 100), currency);
        return { sku: r.default_code, productId: r.id, listPrice, price };
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

  return {
    ensureCustomer,
    findProductsBySku,
    ensureSaleOrder,
    confirmSaleOrder,
    findSaleOrder,
    cancelSaleOrder,
    updateSaleOrderLines,
    readDeliveries,
    createCreditNote,
    readStock,
    readPrices,
    findProducts,
    productsChangedSince,
  };
}

