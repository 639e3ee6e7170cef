import { userError } from '../errors';
import { browse, createRecord, type Env, type FieldDef, type MethodDef, type ModelDef, type Rec } from '../orm';
import { type VersionProfile } from '../versions';
import { firstId } from './base';
import { boolean, char, datetime, float, many2many, many2one, one2many, selection } from './fields';
import { assignPicking, createDoneMove, nextPickingName, pickingMoves, productQuantities, shiftQuants, validatePicking } from './stock';

// What happens to goods after delivery: the return wizard on a done transfer (stock.return.picking), scraps
// (stock.scrap) and, in 16, the immediate-transfer question button_validate asks first. Names and version
// differences follow Odoo 16-19 (wizard method create_returns -> action_create_returns and no return
// location on the wizard from 18; stock.scrap.move_id (16) -> move_ids (17+)).

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** Units of a done move not yet taken back by a (non-cancelled) return. */
function returnable(env: Env, move: Rec): number {
  const back = env.store.all('stock.move').filter((m) => m.origin_returned_move_id === move.id && m.state !== 'cancel');
  return num(move.product_uom_qty) - back.reduce((s, m) => s + num(m.product_uom_qty), 0);
}

function activePicking(env: Env): number | false {
  return env.context.active_model === 'stock.picking' && typeof env.context.active_id === 'number' ? env.context.active_id : false;
}

/** Confirms a draft transfer and reserves it (action_confirm + action_assign). */
function confirmAndAssign(env: Env, picking: Rec): void {
  for (const move of pickingMoves(env, picking)) {
    if (move.state === 'draft') move.state = 'confirmed';
  }
  picking.state = 'confirmed';
  assignPicking(env, picking);
}

function createReturn(env: Env, wizard: Rec): number {
  const delivery = browse(env, 'stock.picking', [wizard.picking_id as number])[0];
  if (!delivery) throw userError('Please select a transfer to return.');
  if (delivery.state !== 'done') throw userError('You may only return Done pickings.');
  const lines = env.store.all('stock.return.picking.line').filter((l) => l.wizard_id === wizard.id);
  if (env.profile.version <= 17 && lines.some((l) => typeof l.move_id !== 'number')) {
    throw userError('You have manually created product lines, please delete them to proceed.');
  }
  // 16/17: the wizard's return location; 18+: the return operation type's destination (the stock it left).
  const destination = env.profile.version <= 17 && typeof wizard.location_id === 'number' ? wizard.location_id : delivery.location_id;
  const pickingId = createRecord(env, 'stock.picking', {
    name: nextPickingName(env, delivery.location_id, true),
    picking_type_code: 'incoming',
    origin: `Return of ${String(delivery.name)}`,
    sale_id: delivery.sale_id ?? false,
    partner_id: delivery.partner_id ?? false,
    location_id: delivery.location_dest_id ?? false,
    location_dest_id: destination ?? false,
    state: 'draft',
    scheduled_date: env.now(),
    ...(env.profile.version >= 17 ? { return_id: delivery.id } : {}),
  });
  let returned = 0;
  for (const line of lines) {
    if (num(line.quantity) <= 0) continue;
    const original = typeof line.move_id === 'number' ? env.store.get('stock.move', line.move_id) : undefined;
    returned += 1;
    createRecord(env, 'stock.move', {
      name: original?.name ?? false,
      picking_id: pickingId,
      product_id: line.product_id,
      product_uom_qty: line.quantity,
      location_id: delivery.location_dest_id ?? false,
      location_dest_id: destination ?? false,
      sale_line_id: original?.sale_line_id ?? false,
      origin_returned_move_id: original?.id ?? false,
      state: 'draft',
    });
  }
  if (returned === 0) throw userError('Please specify at least one non-zero quantity.');
  confirmAndAssign(env, browse(env, 'stock.picking', [pickingId])[0]!);
  return pickingId;
}

function returnAction(env: Env, pickingId: number): Record<string, unknown> {
  return { name: 'Returned Picking', type: 'ir.actions.act_window', res_model: 'stock.picking', res_id: pickingId, view_mode: 'form', context: env.context };
}

