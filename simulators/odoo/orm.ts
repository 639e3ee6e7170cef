import { domainFields, matchNode, parseDomain } from './domain-eval';
import { missingError, userError, validationError, valueError } from './errors';
import { type Rec, type Store } from './store';

export type { Rec };
import { type VersionProfile } from './versions';

// A small ORM with Odoo's external behaviour: false for empty, many2one pairs, x2many commands,
// active_test, computed fields, _inherits-style delegation (product.product -> product.template).

export type Ctx = Record<string, unknown>;

export type FieldType =
  | 'char' | 'text' | 'integer' | 'float' | 'boolean' | 'selection' | 'date' | 'datetime'
  | 'many2one' | 'one2many' | 'many2many';

export interface FieldDef {
  type: FieldType;
  relation?: string;
  /** one2many: the many2one on the relation pointing back. */
  inverse?: string;
  selection?: readonly string[];
  required?: boolean;
  ondelete?: 'cascade' | 'set null' | 'restrict';
  default?: (env: Env, vals: Record<string, unknown>) => unknown;
  /** Not stored; raw value (many2one id, x2many ids, scalars). */
  compute?: (env: Env, rec: Rec) => unknown;
  /** Stored on the record the named many2one points to (Odoo's _inherits). */
  delegate?: string;
}

export interface CallInput {
  model: string;
  ids: number[];
  kw: Record<string, unknown>;
}

export interface MethodDef {
  /** @api.model: takes no ids. */
  model?: boolean;
  params: readonly string[];
  run(env: Env, input: CallInput): unknown;
}

export interface ModelDef {
  name: string;
  fields: Record<string, FieldDef>;
  displayName?: (env: Env, rec: Rec) => string;
  methods?: Record<string, MethodDef>;
  beforeCreate?: (env: Env, vals: Record<string, unknown>) => void;
  /** viaChild: created by a delegating child (product.product creating its template). */
  afterCreate?: (env: Env, rec: Rec, info: { viaChild: boolean }) => void;
  beforeWrite?: (env: Env, recs: Rec[], vals: Record<string, unknown>) => void;
  afterWrite?: (env: Env, recs: Rec[], vals: Record<string, unknown>) => void;
  beforeUnlink?: (env: Env, recs: Rec[]) => void;
  /** Checked after every create and write, like @api.constrains. */
  constrain?: (env: Env, rec: Rec) => void;
}

export type Notification = { event: string; [key: string]: unknown };

export interface Env {
  store: Store;
  profile: VersionProfile;
  models: Record<string, ModelDef>;
  context: Ctx;
  uid: number;
  /** Naive UTC "YYYY-MM-DD HH:MM:SS". */
  now(): string;
  /** Queued and sent only when the call commits. */
  emit(notification: Notification): void;
  /** Admin switch: enforce the (module, name) unique index of ir.model.data. */
  xmlidUnique: boolean;
}

export function odooNow(date = new Date()): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

export function modelDef(env: Env, model: string): ModelDef {
  const def = env.models[model];
  if (!def) throw userError(`Object ${model} doesn't exist`);
  return def;
}

function fieldDef(env: Env, model: string, field: string): FieldDef {
  const def = modelDef(env, model).fields[field];
  if (!def) throw valueError(`Invalid field '${field}' on model '${model}'`);
  return def;
}

export function browse(env: Env, model: string, ids: number[]): Rec[] {
  return ids.map((id) => {
    const rec = env.store.get(model, id);
    if (!rec) throw missingError(`Record does not exist or has been deleted.\n(Record: ${model}(${id},), User: ${env.uid})`);
    return rec;
  });
}

/** The raw value of a field: many2one id|false, x2many id list, scalars as stored. */
export function rawValue(env: Env, model: string, rec: Rec, field: string): unknown {
  if (field === 'id') return rec.id;
  const def = fieldDef(env, model, field);
  if (def.delegate) {
    const parentId = rec[def.delegate];
    const parentModel = fieldDef(env, model, def.delegate).relation!;
    const parent = typeof parentId === 'number' ? env.store.get(parentModel, parentId) : undefined;
    return parent ? rawValue(env, parentModel, parent, field) : false;
  }
  if (def.compute) return def.compute(env, rec);
  if (def.type === 'one2many') {
    return env.store.all(def.relation!).filter((r) => r[def.inverse!] === rec.id).map((r) => r.id);
  }
  const value = rec[field];
  if (value === undefined) return def.type === 'many2many' ? [] : false;
  return value;
}

