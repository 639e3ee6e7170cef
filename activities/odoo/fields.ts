import { type OdooVersion } from './types';

// Every field or method name that changed between Odoo 16 and 19, in one place.

export interface OdooFieldMap {
  version: OdooVersion;
  saleLine: {
    /** tax_id (<=18) / tax_ids (19) */
    tax: 'tax_id' | 'tax_ids';
    /** product_uom (<=18) / product_uom_id (19) */
    uom: 'product_uom' | 'product_uom_id';
  };
  product: {
    /** Fields to read to know whether a product is storable. */
    storableFields: string[];
    /** Values that make a new product storable. */
    storableValues: Record<string, unknown>;
    isStorable(row: Record<string, unknown>): boolean;
  };
  stockMove: {
    /** Delivered quantity of a done move: quantity_done (16) / quantity (17+). */
    doneQty: 'quantity_done' | 'quantity';
  };
  stockReturn: {
    /** The return wizard's button: create_returns (16/17) / action_create_returns (18+). */
    createMethod: 'create_returns' | 'action_create_returns';
    /** 16/17: the wizard has a `location_id` (return location); 18+ takes it from the return operation type. */
    wizardLocation: boolean;
  };
  /** Context asking stock quantities of one warehouse (both spellings, read by different releases). */
  warehouseContext(warehouseId: number): Record<string, unknown>;
  saleOrder: {
    /** Fields to read to know state and lock. */
    stateFields: string[];
    /** 16 locks with state 'done' (action_done); 17+ with the boolean `locked` (action_lock). */
    lockMethod: 'action_done' | 'action_lock';
    unlockMethod: 'action_unlock';
    isLocked(row: Record<string, unknown>): boolean;
  };
}

export function odooFieldMap(version: OdooVersion): OdooFieldMap {
  const storableFlag = version >= 18;
  const lockedFlag = version >= 17;
  return {
    version,
    saleLine: { tax: version >= 19 ? 'tax_ids' : 'tax_id', uom: version >= 19 ? 'product_uom_id' : 'product_uom' },
    stockMove: { doneQty: version >= 17 ? 'quantity' : 'quantity_done' },
    stockReturn: version >= 18 ? { createMethod: 'action_create_returns', wizardLocation: false } : { createMethod: 'create_returns', wizardLocation: true },
    warehouseContext: (warehouseId) => ({ warehouse: warehouseId, warehouse_id: warehouseId }),
    product: storableFlag
      ? { storableFields: ['type', 'is_storable'], storableValues: { type: 'consu', is_storable: true }, isStorable: (r) => r.is_storable === true }
      : { storableFields: ['type'], storableValues: { type: 'product' }, isStorable: (r) => r.type === 'product' },
    saleOrder: lockedFlag
      ? { stateFields: ['name', 'state', 'locked'], lockMethod: 'action_lock', unlockMethod: 'action_unlock', isLocked: (r) => r.locked === true }
      : { stateFields: ['name', 'state'], lockMethod: 'action_done', unlockMethod: 'action_unlock', isLocked: (r) => r.state === 'done' },
  };
}
