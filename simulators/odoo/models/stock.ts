import { userError } from '../errors';
import { browse, createRecord, type Env, type FieldDef, type ModelDef, type Rec } from '../orm';
import { type VersionProfile } from '../versions';
import { boolean, char, datetime, float, many2one, one2many, selection } from './fields';

// Warehouses, quants with reservation, outgoing pickings and their moves. Like Odoo, a stock change writes
// stock.quant and stock.move records (their write_date) and never product.product: quantities are computed.

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/**
 * Locations a quantity question covers: context `location` (id; that location and its children, whatever
 * their usage, like Odoo's child_of), or the internal ones of `warehouse` (id, code or name), else all internal.
 */
function locationsInScope(env: Env): number[] {
  const all = env.store.all('stock.location');
  const internal = all.filter((l) => l.usage === 'internal');
  const withChildren = (root: number) => internal.filter((l) => l.id === root || l.location_id === root).map((l) => l.id);
  const location = env.context.location ?? env.context.location_id;
  const warehouse = env.context.warehouse ?? env.context.warehouse_id;
  if (typeof location === 'number') return all.filter((l) => l.id === location || l.location_id === location).map((l) => l.id);
  if (warehouse !== undefined && warehouse !== false) {
    const wh = env.store.all('stock.warehouse').find((w) => w.id === warehouse || w.code === warehouse || w.name === warehouse);
    return wh ? withChildren(wh.lot_stock_id as number) : [];
  }
  return internal.map((l) => l.id);
}

export function productQuantities(env: Env, productId: number): { qty_available: number; free_qty: number; virtual_available: number } {
  const scope = locationsInScope(env);
  const quants = env.store.all('stock.quant').filter((q) => q.product_id === productId && scope.includes(q.location_id as number));
  const onHand = quants.reduce((s, q) => s + num(q.quantity), 0);
  const reserved = quants.reduce((s, q) => s + num(q.reserved_quantity), 0);
  const outgoing = env.store
    .all('stock.move')
    .filter((m) => m.product_id === productId && scope.includes(m.location_id as number) && !['done', 'cancel', 'draft'].includes(String(m.state)))
    .reduce((s, m) => s + num(m.product_uom_qty), 0);
  return { qty_available: onHand, free_qty: onHand - reserved, virtual_available: onHand - outgoing };
}

export function quantAt(env: Env, productId: number, locationId: number): Rec {
  const existing = env.store.all('stock.quant').find((q) => q.product_id === productId && q.location_id === locationId);
  if (existing) return existing;
  return browse(env, 'stock.quant', [createRecord(env, 'stock.quant', { product_id: productId, location_id: locationId, quantity: 0 })])[0]!;
}

/**
 * Sets the on-hand quantity of a product in a location (an applied inventory adjustment): like Odoo's
 * stock.quant._apply_inventory, a done move from or to the inventory-loss location and the quant written.
 */
export function setOnHand(env: Env, productId: number, locationId: number, quantity: number): void {
  const quant = quantAt(env, productId, locationId);
  const diff = quantity - num(quant.quantity);
  const loss = env.store.all('stock.location').find((l) => l.usage === 'inventory' && l.scrap_location !== true);
  if (loss) {
    const moveId = createRecord(env, 'stock.move', {
      name: diff === 0 ? 'Product Quantity Confirmed' : 'Product Quantity Updated',
      product_id: productId,
      product_uom_qty: Math.abs(diff),
      location_id: diff >= 0 ? loss.id : locationId,
      location_dest_id: diff >= 0 ? locationId : loss.id,
      state: 'done',
    });
    // Stored as `quantity` whatever the release exposes it as (see moveQuantityFields).
    env.store.get('stock.move', moveId)!.quantity = Math.abs(diff);
  }
  quant.quantity = quantity;
  quant.write_date = env.now();
  env.emit({ event: 'stock.changed', product_ids: [productId] });
}

/** Odoo keeps no reservable stock outside internal locations: moves from a customer or supplier reserve in full. */
function bypassesReservation(env: Env, locationId: unknown): boolean {
  return env.store.get('stock.location', locationId as number)?.usage !== 'internal';
}

