import { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type OdooEngine } from './engine';
import { OdooException } from './errors';
import { applyFaults, FaultSettings, noFaults } from './faults';
import { invoiceSaleOrders } from './models/account';
import { buttonValidate, pickingMoves, productQuantities, setOnHand, validatePicking } from './models/stock';
import { browse, createRecord, type Env, readRecords, type Rec, writeRecords } from './orm';
import { addProduct, warehouseStock } from './seed';

// Test and demo controls under /_admin/. Inputs are zod-validated; everything runs in one transaction.

export const NewProductsInput = z.object({
  products: z.array(
    z.object({
      sku: z.string().min(1),
      name: z.string().min(1),
      barcode: z.string().min(1).optional(),
      listPrice: z.number().nonnegative(),
      storable: z.boolean().optional(),
      quantity: z.number().optional(),
      warehouse: z.string().optional(),
    }),
  ),
});
export const SetStockInput = z.object({ sku: z.string().min(1), quantity: z.number(), warehouse: z.string().optional() });
export const ValidateDeliveryInput = z
  .object({
    saleOrderId: z.number().int().positive().optional(),
    pickingId: z.number().int().positive().optional(),
    trackingRef: z.string().min(1),
    carrier: z.string().min(1).optional(),
    /**
     * Ship only these units in this package, as a person does in Odoo (done quantities on the moves, then
     * Validate); without it the whole delivery ships, reserved or not.
     */
    lines: z.array(z.object({ sku: z.string().min(1), quantity: z.number().nonnegative() })).min(1).optional(),
    /** With `lines`, the wizard's answer for the rest: a backorder (default) or none (cancelled). */
    backorder: z.boolean().default(true),
  })
  .refine((v) => v.saleOrderId !== undefined || v.pickingId !== undefined, 'saleOrderId or pickingId is required');
export const InvoiceInput = z.object({ saleOrderId: z.number().int().positive() });
export const StateFileInput = z.object({ file: z.string().min(1).optional() });
export const ResetInput = z.object({ seed: z.enum(['demo', 'empty']).default('demo') });

export interface PartnerView {
  id: number;
  name: string;
  email: string | false;
  street: string | false;
  city: string | false;
  zip: string | false;
  countryCode: string | false;
  type: string;
  parentId: number | false;
}

export interface SaleOrderView {
  id: number;
  name: string;
  state: string;
  locked: boolean;
  clientOrderRef: string | false;
  origin: string | false;
  dateOrder: string;
  partner: PartnerView;
  invoicePartner: PartnerView;
  shippingPartner: PartnerView;
  amountTotal: number;
  lines: { id: number; sku: string | false; productId: number | false; name: string; quantity: number; priceUnit: number; discount: number; qtyDelivered: number }[];
  pickings: { id: number; name: string; state: string; trackingRef: string | false; dateDone: string | false; backorderOf: number | false }[];
  /** ir.model.data xml ids (module.name) pointing at this order. */
  bindings: string[];
}

export interface StockLevelView {
  sku: string;
  productId: number;
  warehouse: string;
  onHand: number;
  free: number;
}

function productBySku(env: Env, sku: string): Rec {
  const product = env.store.all('product.product').find((p) => p.default_code === sku);
  if (!product) throw new OdooException('odoo.exceptions.UserError', `no product with SKU ${sku}`);
  return product;
}

function partnerView(env: Env, id: number): PartnerView {
  const p = browse(env, 'res.partner', [id])[0]!;
  const country = typeof p.country_id === 'number' ? env.store.get('res.country', p.country_id) : undefined;
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : false);
  return {
    id: p.id,
    name: String(p.name),
    email: str(p.email),
    street: str(p.street),
    city: str(p.city),
    zip: str(p.zip),
    countryCode: country ? String(country.code) : false,
    type: String(p.type ?? 'contact'),
    parentId: typeof p.parent_id === 'number' ? p.parent_id : false,
  };
}