export function displayName(env: Env, model: string, rec: Rec): string {
  const def = modelDef(env, model);
  if (def.displayName) return def.displayName(env, rec);
  const name = 'name' in def.fields ? rawValue(env, model, rec, 'name') : false;
  return typeof name === 'string' ? name : `${model},${rec.id}`;
}

function formatValue(env: Env, def: FieldDef, value: unknown): unknown {
  switch (def.type) {
    case 'many2one': {
      if (typeof value !== 'number') return false;
      const target = env.store.get(def.relation!, value);
      return target ? [value, displayName(env, def.relation!, target)] : false;
    }
    case 'one2many':
    case 'many2many':
      return Array.isArray(value) ? value : [];
    case 'integer':
    case 'float':
      return typeof value === 'number' ? value : def.type === 'float' ? 0.0 : 0;
    case 'boolean':
      return value === true;
    default:
      return value === undefined || value === null || value === '' ? false : value;
  }
}

const MAGIC_FIELDS = ['create_date', 'write_date', 'display_name'];

export function readRecords(env: Env, model: string, ids: number[], fields?: unknown): Record<string, unknown>[] {
  const def = modelDef(env, model);
  const wanted = Array.isArray(fields) && fields.length > 0 ? (fields as unknown[]) : [...Object.keys(def.fields), ...MAGIC_FIELDS];
  for (const f of wanted) {
    if (typeof f !== 'string' || !(f in def.fields || MAGIC_FIELDS.includes(f) || f === 'id')) {
      throw valueError(`Invalid field ${JSON.stringify(f)} on model '${model}'`);
    }
  }
  return browse(env, model, ids).map((rec) => {
    const out: Record<string, unknown> = { id: rec.id };
    for (const f of wanted as string[]) {
      if (f === 'id') continue;
      if (f === 'display_name') out[f] = displayName(env, model, rec);
      else if (f === 'create_date' || f === 'write_date') out[f] = rec[f] ?? false;
      else out[f] = formatValue(env, def.fields[f]!, rawValue(env, model, rec, f));
    }
    return out;
  });
}

function resolver(env: Env, model: string, rec: Rec): (path: string) => unknown {
  return (path) => {
    const [head = '', ...rest] = path.split('.');
    if (head === 'write_date' || head === 'create_date') return rec[head] ?? false;
    const value = rawValue(env, model, rec, head);
    if (rest.length === 0) return value;
    const def = fieldDef(env, model, head);
    if (!def.relation) throw valueError(`Invalid field path ${path} on model '${model}'`);
    const ids = Array.isArray(value) ? (value as number[]) : typeof value === 'number' ? [value] : [];
    return ids.flatMap((id) => {
      const target = env.store.get(def.relation!, id);
      if (!target) return [];
      const v = resolver(env, def.relation!, target)(rest.join('.'));
      return Array.isArray(v) ? v : [v];
    });
  };
}

function compareForOrder(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === false || a === undefined) return -1;
  if (b === false || b === undefined) return 1;
  return (a as number | string) < (b as number | string) ? -1 : 1;
}

export interface SearchOptions {
  offset?: unknown;
  limit?: unknown;
  order?: unknown;
}