function reserveMove(env: Env, move: Rec): void {
  move.write_date = env.now();
  if (bypassesReservation(env, move.location_id)) {
    move.quantity = move.product_uom_qty;
    move.state = 'assigned';
    return;
  }
  let missing = num(move.product_uom_qty) - num(move.quantity);
  for (const quant of env.store.all('stock.quant').filter((q) => q.product_id === move.product_id && q.location_id === move.location_id)) {
    if (missing <= 0) break;
    const take = Math.min(missing, Math.max(0, num(quant.quantity) - num(quant.reserved_quantity)));
    if (take <= 0) continue;
    quant.reserved_quantity = num(quant.reserved_quantity) + take;
    quant.write_date = env.now();
    move.quantity = num(move.quantity) + take;
    missing -= take;
  }
  move.state = missing <= 0 ? 'assigned' : num(move.quantity) > 0 ? 'partially_available' : 'confirmed';
}

function releaseMove(env: Env, move: Rec): void {
  if (bypassesReservation(env, move.location_id)) {
    move.quantity = 0;
    return;
  }
  let held = num(move.quantity);
  for (const quant of env.store.all('stock.quant').filter((q) => q.product_id === move.product_id && q.location_id === move.location_id)) {
    if (held <= 0) break;
    const give = Math.min(held, num(quant.reserved_quantity));
    quant.reserved_quantity = num(quant.reserved_quantity) - give;
    quant.write_date = env.now();
    held -= give;
  }
  move.quantity = 0;
}

export function pickingMoves(env: Env, picking: Rec): Rec[] {
  return env.store.all('stock.move').filter((m) => m.picking_id === picking.id);
}

function refreshPickingState(env: Env, picking: Rec): void {
  const moves = pickingMoves(env, picking).filter((m) => m.state !== 'cancel');
  picking.state = moves.length > 0 && moves.every((m) => m.state === 'assigned') ? 'assigned' : 'confirmed';
  picking.write_date = env.now();
}

export function assignPicking(env: Env, picking: Rec): void {
  if (!['confirmed', 'assigned', 'waiting'].includes(String(picking.state))) return;
  const moves = pickingMoves(env, picking).filter((m) => !['done', 'cancel'].includes(String(m.state)));
  for (const move of moves) reserveMove(env, move);
  refreshPickingState(env, picking);
  const products = [...new Set(moves.map((m) => m.product_id as number))];
  env.emit({ event: 'stock.changed', product_ids: products });
}

export function cancelPicking(env: Env, picking: Rec): void {
  if (picking.state === 'done') throw userError(`You cannot cancel a transfer that is done (${String(picking.name)}).`);
  if (picking.state === 'cancel') return;
  const moves = pickingMoves(env, picking);
  for (const move of moves) {
    releaseMove(env, move);
    move.state = 'cancel';
    move.write_date = env.now();
  }
  picking.state = 'cancel';
  picking.write_date = env.now();
  const products = [...new Set(moves.map((m) => m.product_id as number))];
  env.emit({ event: 'stock.changed', product_ids: products });
}

/**
 * Validates a picking. Like Odoo, a picking that is not fully reserved answers a backorder wizard action
 * unless the context says what to do (skip_backorder / picking_ids_not_to_backorder).
 */
export function validatePicking(env: Env, picking: Rec, opts: { force?: boolean } = {}): true | Record<string, unknown> {
  if (picking.state === 'done') return true;
  if (picking.state === 'cancel' || picking.state === 'draft') throw userError(`Transfer ${String(picking.name)} cannot be validated in state ${String(picking.state)}.`);
  const moves = pickingMoves(env, picking).filter((m) => m.state !== 'cancel');
  const short = moves.some((m) => num(m.quantity) < num(m.product_uom_qty));
  const decided = env.context.skip_backorder === true || Array.isArray(env.context.picking_ids_not_to_backorder);
  if (short && !decided && !opts.force) {
    return {
      type: 'ir.actions.act_window',
      name: 'Create Backorder?',
      res_model: 'stock.backorder.confirmation',
      view_mode: 'form',
      target: 'new',
      context: { button_validate_picking_ids: [picking.id], default_pick_ids: [[4, picking.id]] },
    };
  }
  for (const move of moves) {
    releaseMove(env, move);
    // Quants move at both ends, whatever the locations' usage (customers hold what was delivered to them).
    const quant = quantAt(env, move.product_id as number, move.location_id as number);
    quant.quantity = num(quant.quantity) - num(move.product_uom_qty);
    quant.write_date = env.now();
    if (typeof move.location_dest_id === 'number') {
      const dest = quantAt(env, move.product_id as number, move.location_dest_id);
      dest.quantity = num(dest.quantity) + num(move.product_uom_qty);
      dest.write_date = env.now();
    }
    move.quantity = move.product_uom_qty;
    move.state = 'done';
    move.write_date = env.now();
  }
  picking.state = 'done';
  picking.date_done = env.now();
  picking.write_date = env.now();
  const products = [...new Set(moves.map((m) => m.product_id as number))];
  env.emit({ event: 'stock.changed', product_ids: products });
  if (picking.picking_type_code === 'outgoing') env.emit({ event: 'delivery.done', picking_id: picking.id });
  return true;
}

