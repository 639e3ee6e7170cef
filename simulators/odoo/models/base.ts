import { validationError } from '../errors';
import { type Env, type ModelDef } from '../orm';
import { boolean, char, date, float, integer, many2one, one2many, selection } from './fields';

// Reference data and ir.model.data (external ids).

/** Default for a many2one: the first record of a model (the company, the warehouse, Units). */
export function firstId(env: Env, model: string): number | false {
  return env.store.all(model)[0]?.id ?? false;
}

export function baseModels(): ModelDef[] {
  return [
    {
      name: 'res.currency',
      fields: {
        name: char({ required: true }),
        symbol: char(),
        decimal_places: integer(),
        active: boolean({ default: () => true }),
        rate_ids: one2many('res.currency.rate', 'currency_id'),
      },
    },
    {
      // Odoo's rates: `rate` units of the currency buy one unit of the rate-1 (company) currency, from `name` (a
      // date) on; a conversion takes the latest rate dated at or before its date, the company's before a shared one.
      name: 'res.currency.rate',
      fields: {
        name: date({ required: true, default: (env) => env.now().slice(0, 10) }),
        rate: float({ default: () => 1.0 }),
        currency_id: many2one('res.currency', { required: true, ondelete: 'cascade' }),
        company_id: many2one('res.company', { default: (env) => firstId(env, 'res.company') }),
      },
      constrain: (env, rec) => {
        if (typeof rec.rate !== 'number' || rec.rate <= 0) throw validationError('The currency rate must be strictly positive.');
        const clash = env.store
          .all('res.currency.rate')
          .some((r) => r.id !== rec.id && r.name === rec.name && r.currency_id === rec.currency_id && (r.company_id ?? false) === (rec.company_id ?? false));
        if (clash) throw validationError('Only one currency rate per day allowed!');
      },
    },
    { name: 'res.country', fields: { name: char({ required: true }), code: char({ required: true }) } },
    {
      name: 'res.company',
      fields: { name: char({ required: true }), currency_id: many2one('res.currency', { required: true }) },
    },
    { name: 'res.users', fields: { name: char({ required: true }), login: char({ required: true }), active: boolean({ default: () => true }) } },
    { name: 'uom.uom', fields: { name: char({ required: true }), active: boolean({ default: () => true }) } },
    {
      name: 'account.tax',
      fields: {
        name: char({ required: true }),
        amount: float(),
        type_tax_use: selection(['sale', 'purchase', 'none'], { default: () => 'sale' }),
        active: boolean({ default: () => true }),
      },
    },
    {
      name: 'ir.model.data',
      displayName: (_env, rec) => `${String(rec.module)}.${String(rec.name)}`,
      fields: {
        module: char({ required: true }),
        name: char({ required: true }),
        model: char({ required: true }),
        res_id: integer(),
        noupdate: boolean(),
        complete_name: char({ compute: (_env, rec) => `${String(rec.module)}.${String(rec.name)}` }),
      },
      constrain: (env, rec) => {
        if (!env.xmlidUnique) return;
        const clash = env.store.all('ir.model.data').some((r) => r.id !== rec.id && r.module === rec.module && r.name === rec.name);
        // Odoo's unique index ir_model_data_module_name_uniq_index; the RPC layer turns IntegrityError into this.
        if (clash) {
          throw validationError(
            'The operation cannot be completed: duplicate key value violates unique constraint "ir_model_data_module_name_uniq_index"',
          );
        }
      },
    },
  ];
}
