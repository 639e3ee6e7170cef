import { userError } from '../errors';
import { browse, type Env, type FieldDef, type MethodDef, type ModelDef, type Rec, rawValue } from '../orm';
import { type VersionProfile } from '../versions';
import { invoiceSaleOrders } from './account';
import { firstId } from './base';
import { boolean, char, datetime, float, integer, many2many, many2one, one2many, selection } from './fields';
import { cancelPicking, createDeliveryForOrder } from './stock';

// sale.order and its lines, with the per-version state set and lock flag.

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

export function isStorable(env: Env, productId: number): boolean {
  const product = env.store.get('product.product', productId);
  const tmpl = product ? env.store.get('product.template', product.product_tmpl_id as number) : undefined;
  if (!tmpl) return false;
  return env.profile.storableFlag === 'is_storable' ? tmpl.is_storable === true : tmpl.type === 'product';
}

function orderLines(env: Env, order: Rec): Rec[] {
  return env.store.all('sale.order.line').filter((l) => l.order_id === order.id);
}

function lineSubtotal(line: Rec): number {
  return num(line.product_uom_qty) * num(line.price_unit) * (1 - num(line.discount) / 100);
}

function lineTax(env: Env, line: Rec): number {
  const taxIds = (line[env.profile.lineTaxField] as number[] | undefined) ?? [];
  const rate = taxIds.reduce((s, id) => s + num(env.store.get('account.tax', id)?.amount), 0);
  return (lineSubtotal(line) * rate) / 100;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

function isLocked(env: Env, order: Rec): boolean {
  return env.profile.lockedField ? order.locked === true : order.state === 'done';
}

function confirm(env: Env, order: Rec): void {
  if (!['draft', 'sent'].includes(String(order.state))) {
    throw userError(`It is not allowed to confirm an order in the following states: ${String(order.state)}`);
  }
  const lines = orderLines(env, order).filter((l) => !l.display_type);
  if (lines.length === 0) throw userError('There are no order lines to confirm.');
  order.state = 'sale';
  order.date_order = env.now();
  order.write_date = env.now();
  createDeliveryForOrder(env, order, lines, (id) => isStorable(env, id));
}

function cancel(env: Env, order: Rec): void {
  if (order.state === 'cancel') return;
  if (isLocked(env, order)) throw userError('You cannot cancel a locked order. Please unlock it first.');
  const pickings = env.store.all('stock.picking').filter((p) => p.sale_id === order.id);
  const done = pickings.find((p) => p.state === 'done');
  if (done) throw userError(`You cannot cancel order ${String(order.name)}: delivery ${String(done.name)} is already done.`);
  for (const picking of pickings) cancelPicking(env, picking);
  order.state = 'cancel';
  order.write_date = env.now();
  env.emit({ event: 'sale.cancelled', sale_order_id: order.id });
}

function orderMethod(run: (env: Env, order: Rec) => void): MethodDef {
  return {
    params: [],
    run: (env, { ids }) => {
      for (const order of browse(env, 'sale.order', ids)) run(env, order);
      return true;
    },
  };
}

function lockMethods(profile: VersionProfile): Record<string, MethodDef> {
  const setLock = (locked: boolean) =>
    orderMethod((env, order) => {
      if (profile.lockedField) {
        if (order.state !== 'sale') throw userError('Only confirmed orders can be locked or unlocked.');
        order.locked = locked;
      } else {
        if (locked && order.state !== 'sale') throw userError('Only confirmed orders can be locked.');
        if (!locked && order.state !== 'done') throw userError('Only locked orders can be unlocked.');
        order.state = locked ? 'done' : 'sale';
      }
      order.write_date = env.now();
    });
  // 16 locks through the `done` state (action_done); 17+ has a boolean and action_lock.
  return profile.lockedField ? { action_lock: setLock(true), action_unlock: setLock(false) } : { action_done: setLock(true), action_unlock: setLock(false) };
}

export function saleModels(profile: VersionProfile): ModelDef[] {
  const orderFields: Record<string, FieldDef> = {
    name: char({ default: () => 'New' }),
    partner_id: many2one('res.partner', { required: true }),
    partner_invoice_id: many2one('res.partner', { default: (_env, vals) => vals.partner_id ?? false }),
    partner_shipping_id: many2one('res.partner', { default: (_env, vals) => vals.partner_id ?? false }),
    client_order_ref: char(),
    origin: char(),
    note: char(),
    date_order: datetime({ default: (env) => env.now() }),
    pricelist_id: many2one('product.pricelist'),
    // Odoo: related to pricelist_id.currency_id (the company currency when no pricelist is set).
    currency_id: many2one('res.currency', {
      compute: (env, rec) => {
        const pricelist = typeof rec.pricelist_id === 'number' ? env.store.get('product.pricelist', rec.pricelist_id) : undefined;
        return pricelist?.currency_id ?? env.store.all('res.company')[0]?.currency_id ?? false;
      },
    }),
    company_id: many2one('res.company', { default: (env) => firstId(env, 'res.company') }),
    warehouse_id: many2one('stock.warehouse', { default: (env) => firstId(env, 'stock.warehouse') }),
    order_line: one2many('sale.order.line', 'order_id'),
    state: selection(profile.saleStates, { default: () => 'draft' }),
    picking_ids: one2many('stock.picking', 'sale_id'),
    invoice_ids: many2many('account.move', {
      compute: (env, rec) => env.store.all('account.move').filter((m) => m.invoice_origin === rec.name).map((m) => m.id),
    }),
    invoice_status: selection(['upselling', 'invoiced', 'to invoice', 'no'], {
      compute: (env, rec) => {
        if (!['sale', 'done'].includes(String(rec.state))) return 'no';
        const lines = orderLines(env, rec).filter((l) => !l.display_type);
        return lines.every((l) => num(rawValue(env, 'sale.order.line', l, 'qty_invoiced')) >= num(l.product_uom_qty)) ? 'invoiced' : 'to invoice';
      },
    }),
    amount_untaxed: float({ compute: (env, rec) => round2(orderLines(env, rec).reduce((s, l) => s + lineSubtotal(l), 0)) }),
    amount_tax: float({ compute: (env, rec) => round2(orderLines(env, rec).reduce((s, l) => s + lineTax(env, l), 0)) }),
    amount_total: float({
      compute: (env, rec) => round2(orderLines(env, rec).reduce((s, l) => s + lineSubtotal(l) + lineTax(env, l), 0)),
    }),
  };
  if (profile.lockedField) orderFields.locked = boolean();

  const lineFields: Record<string, FieldDef> = {
    order_id: many2one('sale.order', { required: true, ondelete: 'cascade' }),
    sequence: integer({ default: () => 10 }),
    display_type: selection(['line_section', 'line_note']),
    product_id: many2one('product.product'),
    name: char({
      default: (env, vals) => {
        const product = typeof vals.product_id === 'number' ? env.store.get('product.product', vals.product_id) : undefined;
        const tmpl = product ? env.store.get('product.template', product.product_tmpl_id as number) : undefined;
        return tmpl ? String(tmpl.name) : false;
      },
    }),
    product_uom_qty: float({ default: () => 1.0 }),
    [profile.lineUomField]: many2one('uom.uom', {
      default: (env, vals) => {
        const product = typeof vals.product_id === 'number' ? env.store.get('product.product', vals.product_id) : undefined;
        const tmpl = product ? env.store.get('product.template', product.product_tmpl_id as number) : undefined;
        return tmpl?.uom_id ?? false;
      },
    }),
    price_unit: float({
      default: (env, vals) => {
        const product = typeof vals.product_id === 'number' ? env.store.get('product.product', vals.product_id) : undefined;
        const tmpl = product ? env.store.get('product.template', product.product_tmpl_id as number) : undefined;
        return num(tmpl?.list_price);
      },
    }),
    discount: float(),
    [profile.lineTaxField]: many2many('account.tax'),
    // Delivered to the customer minus returned from the customer (returns keep the sale line).
    qty_delivered: float({
      compute: (env, rec) =>
        env.store
          .all('stock.move')
          .filter((m) => m.sale_line_id === rec.id && m.state === 'done')
          .reduce((s, m) => {
            const usage = (id: unknown) => env.store.get('stock.location', id as number)?.usage;
            if (usage(m.location_dest_id) === 'customer') return s + num(m.product_uom_qty);
            if (usage(m.location_id) === 'customer') return s - num(m.product_uom_qty);
            return s;
          }, 0),
    }),
    qty_invoiced: float({
      compute: (env, rec) =>
        env.store.all('account.move.line').reduce((s, ml) => {
          const move = env.store.get('account.move', ml.move_id as number);
          if (ml.sale_line_id !== rec.id || move?.state !== 'posted') return s;
          return s + (move.move_type === 'out_refund' ? -num(ml.quantity) : num(ml.quantity));
        }, 0),
    }),
    price_subtotal: float({ compute: (_env, rec) => round2(lineSubtotal(rec)) }),
    price_total: float({ compute: (env, rec) => round2(lineSubtotal(rec) + lineTax(env, rec)) }),
    state: selection(profile.saleStates, { compute: (env, rec) => env.store.get('sale.order', rec.order_id as number)?.state ?? false }),
  };

  return [
    {
      name: 'sale.order',
      fields: orderFields,
      afterCreate: (env, rec) => {
        if (rec.name === 'New') rec.name = `S${String(env.store.nextSequence('sale.order')).padStart(5, '0')}`;
      },
      beforeUnlink: (_env, recs) => {
        const blocked = recs.find((r) => !['draft', 'cancel'].includes(String(r.state)));
        if (blocked) throw userError('You can not delete a sent quotation or a confirmed sales order. You must first cancel it.');
      },
      methods: {
        action_confirm: orderMethod(confirm),
        action_cancel: orderMethod(cancel),
        action_draft: orderMethod((env, order) => {
          if (!['cancel', 'sent'].includes(String(order.state))) throw userError('Only cancelled or sent orders can be set back to quotation.');
          order.state = 'draft';
          order.write_date = env.now();
        }),
        ...lockMethods(profile),
      },
    },
    {
      name: 'sale.order.line',
      fields: lineFields,
      constrain: (_env, rec) => {
        if (!rec.display_type && typeof rec.product_id !== 'number') {
          throw userError('Missing required fields on accountable sale order line.');
        }
      },
    },
    {
      name: 'sale.advance.payment.inv',
      fields: {
        advance_payment_method: selection(['delivered', 'percentage', 'fixed'], { default: () => 'delivered' }),
        sale_order_ids: many2many('sale.order'),
      },
      methods: {
        create_invoices: {
          params: [],
          run: (env, { ids }) => {
            const orderIds = browse(env, 'sale.advance.payment.inv', ids).flatMap((w) => (w.sale_order_ids as number[] | undefined) ?? []);
            const active = Array.isArray(env.context.active_ids) ? (env.context.active_ids as number[]) : [];
            invoiceSaleOrders(env, orderIds.length > 0 ? orderIds : active);
            return { type: 'ir.actions.act_window_close' };
          },
        },
      },
    },
  ];
}