/** 16 asks whether to apply all reserved quantities when nothing is marked done yet (17+ does it silently). */
function immediateTransferAction(env: Env, picking: Rec): Record<string, unknown> | undefined {
  if (env.profile.version !== 16 || env.context.skip_immediate === true) return undefined;
  return {
    type: 'ir.actions.act_window',
    name: 'Immediate Transfer?',
    res_model: 'stock.immediate.transfer',
    view_mode: 'form',
    target: 'new',
    context: { button_validate_picking_ids: [picking.id], default_show_transfers: false, default_pick_ids: [[4, picking.id]] },
  };
}

/** Creates the outgoing picking of a confirmed sale order for its storable lines and reserves stock. */
export function createDeliveryForOrder(env: Env, order: Rec, lines: Rec[], isStorable: (productId: number) => boolean): void {
  const storable = lines.filter((l) => typeof l.product_id === 'number' && isStorable(l.product_id) && num(l.product_uom_qty) > 0);
  if (storable.length === 0) return;
  const wh = env.store.get('stock.warehouse', order.warehouse_id as number) ?? env.store.all('stock.warehouse')[0];
  if (!wh) throw userError('No warehouse is defined for this company.');
  const customers = env.store.all('stock.location').find((l) => l.usage === 'customer');
  const pickingId = createRecord(env, 'stock.picking', {
    name: `${String(wh.code)}/OUT/${String(env.store.nextSequence(`picking.${wh.id}`)).padStart(5, '0')}`,
    picking_type_code: 'outgoing',
    origin: order.name,
    sale_id: order.id,
    partner_id: order.partner_shipping_id,
    location_id: wh.lot_stock_id,
    location_dest_id: customers?.id ?? false,
    state: 'confirmed',
    scheduled_date: env.now(),
  });
  for (const line of storable) {
    createRecord(env, 'stock.move', {
      name: line.name,
      picking_id: pickingId,
      product_id: line.product_id,
      product_uom_qty: line.product_uom_qty,
      location_id: wh.lot_stock_id,
      location_dest_id: customers?.id ?? false,
      sale_line_id: line.id,
      state: 'confirmed',
    });
  }
  assignPicking(env, browse(env, 'stock.picking', [pickingId])[0]!);
}

/**
 * The move's quantity is stored as `quantity` either way; 17+ exposes it as `quantity`, 16 as
 * `reserved_availability` (before done) and `quantity_done` (once done).
 */
function moveQuantityFields(profile: VersionProfile): Record<string, FieldDef> {
  if (profile.version >= 17) return { quantity: float() };
  return {
    reserved_availability: float({ compute: (_env, rec) => (rec.state === 'done' ? 0 : num(rec.quantity)) }),
    quantity_done: float({ compute: (_env, rec) => (rec.state === 'done' ? num(rec.quantity) : 0) }),
  };
}

