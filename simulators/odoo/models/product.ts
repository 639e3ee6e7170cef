import { validationError } from '../errors';
import { createRecord, type Env, type FieldDef, type ModelDef, type Rec } from '../orm';
import { type VersionProfile } from '../versions';
import { firstId } from './base';
import { boolean, char, float, integer, many2many, many2one, one2many, selection } from './fields';
import { productQuantities } from './stock';

// product.template holds the commercial data; product.product (the variant) holds SKU and barcode and
// delegates the rest to its template, like Odoo's _inherits.

function templateFields(profile: VersionProfile): Record<string, FieldDef> {
  const fields: Record<string, FieldDef> = {
    name: char({ required: true }),
    list_price: float({ default: () => 1.0 }),
    standard_price: float(),
    type: selection(profile.productTypes, { default: () => 'consu' }),
    sale_ok: boolean({ default: () => true }),
    uom_id: many2one('uom.uom', { default: (env) => firstId(env, 'uom.uom') }),
    taxes_id: many2many('account.tax'),
    active: boolean({ default: () => true }),
  };
  if (profile.storableFlag === 'is_storable') fields.is_storable = boolean();
  else fields.detailed_type = selection(profile.productTypes, { compute: (_env, rec) => rec.type ?? 'consu' });
  return fields;
}

export function productModels(profile: VersionProfile): ModelDef[] {
  const template = templateFields(profile);
  const delegated: Record<string, FieldDef> = {};
  for (const [name, def] of Object.entries(template)) {
    if (name !== 'active') delegated[name] = { ...def, default: undefined, delegate: 'product_tmpl_id' };
  }
  const quantity = (key: 'qty_available' | 'free_qty' | 'virtual_available'): FieldDef =>
    float({ compute: (env, rec) => productQuantities(env, rec.id)[key] });
  return [
    {
      name: 'product.template',
      fields: { ...template, product_variant_ids: one2many('product.product', 'product_tmpl_id') },
      afterCreate: (env, rec, info) => {
        if (!info.viaChild) createRecord(env, 'product.product', { product_tmpl_id: rec.id });
      },
      // An automation rule on the sales price: channelsync re-reads the variants' prices.
      afterWrite: (env, recs, vals) => {
        if ('list_price' in vals) env.emit({ event: 'price.changed', product_ids: variantsOf(env, recs.map((r) => r.id)) });
      },
    },
    {
      name: 'product.product',
      displayName: (env, rec) => {
        const tmpl = typeof rec.product_tmpl_id === 'number' ? env.store.get('product.template', rec.product_tmpl_id) : undefined;
        const name = String(tmpl?.name ?? '');
        return rec.default_code ? `[${String(rec.default_code)}] ${name}` : name;
      },
      fields: {
        ...delegated,
        product_tmpl_id: many2one('product.template', { ondelete: 'cascade' }),
        default_code: char(),
        barcode: char(),
        active: boolean({ default: () => true }),
        lst_price: float({ compute: (env, rec) => {
          const tmpl = env.store.get('product.template', rec.product_tmpl_id as number);
          return typeof tmpl?.list_price === 'number' ? tmpl.list_price : 0;
        } }),
        qty_available: quantity('qty_available'),
        free_qty: quantity('free_qty'),
        virtual_available: quantity('virtual_available'),
      },
      constrain: (env, rec) => {
        if (!rec.barcode) return;
        const clash = env.store.all('product.product').some((r) => r.id !== rec.id && r.barcode === rec.barcode);
        if (clash) throw validationError(`Barcode(s) already assigned: ${String(rec.barcode)}`);
      },
    },
    {
      name: 'product.pricelist',
      fields: {
        name: char({ required: true }),
        currency_id: many2one('res.currency', { default: (env) => {
          const company = env.store.all('res.company')[0];
          return company?.currency_id ?? false;
        } }),
        item_ids: one2many('product.pricelist.item', 'pricelist_id'),
        active: boolean({ default: () => true }),
      },
    },
    {
      name: 'product.pricelist.item',
      fields: {
        pricelist_id: many2one('product.pricelist', { required: true, ondelete: 'cascade' }),
        applied_on: selection(['3_global', '2_product_category', '1_product', '0_product_variant'], { default: () => '3_global' }),
        product_tmpl_id: many2one('product.template', { ondelete: 'cascade' }),
        product_id: many2one('product.product', { ondelete: 'cascade' }),
        compute_price: selection(['fixed', 'percentage', 'formula'], { default: () => 'fixed' }),
        fixed_price: float(),
        percent_price: float(),
        min_quantity: float(),
        sequence: integer({ default: () => 5 }),
      },
      afterCreate: (env, rec) => pricelistItemChanged(env, [rec]),
      afterWrite: (env, recs) => pricelistItemChanged(env, recs),
    },
  ];
}

function variantsOf(env: Env, templateIds: number[]): number[] {
  return env.store.all('product.product').filter((p) => templateIds.includes(p.product_tmpl_id as number)).map((p) => p.id);
}

/** A pricelist rule for a product or template changes what that product costs on the pricelist. */
function pricelistItemChanged(env: Env, items: Rec[]): void {
  const ids = items.flatMap((item) =>
    typeof item.product_id === 'number' ? [item.product_id] : typeof item.product_tmpl_id === 'number' ? variantsOf(env, [item.product_tmpl_id]) : [],
  );
  if (ids.length > 0) env.emit({ event: 'price.changed', product_ids: ids });
}
