import { type ModelDef } from '../orm';
import { type VersionProfile } from '../versions';
import { boolean, char, many2one, one2many, selection } from './fields';

export function partnerModels(profile: VersionProfile): ModelDef[] {
  const types = ['contact', 'invoice', 'delivery', 'other', ...(profile.version <= 16 ? ['private'] : [])];
  return [
    {
      name: 'res.partner',
      displayName: (env, rec) => {
        const parent = typeof rec.parent_id === 'number' ? env.store.get('res.partner', rec.parent_id) : undefined;
        return parent ? `${String(parent.name)}, ${String(rec.name)}` : String(rec.name);
      },
      fields: {
        name: char({ required: true }),
        email: char(),
        phone: char(),
        street: char(),
        street2: char(),
        city: char(),
        zip: char(),
        country_id: many2one('res.country'),
        parent_id: many2one('res.partner', { ondelete: 'cascade' }),
        child_ids: one2many('res.partner', 'parent_id'),
        type: selection(types, { default: () => 'contact' }),
        is_company: boolean(),
        ref: char(),
        vat: char(),
        company_id: many2one('res.company'),
        active: boolean({ default: () => true }),
        commercial_partner_id: many2one('res.partner', {
          compute: (_env, rec) => (typeof rec.parent_id === 'number' ? rec.parent_id : rec.id),
        }),
      },
    },
  ];
}