export function saleOrderViews(env: Env, clientOrderRef?: string): SaleOrderView[] {
  return env.store
    .all('sale.order')
    .filter((o) => clientOrderRef === undefined || o.client_order_ref === clientOrderRef)
    .map((o) => {
      const [row] = readRecords(env, 'sale.order', [o.id], ['amount_total']);
      const lines = env.store.all('sale.order.line').filter((l) => l.order_id === o.id);
      const lineRows = readRecords(env, 'sale.order.line', lines.map((l) => l.id), ['product_id', 'name', 'product_uom_qty', 'price_unit', 'discount', 'qty_delivered']);
      return {
        id: o.id,
        name: String(o.name),
        state: String(o.state),
        locked: env.profile.lockedField ? o.locked === true : o.state === 'done',
        clientOrderRef: typeof o.client_order_ref === 'string' ? o.client_order_ref : false,
        origin: typeof o.origin === 'string' ? o.origin : false,
        dateOrder: String(o.date_order),
        partner: partnerView(env, o.partner_id as number),
        invoicePartner: partnerView(env, o.partner_invoice_id as number),
        shippingPartner: partnerView(env, o.partner_shipping_id as number),
        amountTotal: row!.amount_total as number,
        lines: lineRows.map((l) => {
          const productId = Array.isArray(l.product_id) ? (l.product_id[0] as number) : false;
          const product = productId ? env.store.get('product.product', productId) : undefined;
          return {
            id: l.id as number,
            sku: typeof product?.default_code === 'string' ? product.default_code : false,
            productId,
            name: String(l.name),
            quantity: l.product_uom_qty as number,
            priceUnit: l.price_unit as number,
            discount: l.discount as number,
            qtyDelivered: l.qty_delivered as number,
          };
        }),
        pickings: env.store
          .all('stock.picking')
          .filter((p) => p.sale_id === o.id)
          .map((p) => ({
            id: p.id,
            name: String(p.name),
            state: String(p.state),
            trackingRef: typeof p.carrier_tracking_ref === 'string' ? p.carrier_tracking_ref : false,
            dateDone: typeof p.date_done === 'string' ? p.date_done : false,
            backorderOf: typeof p.backorder_id === 'number' ? p.backorder_id : false,
          })),
        bindings: env.store
          .all('ir.model.data')
          .filter((d) => d.model === 'sale.order' && d.res_id === o.id)
          .map((d) => `${String(d.module)}.${String(d.name)}`),
      };
    });
}

export function stockLevels(env: Env, sku?: string): StockLevelView[] {
  const products = env.store.all('product.product').filter((p) => typeof p.default_code === 'string' && (sku === undefined || p.default_code === sku));
  return products.flatMap((p) =>
    env.store.all('stock.warehouse').map((wh) => {
      env.context = { warehouse: wh.id };
      const q = productQuantities(env, p.id);
      env.context = {};
      return { sku: String(p.default_code), productId: p.id, warehouse: String(wh.code), onHand: q.qty_available, free: q.free_qty };
    }),
  );
}

function validateDelivery(env: Env, input: z.infer<typeof ValidateDeliveryInput>) {
  const picking =
    input.pickingId !== undefined
      ? browse(env, 'stock.picking', [input.pickingId])[0]!
      : env.store.all('stock.picking').find((p) => p.sale_id === input.saleOrderId && p.picking_type_code === 'outgoing' && !['done', 'cancel'].includes(String(p.state)));
  if (!picking) throw new OdooException('odoo.exceptions.UserError', `no open delivery for sale order ${String(input.saleOrderId)}`);
  let carrierId: number | false = false;
  if (input.carrier) {
    carrierId = env.store.all('delivery.carrier').find((c) => c.name === input.carrier)?.id ?? createRecord(env, 'delivery.carrier', { name: input.carrier });
  }
  picking.carrier_tracking_ref = input.trackingRef;
  if (carrierId) picking.carrier_id = carrierId;
  if (input.lines) shipPart(env, picking, input.lines, input.backorder);
  else validatePicking(env, picking, { force: true });
  const backorder = env.store.all('stock.picking').find((p) => p.backorder_id === picking.id);
  return {
    pickingId: picking.id,
    name: String(picking.name),
    state: String(picking.state),
    ...(backorder ? { backorder: { pickingId: backorder.id, name: String(backorder.name), state: String(backorder.state) } } : {}),
  };
}

/**
 * One package of a delivery, the way a person ships it in Odoo: the done quantity written on each move (16
 * quantity_done; 17+ quantity, and picked), Validate, and the backorder wizard answered.
 */