function returnMethods(profile: VersionProfile): Record<string, MethodDef> {
  const create: MethodDef = {
    params: [],
    run: (env, { ids }) => {
      let last = 0;
      for (const wizard of browse(env, 'stock.return.picking', ids)) last = createReturn(env, wizard);
      return returnAction(env, last);
    },
  };
  if (profile.version <= 17) return { create_returns: create };
  return {
    action_create_returns: create,
    action_create_returns_all: {
      params: [],
      run: (env, { ids }) => {
        for (const wizard of browse(env, 'stock.return.picking', ids)) {
          for (const line of env.store.all('stock.return.picking.line').filter((l) => l.wizard_id === wizard.id)) {
            const move = typeof line.move_id === 'number' ? env.store.get('stock.move', line.move_id) : undefined;
            if (move) line.quantity = Math.max(0, returnable(env, move));
          }
        }
        return create.run(env, { model: 'stock.return.picking', ids, kw: {} });
      },
    },
  };
}

function scrapLocation(env: Env): number | false {
  const locations = env.store.all('stock.location');
  return (locations.find((l) => l.scrap_location === true) ?? locations.find((l) => l.usage === 'inventory' && l.name === 'Scrap'))?.id ?? false;
}

function doScrap(env: Env, scrap: Rec): void {
  const moveId = createDoneMove(env, {
    name: scrap.name,
    origin: scrap.origin || false,
    product_id: scrap.product_id,
    product_uom_qty: scrap.scrap_qty,
    location_id: scrap.location_id,
    location_dest_id: scrap.scrap_location_id,
    scrapped: true,
    ...(env.profile.version >= 17 ? { scrap_id: scrap.id } : {}),
  });
  shiftQuants(env, scrap.product_id as number, scrap.location_id as number, scrap.scrap_location_id, num(scrap.scrap_qty));
  if (env.profile.version === 16) scrap.move_id = moveId;
  scrap.state = 'done';
  scrap.date_done = env.now();
  scrap.write_date = env.now();
  env.emit({ event: 'stock.changed', product_ids: [scrap.product_id as number] });
}

function scrapFields(profile: VersionProfile): Record<string, FieldDef> {
  return {
    name: char({ default: () => 'New' }),
    origin: char(),
    company_id: many2one('res.company', { default: (env) => firstId(env, 'res.company') }),
    product_id: many2one('product.product', { required: true }),
    product_uom_id: many2one('uom.uom', {
      required: true,
      default: (env, vals) => {
        const product = typeof vals.product_id === 'number' ? env.store.get('product.product', vals.product_id) : undefined;
        const tmpl = product ? env.store.get('product.template', product.product_tmpl_id as number) : undefined;
        return tmpl?.uom_id ?? false;
      },
    }),
    scrap_qty: float({ default: () => 1.0 }),
    picking_id: many2one('stock.picking'),
    // A scrap of a done transfer starts where the transfer left the goods (its destination).
    location_id: many2one('stock.location', {
      required: true,
      default: (env, vals) => {
        const picking = typeof vals.picking_id === 'number' ? env.store.get('stock.picking', vals.picking_id) : undefined;
        if (picking) return picking.state === 'done' ? picking.location_dest_id : picking.location_id;
        return env.store.all('stock.warehouse')[0]?.lot_stock_id ?? false;
      },
    }),
    scrap_location_id: many2one('stock.location', { required: true, default: (env) => scrapLocation(env) }),
    state: selection(['draft', 'done'], { default: () => 'draft' }),
    date_done: datetime(),
    ...(profile.version >= 17 ? { move_ids: one2many('stock.move', 'scrap_id') } : { move_id: many2one('stock.move') }),
  };
}