export function search(env: Env, model: string, domain: unknown, opts: SearchOptions = {}): number[] {
  const def = modelDef(env, model);
  const tree = parseDomain(domain);
  const mentioned = domainFields(tree);
  for (const f of mentioned) if (!['id', 'write_date', 'create_date'].includes(f)) fieldDef(env, model, f);
  const activeTest = 'active' in def.fields && !mentioned.includes('active') && env.context.active_test !== false;
  let recs = env.store.all(model).filter((rec) => {
    if (activeTest && rawValue(env, model, rec, 'active') === false) return false;
    return matchNode(tree, resolver(env, model, rec));
  });
  if (typeof opts.order === 'string' && opts.order.trim()) {
    const keys = opts.order.split(',').map((part) => {
      const [field = 'id', dir = 'asc'] = part.trim().split(/\s+/);
      if (field !== 'id' && !MAGIC_FIELDS.includes(field)) fieldDef(env, model, field);
      return { field, desc: dir.toLowerCase() === 'desc' };
    });
    recs = [...recs].sort((x, y) => {
      for (const k of keys) {
        const c = compareForOrder(resolver(env, model, x)(k.field), resolver(env, model, y)(k.field));
        if (c !== 0) return k.desc ? -c : c;
      }
      return x.id - y.id;
    });
  }
  const offset = typeof opts.offset === 'number' ? opts.offset : 0;
  const limit = typeof opts.limit === 'number' ? opts.limit : undefined;
  return recs.slice(offset, limit === undefined ? undefined : offset + limit).map((r) => r.id);
}

function checkSelection(model: string, field: string, def: FieldDef, value: unknown): void {
  if (def.type === 'selection' && value !== false && !def.selection!.includes(String(value))) {
    throw valueError(`Wrong value for ${model}.${field}: ${JSON.stringify(value)}`);
  }
}

function storedValue(env: Env, model: string, field: string, def: FieldDef, value: unknown): unknown {
  checkSelection(model, field, def, value);
  if (def.type === 'many2one') {
    if (value === false || value === null) return false;
    if (typeof value !== 'number' || !env.store.get(def.relation!, value)) {
      throw validationError(`The operation cannot be completed: ${model}.${field} refers to a missing ${def.relation} record (${JSON.stringify(value)})`);
    }
    return value;
  }
  if ((def.type === 'integer' || def.type === 'float') && typeof value !== 'number' && value !== false) {
    throw valueError(`Invalid value for ${model}.${field}: ${JSON.stringify(value)}`);
  }
  if (value === null) return false;
  return value;
}

function applyX2many(env: Env, model: string, rec: Rec, field: string, def: FieldDef, commands: unknown): void {
  if (!Array.isArray(commands)) throw valueError(`${model}.${field}: x2many values must be a list of commands`);
  const relation = def.relation!;
  let m2m = def.type === 'many2many' ? [...((rec[field] as number[] | undefined) ?? [])] : [];
  for (const cmd of commands) {
    if (!Array.isArray(cmd)) throw valueError(`${model}.${field}: invalid command ${JSON.stringify(cmd)}`);
    const [code, id, vals] = cmd as [number, number, unknown];
    switch (code) {
      case 0: {
        const values = { ...(vals as Record<string, unknown>) };
        if (def.type === 'one2many') values[def.inverse!] = rec.id;
        const childId = createRecord(env, relation, values);
        if (def.type === 'many2many') m2m.push(childId);
        break;
      }
      case 1:
        writeRecords(env, relation, [id], vals as Record<string, unknown>);
        break;
      case 2:
        unlinkRecords(env, relation, [id]);
        m2m = m2m.filter((x) => x !== id);
        break;
      case 3:
        if (def.type === 'one2many') writeRecords(env, relation, [id], { [def.inverse!]: false });
        m2m = m2m.filter((x) => x !== id);
        break;
      case 4:
        browse(env, relation, [id]);
        if (def.type === 'one2many') writeRecords(env, relation, [id], { [def.inverse!]: rec.id });
        else if (!m2m.includes(id)) m2m.push(id);
        break;
      case 5:
        if (def.type === 'one2many') unlinkRecords(env, relation, rawValue(env, model, rec, field) as number[]);
        m2m = [];
        break;
      case 6: {
        const ids = (vals as number[]) ?? [];
        browse(env, relation, ids);
        if (def.type === 'one2many') {
          const current = rawValue(env, model, rec, field) as number[];
          unlinkRecords(env, relation, current.filter((x) => !ids.includes(x)));
          writeRecords(env, relation, ids, { [def.inverse!]: rec.id });
        } else m2m = [...ids];
        break;
      }
      default:
        throw valueError(`${model}.${field}: unknown command ${JSON.stringify(cmd)}`);
    }
  }
  if (def.type === 'many2many') rec[field] = m2m;
}