function shipPart(env: Env, picking: Rec, lines: { sku: string; quantity: number }[], backorder: boolean): void {
  const left = new Map<number, number>();
  for (const l of lines) {
    const product = productBySku(env, l.sku);
    left.set(product.id, (left.get(product.id) ?? 0) + l.quantity);
  }
  const moves = pickingMoves(env, picking).filter((m) => !['done', 'cancel'].includes(String(m.state)));
  for (const move of moves) {
    const quantity = Math.min(left.get(move.product_id as number) ?? 0, Number(move.product_uom_qty));
    left.set(move.product_id as number, (left.get(move.product_id as number) ?? 0) - quantity);
    writeRecords(env, 'stock.move', [move.id], env.profile.version === 16 ? { quantity_done: quantity } : { quantity, picked: quantity > 0 });
  }
  const extra = [...left].filter(([, quantity]) => quantity > 0);
  if (extra.length > 0) throw new OdooException('odoo.exceptions.UserError', `${String(picking.name)} has no more to ship of product(s) ${extra.map(([id]) => id).join(', ')}`);
  const answer = buttonValidate(env, [picking.id]);
  if (answer === true) return;
  if (answer.res_model !== 'stock.backorder.confirmation') throw new OdooException('odoo.exceptions.UserError', `validating ${String(picking.name)} asks for ${String(answer.res_model)}`);
  env.context = { ...env.context, ...(answer.context as Record<string, unknown>) };
  const wizard = createRecord(env, 'stock.backorder.confirmation', {});
  const method = backorder ? 'process' : 'process_cancel_backorder';
  env.models['stock.backorder.confirmation']!.methods![method]!.run(env, { model: 'stock.backorder.confirmation', ids: [wizard], kw: {} });
}

export function registerAdmin(app: FastifyInstance, engine: OdooEngine, options: { stateFile?: string }): void {
  const input = <T extends z.ZodType>(schema: T, body: unknown): z.infer<T> => {
    const raw = typeof body === 'string' && body !== '' ? (JSON.parse(body) as unknown) : {};
    return schema.parse(raw);
  };
  const stateFile = (file?: string) => {
    const chosen = file ?? options.stateFile;
    if (!chosen) throw new Error('no state file given and none configured');
    return chosen;
  };

  app.setErrorHandler((err, _request, reply) => {
    const status = err instanceof z.ZodError || err instanceof SyntaxError ? 400 : err instanceof OdooException ? 422 : 500;
    return reply.code(status).send({ error: err instanceof Error ? err.message : String(err) });
  });

  app.post('/_admin/products', async (req) => {
    const { products } = input(NewProductsInput, req.body);
    return engine.transact((env) => products.map((p) => ({ sku: p.sku, ...addProduct(env, p) })));
  });
  app.post('/_admin/stock', async (req) => {
    const body = input(SetStockInput, req.body);
    return engine.transact((env) => {
      const product = productBySku(env, body.sku);
      setOnHand(env, product.id, warehouseStock(env, body.warehouse), body.quantity);
      return stockLevels(env, body.sku);
    });
  });
  app.get<{ Querystring: { sku?: string } }>('/_admin/stock', async (req) => engine.transact((env) => stockLevels(env, req.query.sku), 1, true));
  app.post('/_admin/deliveries/validate', async (req) => {
    const body = input(ValidateDeliveryInput, req.body);
    return engine.transact((env) => validateDelivery(env, body));
  });
  app.post('/_admin/invoices', async (req) => {
    const body = input(InvoiceInput, req.body);
    return { invoiceIds: engine.transact((env) => invoiceSaleOrders(env, [body.saleOrderId])) };
  });
  app.put('/_admin/faults', async (req) => {
    engine.faults = applyFaults(engine.faults, input(FaultSettings, req.body));
    return engine.faults;
  });
  app.delete('/_admin/faults', async () => {
    engine.faults = noFaults();
    return engine.faults;
  });
  app.get<{ Querystring: { clientOrderRef?: string } }>('/_admin/sale-orders', async (req) =>
    engine.transact((env) => saleOrderViews(env, req.query.clientOrderRef), 1, true),
  );
  app.get<{ Params: { model: string } }>('/_admin/records/:model', async (req) =>
    engine.transact((env) => readRecords(env, req.params.model, env.store.all(req.params.model).map((r) => r.id)), 1, true),
  );
  app.get('/_admin/calls', async () => engine.calls);
  app.get('/_admin/notifications', async () => {
    await engine.flushNotifications();
    return engine.sent;
  });
  app.post('/_admin/state/save', async (req) => {
    const file = stateFile(input(StateFileInput, req.body).file);
    await engine.store.saveTo(file);
    return { file };
  });
  app.post('/_admin/state/load', async (req) => {
    const file = stateFile(input(StateFileInput, req.body).file);
    await engine.store.loadFrom(file);
    return { file };
  });
  app.post('/_admin/reset', async (req) => {
    engine.seed(input(ResetInput, req.body).seed);
    engine.faults = noFaults();
    return { ok: true };
  });
}