export function stockModels(profile: VersionProfile): ModelDef[] {
  return [
    {
      name: 'stock.location',
      displayName: (env, rec) => {
        const parent = typeof rec.location_id === 'number' ? env.store.get('stock.location', rec.location_id) : undefined;
        return parent ? `${String(parent.name)}/${String(rec.name)}` : String(rec.name);
      },
      fields: {
        name: char({ required: true }),
        usage: selection(['supplier', 'view', 'internal', 'customer', 'inventory', 'production', 'transit'], { default: () => 'internal' }),
        location_id: many2one('stock.location'),
        scrap_location: boolean(),
        complete_name: char({ compute: (env, rec) => {
          const parent = typeof rec.location_id === 'number' ? env.store.get('stock.location', rec.location_id) : undefined;
          return parent ? `${String(parent.name)}/${String(rec.name)}` : String(rec.name);
        } }),
      },
    },
    {
      name: 'stock.warehouse',
      fields: {
        name: char({ required: true }),
        code: char({ required: true }),
        lot_stock_id: many2one('stock.location', { required: true }),
        company_id: many2one('res.company'),
        delivery_steps: selection(['ship_only', 'pick_ship', 'pick_pack_ship'], { default: () => 'ship_only' }),
      },
    },
    {
      name: 'stock.quant',
      displayName: (env, rec) => String(env.store.get('product.product', rec.product_id as number)?.default_code ?? rec.id),
      fields: {
        product_id: many2one('product.product', { required: true, ondelete: 'cascade' }),
        location_id: many2one('stock.location', { required: true }),
        quantity: float(),
        reserved_quantity: float(),
        available_quantity: float({ compute: (_env, rec) => num(rec.quantity) - num(rec.reserved_quantity) }),
        inventory_quantity: float(),
        inventory_quantity_set: { type: 'boolean' },
      },
      methods: {
        action_apply_inventory: {
          params: [],
          run: (env, { ids }) => {
            for (const quant of browse(env, 'stock.quant', ids)) {
              setOnHand(env, quant.product_id as number, quant.location_id as number, num(quant.inventory_quantity));
              quant.inventory_quantity_set = false;
            }
            return true;
          },
        },
      },
    },
    { name: 'delivery.carrier', fields: { name: char({ required: true }) } },
    {
      name: 'stock.picking',
      fields: {
        name: char({ default: () => '/' }),
        picking_type_code: selection(['incoming', 'outgoing', 'internal'], { default: () => 'outgoing' }),
        origin: char(),
        sale_id: many2one('sale.order'),
        partner_id: many2one('res.partner'),
        location_id: many2one('stock.location'),
        location_dest_id: many2one('stock.location'),
        state: selection(['draft', 'waiting', 'confirmed', 'assigned', 'done', 'cancel'], { default: () => 'draft' }),
        scheduled_date: datetime(),
        date_done: datetime(),
        carrier_id: many2one('delivery.carrier'),
        carrier_tracking_ref: char(),
        move_ids: one2many('stock.move', 'picking_id'),
        // 17+: the delivery a return was made from.
        ...(profile.version >= 17 ? { return_id: many2one('stock.picking') } : {}),
      },
      // Like Odoo's stock.picking.write: a new source or destination is passed on to the moves not yet done.
      afterWrite: (env, recs, vals) => {
        const moved: Record<string, unknown> = {};
        if (typeof vals.location_id === 'number') moved.location_id = vals.location_id;
        if (typeof vals.location_dest_id === 'number') moved.location_dest_id = vals.location_dest_id;
        if (Object.keys(moved).length === 0) return;
        for (const picking of recs) {
          for (const move of pickingMoves(env, picking).filter((m) => !['done', 'cancel'].includes(String(m.state)) && m.scrapped !== true)) Object.assign(move, moved);
        }
      },
      methods: {
        action_assign: { params: [], run: (env, { ids }) => { for (const p of browse(env, 'stock.picking', ids)) assignPicking(env, p); return true; } },
        action_cancel: { params: [], run: (env, { ids }) => { for (const p of browse(env, 'stock.picking', ids)) cancelPicking(env, p); return true; } },
        button_validate: {
          params: [],
          run: (env, { ids }) => {
            for (const p of browse(env, 'stock.picking', ids)) {
              const ask = p.state === 'done' ? undefined : immediateTransferAction(env, p);
              if (ask) return ask;
              const result = validatePicking(env, p);
              if (result !== true) return result;
            }
            return true;
          },
        },
      },
    },
    {
      name: 'stock.move',
      fields: {
        name: char(),
        picking_id: many2one('stock.picking', { ondelete: 'cascade' }),
        product_id: many2one('product.product', { required: true }),
        product_uom_qty: float(),
        ...moveQuantityFields(profile),
        location_id: many2one('stock.location'),
        location_dest_id: many2one('stock.location'),
        sale_line_id: many2one('sale.order.line'),
        state: selection(['draft', 'waiting', 'confirmed', 'partially_available', 'assigned', 'done', 'cancel'], { default: () => 'draft' }),
        origin: char(),
        origin_returned_move_id: many2one('stock.move'),
        returned_move_ids: one2many('stock.move', 'origin_returned_move_id'),
        scrapped: boolean(),
        // 17+ links scrap moves to their scrap (16: stock.scrap.move_id).
        ...(profile.version >= 17 ? { scrap_id: many2one('stock.scrap') } : {}),
      },
    },
  ];
}
