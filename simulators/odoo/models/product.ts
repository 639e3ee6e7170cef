import { validationError } from '../errors';
import { createRecord, type Env, type FieldDef, type ModelDef, type Rec } from '../orm';
import { type VersionProfile } from '../versions';
import { firstId } from './base';
import { boolean, char, datetime, float, integer, many2many, many2one, one2many, selection } from './fields';
import { productQuantities } from './stock';

// product.template holds the commercial data; product.product (the variant) holds SKU and barcode and
// delegates the rest to its template, like Odoo's _inherits.

function templateFields(profile: VersionProfile): Record<string, FieldDef> {
  const fields: Record<string, FieldDef> = {
    name: char({ required: true }),
    list_price: float({ default: () => 1.0 }),
    standard_price: float(),
    categ_id: many2one('product.category', { default: (env) => firstId(env, 'product.category') }),
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
      // display_name is complete_name ("All / Saleable"); parent_path lists the ids from the root ("1/4/").
      name: 'product.category',
      displayName: (env, rec) => categoryChain(env, rec).map((c) => String(c.name)).join(' / '),
      fields: {
        name: char({ required: true }),
        parent_id: many2one('product.category', { ondelete: 'cascade' }),
        complete_name: char({ compute: (env, rec) => categoryChain(env, rec).map((c) => String(c.name)).join(' / ') }),
        parent_path: char({ compute: (env, rec) => `${categoryChain(env, rec).map((c) => c.id).join('/')}/` }),
      },
    },
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
        // Odoo: related pricelist_id.currency_id; fixed prices, surcharges and margins are in it.
        currency_id: many2one('res.currency', {
          compute: (env, rec) => (typeof rec.pricelist_id === 'number' ? env.store.get('product.pricelist', rec.pricelist_id)?.currency_id : false) ?? false,
        }),
        // Defaulted in beforeCreate: 16/17 scope only a rule given one, 18+ derive it from the references.
        applied_on: selection(['3_global', '2_product_category', '1_product', '0_product_variant']),
        categ_id: many2one('product.category', { ondelete: 'cascade' }),
        product_tmpl_id: many2one('product.template', { ondelete: 'cascade' }),
        product_id: many2one('product.product', { ondelete: 'cascade' }),
        min_quantity: float(),
        date_start: datetime(),
        date_end: datetime(),
        base: selection(['list_price', 'standard_price', 'pricelist'], { default: () => 'list_price' }),
        base_pricelist_id: many2one('product.pricelist'),
        compute_price: selection(['fixed', 'percentage', 'formula'], { default: () => 'fixed' }),
        fixed_price: float(),
        percent_price: float(),
        price_discount: float(),
        price_round: float(),
        price_surcharge: float(),
        price_min_margin: float(),
        price_max_margin: float(),
        sequence: integer({ default: () => 5 }),
      },
      // Odoo's create/write empty the references the scope does not use, so searches see consistent rules.
      beforeCreate: (env, vals) => {
        if (profile.version >= 18 && typeof vals.product_id === 'number' && !vals.product_tmpl_id) {
          vals.product_tmpl_id = env.store.get('product.product', vals.product_id)?.product_tmpl_id ?? false;
        }
        if (vals.applied_on === undefined && profile.version >= 18) {
          vals.applied_on = vals.product_id ? '0_product_variant' : vals.product_tmpl_id ? '1_product' : vals.categ_id ? '2_product_category' : '3_global';
        }
        if (vals.applied_on === undefined) vals.applied_on = '3_global';
        else scopeItem(vals);
      },
      beforeWrite: (_env, _recs, vals) => scopeItem(vals),
      constrain: (_env, rec) => {
        if (rec.base === 'pricelist' && rec.base_pricelist_id === rec.pricelist_id && rec.pricelist_id !== undefined) {
          throw validationError('You cannot assign the Main Pricelist as Other Pricelist in PriceList Item');
        }
        if (typeof rec.date_start === 'string' && typeof rec.date_end === 'string' && rec.date_start >= rec.date_end) {
          throw validationError(`end date (${rec.date_end}) should be greater than start date (${rec.date_start})`);
        }
        const need = { '2_product_category': 'categ_id', '1_product': 'product_tmpl_id', '0_product_variant': 'product_id' }[String(rec.applied_on)];
        if (need && typeof rec[need] !== 'number') throw validationError(`Please specify the ${need} for which this rule should be applied`);
      },
      afterCreate: (env, rec) => pricelistItemChanged(env, [rec]),
      afterWrite: (env, recs) => pricelistItemChanged(env, recs),
    },
  ];
}

/** The category and its ancestors, root first. */
function categoryChain(env: Env, rec: Rec): Rec[] {
  const chain: Rec[] = [];
  for (let at: Rec | undefined = rec; at && !chain.includes(at); at = typeof at.parent_id === 'number' ? env.store.get('product.category', at.parent_id) : undefined) {
    chain.unshift(at);
  }
  return chain;
}

function scopeItem(vals: Record<string, unknown>): void {
  const cleared: Record<string, string[]> = {
    '3_global': ['product_id', 'product_tmpl_id', 'categ_id'],
    '2_product_category': ['product_id', 'product_tmpl_id'],
    '1_product': ['product_id', 'categ_id'],
    '0_product_variant': ['categ_id'],
  };
  for (const field of cleared[String(vals.applied_on)] ?? []) vals[field] = false;
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