/** Splits vals into own stored fields, x2many commands and values delegated to a parent record. */
function splitVals(env: Env, model: string, vals: Record<string, unknown>) {
  const own: Record<string, unknown> = {};
  const x2many: [string, FieldDef, unknown][] = [];
  const delegated: Record<string, Record<string, unknown>> = {};
  for (const [field, value] of Object.entries(vals)) {
    const def = fieldDef(env, model, field);
    if (def.compute) continue; // Odoo ignores writes to non-stored computed fields without inverse
    if (def.delegate) (delegated[def.delegate] ??= {})[field] = value;
    else if (def.type === 'one2many' || def.type === 'many2many') x2many.push([field, def, value]);
    else own[field] = storedValue(env, model, field, def, value);
  }
  return { own, x2many, delegated };
}

export function createRecord(env: Env, model: string, vals: Record<string, unknown>): number {
  const def = modelDef(env, model);
  if (typeof vals !== 'object' || vals === null || Array.isArray(vals)) throw valueError(`${model}.create: values must be a dict`);
  const { __delegated_create: viaChild, ...clean } = vals;
  const withDefaults: Record<string, unknown> = { ...clean };
  for (const [field, f] of Object.entries(def.fields)) {
    if (!(field in withDefaults) && f.default && !f.compute) withDefaults[field] = f.default(env, withDefaults);
  }
  def.beforeCreate?.(env, withDefaults);
  const { own, x2many, delegated } = splitVals(env, model, withDefaults);
  for (const [link, values] of Object.entries(delegated)) {
    if (typeof own[link] === 'number') writeRecords(env, fieldDef(env, model, link).relation!, [own[link] as number], values);
    else own[link] = createRecord(env, fieldDef(env, model, link).relation!, { ...values, __delegated_create: true });
  }
  for (const [field, f] of Object.entries(def.fields)) {
    if (f.required && !f.compute && !f.delegate && (own[field] === undefined || own[field] === false || own[field] === '')) {
      throw validationError(`The operation cannot be completed: a mandatory field is not set: ${model}.${field}`);
    }
  }
  const stamp = env.now();
  const rec = env.store.insert(model, { ...own, create_date: stamp, write_date: stamp, create_uid: env.uid });
  for (const [field, f, commands] of x2many) applyX2many(env, model, rec, field, f, commands);
  def.afterCreate?.(env, rec, { viaChild: viaChild === true });
  def.constrain?.(env, rec);
  return rec.id;
}

export function writeRecords(env: Env, model: string, ids: number[], vals: Record<string, unknown>): true {
  const def = modelDef(env, model);
  if (typeof vals !== 'object' || vals === null || Array.isArray(vals)) throw valueError(`${model}.write: values must be a dict`);
  const recs = browse(env, model, ids);
  def.beforeWrite?.(env, recs, vals);
  const { own, x2many, delegated } = splitVals(env, model, vals);
  const stamp = env.now();
  for (const rec of recs) {
    Object.assign(rec, own, { write_date: stamp });
    for (const [link, values] of Object.entries(delegated)) {
      const parentId = rec[link];
      if (typeof parentId === 'number') writeRecords(env, fieldDef(env, model, link).relation!, [parentId], values);
    }
    for (const [field, f, commands] of x2many) applyX2many(env, model, rec, field, f, commands);
  }
  def.afterWrite?.(env, recs, vals);
  for (const rec of recs) def.constrain?.(env, rec);
  return true;
}

export function unlinkRecords(env: Env, model: string, ids: number[]): true {
  const def = modelDef(env, model);
  const recs = browse(env, model, ids);
  def.beforeUnlink?.(env, recs);
  for (const rec of recs) {
    for (const other of Object.values(env.models)) {
      for (const [field, f] of Object.entries(other.fields)) {
        if (f.type !== 'many2one' || f.relation !== model || f.compute || f.delegate) continue;
        for (const child of env.store.all(other.name).filter((r) => r[field] === rec.id)) {
          if (f.ondelete === 'cascade') unlinkRecords(env, other.name, [child.id]);
          else if (f.ondelete === 'restrict' || f.required) {
            throw validationError(`The operation cannot be completed: another model requires the record being deleted (${other.name}).`);
          } else child[field] = false;
        }
      }
    }
    env.store.remove(model, rec.id);
  }
  return true;
}
