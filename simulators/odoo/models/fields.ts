import { type FieldDef } from '../orm';

// Short builders so model files read like Odoo field declarations.

type Extra = Omit<FieldDef, 'type' | 'relation' | 'inverse' | 'selection'>;

export const char = (extra: Extra = {}): FieldDef => ({ type: 'char', ...extra });
export const text = (extra: Extra = {}): FieldDef => ({ type: 'text', ...extra });
export const integer = (extra: Extra = {}): FieldDef => ({ type: 'integer', ...extra });
export const float = (extra: Extra = {}): FieldDef => ({ type: 'float', ...extra });
export const boolean = (extra: Extra = {}): FieldDef => ({ type: 'boolean', ...extra });
export const date = (extra: Extra = {}): FieldDef => ({ type: 'date', ...extra });
export const datetime = (extra: Extra = {}): FieldDef => ({ type: 'datetime', ...extra });
export const selection = (values: readonly string[], extra: Extra = {}): FieldDef => ({ type: 'selection', selection: values, ...extra });
export const many2one = (relation: string, extra: Extra = {}): FieldDef => ({ type: 'many2one', relation, ...extra });
export const one2many = (relation: string, inverse: string, extra: Extra = {}): FieldDef => ({ type: 'one2many', relation, inverse, ...extra });
export const many2many = (relation: string, extra: Extra = {}): FieldDef => ({ type: 'many2many', relation, ...extra });
