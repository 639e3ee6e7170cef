import { userError } from '../errors';
import { browse, createRecord, type Env, type FieldDef, type ModelDef, type Rec } from '../orm';
import { type VersionProfile } from '../versions';
import { boolean, char, datetime, float, many2many, many2one, one2many, selection } from './fields';

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

function quantAt(env: Env, productId: number, locationId: number): Rec {
  const existing = env.store.all('stock.quant').find((q) => q.product_id === productId && q.location_id === locationId);
  if (existing) return existing;
  return browse(env, 'stock.quant', [createRecord(env, 'stock.quant', { product_id: productId, location_id: locationId, quantity: 0 })])[0]!;
}

/** Creates a done move of its whole demand; the shipped quantity is stored as `quantity` whatever the release exposes it as (see moveQuantityFields). */
export function createDoneMove(env: Env, vals: Record<string, unknown>): number {
  const moveId = createRecord(env, 'stock.move', { ...vals, state: 'done' });
  env.store.get('stock.move', moveId)!.quantity = vals.product_uom_qty;
  return moveId;
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
    createDoneMove(env, {
      name: diff === 0 ? 'Product Quantity Confirmed' : 'Product Quantity Updated',
      product_id: productId,
      product_uom_qty: Math.abs(diff),
      location_id: diff >= 0 ? loss.id : locationId,
      location_dest_id: diff >= 0 ? locationId : loss.id,
    });
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
 * What validating a move ships. 17+: its `quantity` (reserved, or set by hand), and once any move of the transfer is
 * marked `picked`, only the picked ones; 16: the `quantity_done` set on it (kept as qty_done, Odoo 16 holds it on
 * the move lines), never what is merely reserved.
 */
function doneQuantity(env: Env, move: Rec, anyPicked: boolean): number {
  if (env.profile.version === 16) return num(move.qty_done);
  return anyPicked && move.picked !== true ? 0 : num(move.quantity);
}

/** The next name in the sequence of the warehouse whose stock is `stock` (else the first): WH/OUT/00003, WH/IN/00001. */
export function nextPickingName(env: Env, stock: unknown, incoming: boolean): string {
  const warehouses = env.store.all('stock.warehouse');
  const wh = warehouses.find((w) => w.lot_stock_id === stock) ?? warehouses[0];
  const sequence = incoming ? `picking.in.${String(wh?.id ?? 0)}` : `picking.${String(wh?.id ?? 0)}`;
  return `${String(wh?.code ?? 'WH')}/${incoming ? 'IN' : 'OUT'}/${String(env.store.nextSequence(sequence)).padStart(5, '0')}`;
}

/** Moves `quantity` of a product between two quants (done moves change both ends, whatever the locations' usage). */
export function shiftQuants(env: Env, productId: number, from: number, to: unknown, quantity: number): void {
  const source = quantAt(env, productId, from);
  source.quantity = num(source.quantity) - quantity;
  source.write_date = env.now();
  if (typeof to !== 'number') return;
  const dest = quantAt(env, productId, to);
  dest.quantity = num(dest.quantity) + quantity;
  dest.write_date = env.now();
}

/**
 * Like Odoo's _create_backorder: the moves still to deliver go to a copy of the transfer (backorder_id pointing
 * back, same partner and carrier, no tracking number), which is reserved again at once.
 */
function createBackorder(env: Env, picking: Rec, rest: Rec[]): Rec {
  const backorderId = createRecord(env, 'stock.picking', {
    name: nextPickingName(env, picking.picking_type_code === 'incoming' ? picking.location_dest_id : picking.location_id, picking.picking_type_code === 'incoming'),
    picking_type_code: picking.picking_type_code,
    origin: picking.origin ?? false,
    sale_id: picking.sale_id ?? false,
    partner_id: picking.partner_id ?? false,
    location_id: picking.location_id ?? false,
    location_dest_id: picking.location_dest_id ?? false,
    carrier_id: picking.carrier_id ?? false,
    backorder_id: picking.id,
    state: 'confirmed',
    scheduled_date: picking.scheduled_date ?? env.now(),
  });
  for (const move of rest) {
    Object.assign(move, { picking_id: backorderId, state: 'confirmed', quantity: 0, qty_done: 0, write_date: env.now() });
    if (env.profile.version >= 17) move.picked = false;
  }
  const backorder = browse(env, 'stock.picking', [backorderId])[0]!;
  assignPicking(env, backorder);
  return backorder;
}

/**
 * Validates a picking. Like Odoo, a picking with moves done below their demand answers the backorder wizard
 * action unless the context says what to do (skip_backorder, as the wizard's process() sets it); then each move
 * ships its done quantity, the rest of its demand is split off (Odoo's _split) and goes to a backorder, or is
 * cancelled for pickings in picking_ids_not_to_backorder (process_cancel_backorder). `force` (the admin shortcut)
 * ships the whole demand, reserved or not.
 */
export function validatePicking(env: Env, picking: Rec, opts: { force?: boolean } = {}): true | Record<string, unknown> {
  if (picking.state === 'done') return true;
  if (picking.state === 'cancel' || picking.state === 'draft') throw userError(`Transfer ${String(picking.name)} cannot be validated in state ${String(picking.state)}.`);
  const moves = pickingMoves(env, picking).filter((m) => m.state !== 'cancel');
  const anyPicked = moves.some((m) => m.picked === true);
  const done = new Map(moves.map((m) => [m.id, opts.force ? num(m.product_uom_qty) : doneQuantity(env, m, anyPicked)]));
  if (!opts.force && moves.length > 0 && moves.every((m) => (done.get(m.id) ?? 0) <= 0)) {
    throw userError('You cannot validate a transfer if no quantities are reserved nor done. To force the transfer, encode quantities.');
  }
  const short = moves.some((m) => (done.get(m.id) ?? 0) < num(m.product_uom_qty));
  const decided = env.context.skip_backorder === true || Array.isArray(env.context.picking_ids_not_to_backorder);
  if (short && !decided && !opts.force) {
    return {
      type: 'ir.actions.act_window',
      name: 'Create Backorder?',
      res_model: 'stock.backorder.confirmation',
      view_mode: 'form',
      target: 'new',
      context: { button_validate_picking_ids: [picking.id], default_show_transfers: false, default_pick_ids: [[4, picking.id]] },
    };
  }
  const notToBackorder = env.context.picking_ids_not_to_backorder;
  const cancelRest = env.context.cancel_backorder === true || (Array.isArray(notToBackorder) && notToBackorder.includes(picking.id));
  const rest: Rec[] = [];
  for (const move of moves) {
    const quantity = done.get(move.id) ?? 0;
    const demand = num(move.product_uom_qty);
    releaseMove(env, move);
    if (quantity <= 0) {
      rest.push(move);
      continue;
    }
    if (quantity < demand) {
      const splitId = createRecord(env, 'stock.move', {
        name: move.name ?? false,
        picking_id: picking.id,
        product_id: move.product_id,
        product_uom_qty: demand - quantity,
        location_id: move.location_id ?? false,
        location_dest_id: move.location_dest_id ?? false,
        sale_line_id: move.sale_line_id ?? false,
        origin: move.origin ?? false,
        state: 'confirmed',
      });
      rest.push(browse(env, 'stock.move', [splitId])[0]!);
      move.product_uom_qty = quantity;
    }
    // Quants move at both ends, whatever the locations' usage (customers hold what was delivered to them).
    shiftQuants(env, move.product_id as number, move.location_id as number, move.location_dest_id, quantity);
    move.quantity = quantity;
    move.state = 'done';
    move.write_date = env.now();
  }
  if (rest.length > 0 && cancelRest) {
    for (const move of rest) Object.assign(move, { state: 'cancel', quantity: 0, qty_done: 0, write_date: env.now() });
  } else if (rest.length > 0) {
    createBackorder(env, picking, rest);
  }
  picking.state = 'done';
  picking.date_done = env.now();
  picking.write_date = env.now();
  const products = [...new Set(moves.map((m) => m.product_id as number))];
  env.emit({ event: 'stock.changed', product_ids: products });
  if (picking.picking_type_code === 'outgoing') env.emit({ event: 'delivery.done', picking_id: picking.id });
  return true;
}

/** button_validate on some pickings: the first wizard any of them asks for, else true. */
export function buttonValidate(env: Env, ids: number[]): true | Record<string, unknown> {
  for (const p of browse(env, 'stock.picking', ids)) {
    const ask = p.state === 'done' ? undefined : immediateTransferAction(env, p);
    if (ask) return ask;
    const result = validatePicking(env, p);
    if (result !== true) return result;
  }
  return true;
}

/** 16 asks whether to apply all reserved quantities when nothing is marked done yet (17+ does it silently). */
function immediateTransferAction(env: Env, picking: Rec): Record<string, unknown> | undefined {
  if (env.profile.version !== 16 || env.context.skip_immediate === true) return undefined;
  if (pickingMoves(env, picking).some((m) => m.state !== 'cancel' && num(m.qty_done) > 0)) return undefined;
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
 * The move's reserved (then shipped) quantity is stored as `quantity` either way; 17+ exposes it as `quantity` (set
 * by hand to ship less) with `picked`, 16 as `reserved_availability` (before done) and `quantity_done`: what a
 * person marks done (stored as qty_done, see moveQuantityWrite), the shipped quantity once done.
 */
function moveQuantityFields(profile: VersionProfile): Record<string, FieldDef> {
  if (profile.version >= 17) return { quantity: float(), picked: boolean() };
  return {
    reserved_availability: float({ compute: (_env, rec) => (rec.state === 'done' ? 0 : num(rec.quantity)) }),
    quantity_done: float({ compute: (_env, rec) => (rec.state === 'done' ? num(rec.quantity) : num(rec.qty_done)) }),
  };
}

/**
 * Writes of a move's quantity as Odoo applies them to an open move: 16's quantity_done (computed, with an inverse
 * onto the move lines) is kept as qty_done; 17+'s quantity is the move lines' quantity, so lowering it gives the
 * reservation back to the quants and raising it reserves what is free.
 */
function moveQuantityWrite(env: Env, moves: Rec[], vals: Record<string, unknown>): void {
  const open = moves.filter((m) => !['done', 'cancel'].includes(String(m.state)));
  if (env.profile.version === 16) {
    if (typeof vals.quantity_done === 'number') for (const move of open) move.qty_done = vals.quantity_done;
    return;
  }
  if (typeof vals.quantity !== 'number') return;
  for (const move of open.filter((m) => !bypassesReservation(env, m.location_id))) {
    let diff = vals.quantity - num(move.quantity);
    for (const quant of env.store.all('stock.quant').filter((q) => q.product_id === move.product_id && q.location_id === move.location_id)) {
      if (diff === 0) break;
      const change = diff < 0 ? -Math.min(-diff, num(quant.reserved_quantity)) : Math.min(diff, Math.max(0, num(quant.quantity) - num(quant.reserved_quantity)));
      if (change === 0) continue;
      quant.reserved_quantity = num(quant.reserved_quantity) + change;
      quant.write_date = env.now();
      diff -= change;
    }
  }
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
        backorder_id: many2one('stock.picking'),
        backorder_ids: one2many('stock.picking', 'backorder_id'),
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
        button_validate: { params: [], run: (env, { ids }) => buttonValidate(env, ids) },
      },
    },
    {
      name: 'stock.move',
      beforeWrite: moveQuantityWrite,
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
    {
      // The question button_validate asks when less than the demand is done (all of 16-19).
      name: 'stock.backorder.confirmation',
      fields: {
        pick_ids: many2many('stock.picking', { default: (env) => (Array.isArray(env.context.default_pick_ids) ? env.context.default_pick_ids : []) }),
        show_transfers: boolean({ default: (env) => env.context.default_show_transfers === true }),
        backorder_confirmation_line_ids: one2many('stock.backorder.confirmation.line', 'backorder_confirmation_id'),
      },
      // Odoo's default_get: one line per transfer, all to backorder.
      afterCreate: (env, wizard) => {
        if (env.store.all('stock.backorder.confirmation.line').some((l) => l.backorder_confirmation_id === wizard.id)) return;
        for (const pickingId of (wizard.pick_ids as number[] | undefined) ?? []) {
          createRecord(env, 'stock.backorder.confirmation.line', { backorder_confirmation_id: wizard.id, picking_id: pickingId, to_backorder: true });
        }
      },
      methods: {
        // "Create Backorder": validates the transfers of button_validate_picking_ids; lines unticked get none.
        process: {
          params: [],
          run: (env, { ids }) => {
            const wizards = browse(env, 'stock.backorder.confirmation', ids);
            const lines = env.store.all('stock.backorder.confirmation.line').filter((l) => ids.includes(l.backorder_confirmation_id as number));
            const notToDo = lines.filter((l) => l.to_backorder !== true).map((l) => l.picking_id as number);
            const toValidate = env.context.button_validate_picking_ids;
            if (wizards.length === 0 || !Array.isArray(toValidate)) return true;
            env.context = { ...env.context, skip_backorder: true, ...(notToDo.length > 0 ? { picking_ids_not_to_backorder: notToDo } : {}) };
            return buttonValidate(env, toValidate as number[]);
          },
        },
        // "No Backorder": validates them and cancels what was not done.
        process_cancel_backorder: {
          params: [],
          run: (env, { ids }) => {
            const picks = browse(env, 'stock.backorder.confirmation', ids).flatMap((w) => (w.pick_ids as number[] | undefined) ?? []);
            const toValidate = env.context.button_validate_picking_ids;
            if (!Array.isArray(toValidate)) return true;
            env.context = { ...env.context, skip_backorder: true, picking_ids_not_to_backorder: picks };
            return buttonValidate(env, toValidate as number[]);
          },
        },
      },
    },
    {
      name: 'stock.backorder.confirmation.line',
      fields: {
        backorder_confirmation_id: many2one('stock.backorder.confirmation', { ondelete: 'cascade' }),
        picking_id: many2one('stock.picking'),
        to_backorder: boolean(),
      },
    },
  ];
}