export function returnModels(profile: VersionProfile): ModelDef[] {
  const wizardFields: Record<string, FieldDef> = {
    picking_id: many2one('stock.picking', { default: (env) => activePicking(env) }),
    product_return_moves: one2many('stock.return.picking.line', 'wizard_id'),
    company_id: many2one('res.company', { default: (env) => firstId(env, 'res.company') }),
  };
  if (profile.version <= 17) {
    wizardFields.location_id = many2one('stock.location', {
      default: (env, vals) => {
        const picking = typeof vals.picking_id === 'number' ? env.store.get('stock.picking', vals.picking_id) : undefined;
        return picking?.location_id ?? false;
      },
    });
  }
  const models: ModelDef[] = [
    {
      name: 'stock.return.picking',
      fields: wizardFields,
      // Odoo computes the lines from the transfer when none are given: what is left to return (16/17), 0 (18+).
      afterCreate: (env, wizard) => {
        if (typeof wizard.picking_id !== 'number') return;
        const picking = env.store.get('stock.picking', wizard.picking_id);
        if (picking && picking.state !== 'done') throw userError('You may only return Done pickings.');
        if (env.store.all('stock.return.picking.line').some((l) => l.wizard_id === wizard.id)) return;
        for (const move of pickingMoves(env, picking!).filter((m) => m.state !== 'cancel' && m.scrapped !== true)) {
          createRecord(env, 'stock.return.picking.line', {
            wizard_id: wizard.id,
            product_id: move.product_id,
            move_id: move.id,
            quantity: env.profile.version <= 17 ? Math.max(0, returnable(env, move)) : 0,
          });
        }
      },
      methods: returnMethods(profile),
    },
    {
      name: 'stock.return.picking.line',
      fields: {
        wizard_id: many2one('stock.return.picking', { ondelete: 'cascade' }),
        product_id: many2one('product.product', { required: true }),
        quantity: float(),
        move_id: many2one('stock.move'),
        uom_id: many2one('uom.uom', {
          compute: (env, rec) => {
            const product = env.store.get('product.product', rec.product_id as number);
            return (product && env.store.get('product.template', product.product_tmpl_id as number)?.uom_id) ?? false;
          },
        }),
      },
    },
    {
      name: 'stock.scrap',
      fields: scrapFields(profile),
      beforeUnlink: (_env, recs) => {
        if (recs.some((r) => r.state === 'done')) throw userError('You cannot delete a scrap which is done.');
      },
      methods: {
        action_validate: {
          params: [],
          run: (env, { ids }) => {
            const [scrap] = browse(env, 'stock.scrap', ids);
            if (!scrap || ids.length !== 1) throw userError('Expected singleton: stock.scrap');
            if (scrap.state === 'done') return true;
            if (num(scrap.scrap_qty) <= 0) throw userError('You can only enter positive quantities.');
            const context = env.context;
            env.context = { ...context, location: scrap.location_id };
            const available = productQuantities(env, scrap.product_id as number).qty_available;
            env.context = context;
            if (available < num(scrap.scrap_qty)) {
              return {
                name: 'Insufficient Quantity To Scrap',
                type: 'ir.actions.act_window',
                res_model: 'stock.warn.insufficient.qty.scrap',
                view_mode: 'form',
                target: 'new',
                context: { default_product_id: scrap.product_id, default_location_id: scrap.location_id, default_scrap_id: scrap.id, default_quantity: scrap.scrap_qty },
              };
            }
            scrap.name = `SP/${String(env.store.nextSequence('stock.scrap')).padStart(5, '0')}`;
            doScrap(env, scrap);
            return true;
          },
        },
      },
    },
  ];
  if (profile.version === 16) {
    models.push(
      {
        name: 'stock.immediate.transfer',
        fields: {
          pick_ids: many2many('stock.picking'),
          show_transfers: boolean(),
          immediate_transfer_line_ids: one2many('stock.immediate.transfer.line', 'immediate_transfer_id'),
        },
        methods: {
          process: {
            params: [],
            run: (env, { ids }) => {
              for (const wizard of browse(env, 'stock.immediate.transfer', ids)) {
                const lines = env.store.all('stock.immediate.transfer.line').filter((l) => l.immediate_transfer_id === wizard.id);
                const chosen = lines.length > 0 ? lines.filter((l) => l.to_immediate === true).map((l) => l.picking_id as number) : ((wizard.pick_ids as number[] | undefined) ?? []);
                for (const picking of browse(env, 'stock.picking', chosen)) {
                  if (picking.state === 'draft') confirmAndAssign(env, picking);
                  else assignPicking(env, picking);
                  // Odoo 16 marks every reserved unit done (qty_done = reserved on the move lines).
                  for (const move of pickingMoves(env, picking).filter((m) => !['done', 'cancel'].includes(String(m.state)))) move.qty_done = num(move.quantity);
                }
                const toValidate = Array.isArray(env.context.button_validate_picking_ids) ? (env.context.button_validate_picking_ids as number[]).filter((id) => chosen.includes(id)) : [];
                env.context = { ...env.context, skip_immediate: true };
                for (const picking of browse(env, 'stock.picking', toValidate)) {
                  const result = validatePicking(env, picking);
                  if (result !== true) return result;
                }
              }
              return true;
            },
          },
        },
      },
      {
        name: 'stock.immediate.transfer.line',
        fields: {
          immediate_transfer_id: many2one('stock.immediate.transfer', { ondelete: 'cascade' }),
          picking_id: many2one('stock.picking', { required: true }),
          to_immediate: boolean(),
        },
      },
    );
  }
  return models;
}
