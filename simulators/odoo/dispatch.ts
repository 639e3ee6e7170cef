import { accessError, OdooException, userError } from './errors';
import { type CallInput, createRecord, type Env, type MethodDef, type ModelDef, modelDef, readRecords, search, unlinkRecords, writeRecords } from './orm';

// One method call on one model, protocol-neutral: JSON-RPC maps positional args onto parameter names,
// JSON-2 passes them by name. Names and argument rules follow the ORM's public methods.

const dict = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

const GENERIC: Record<string, MethodDef> = {
  search: {
    model: true,
    params: ['domain', 'offset', 'limit', 'order'],
    run: (env, { model, kw }) => search(env, model, kw.domain ?? [], kw),
  },
  search_read: {
    model: true,
    params: ['domain', 'fields', 'offset', 'limit', 'order'],
    run: (env, { model, kw }) => readRecords(env, model, search(env, model, kw.domain ?? [], kw), kw.fields),
  },
  search_count: {
    model: true,
    params: ['domain', 'limit'],
    run: (env, { model, kw }) => search(env, model, kw.domain ?? [], { limit: kw.limit }).length,
  },
  create: {
    model: true,
    params: ['vals_list'],
    run: (env, { model, kw }) =>
      Array.isArray(kw.vals_list) ? kw.vals_list.map((v) => createRecord(env, model, dict(v))) : createRecord(env, model, dict(kw.vals_list)),
  },
  read: { params: ['fields', 'load'], run: (env, { model, ids, kw }) => readRecords(env, model, ids, kw.fields) },
  write: { params: ['vals'], run: (env, { model, ids, kw }) => writeRecords(env, model, ids, dict(kw.vals)) },
  unlink: { params: [], run: (env, { model, ids }) => unlinkRecords(env, model, ids) },
  fields_get: {
    model: true,
    params: ['allfields', 'attributes'],
    run: (env, { model }) =>
      Object.fromEntries(
        Object.entries(modelDef(env, model).fields).map(([name, f]) => [
          name,
          { type: f.type, string: name, relation: f.relation ?? false, required: f.required === true, selection: f.selection?.map((s) => [s, s]) ?? false },
        ]),
      ),
  },
};

export function findMethod(models: Record<string, ModelDef>, model: string, method: string): MethodDef {
  const def = models[model];
  if (!def) throw userError(`Object ${model} doesn't exist`);
  if (method.startsWith('_')) throw accessError(`Private methods (such as '${model}.${method}') cannot be called remotely.`);
  const found = def.methods?.[method] ?? GENERIC[method];
  if (!found) throw new OdooException('builtins.AttributeError', `The method '${method}' does not exist on the model '${model}'`);
  return found;
}

function toIds(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return value as number[];
  throw new OdooException('builtins.TypeError', `Expected record ids, got ${JSON.stringify(value)}`);
}

export interface MethodCall {
  model: string;
  method: string;
  /** JSON-2: the ids key. JSON-RPC: undefined (taken from args[0] for record methods). */
  ids?: unknown;
  args: unknown[];
  kwargs: Record<string, unknown>;
}

/** Resolves arguments the way Python would bind them, then runs the method. Context is set on env. */
export function callMethod(env: Env, call: MethodCall): unknown {
  const method = findMethod(env.models, call.model, call.method);
  let positional = [...call.args];
  let ids: number[] = [];
  if (method.model) {
    if (call.ids !== undefined && toIds(call.ids).length > 0) {
      throw new OdooException('werkzeug.exceptions.UnprocessableEntity', `cannot call ${call.model}.${call.method} with ids`);
    }
  } else if (call.ids !== undefined) {
    ids = toIds(call.ids);
  } else {
    if (positional.length === 0) throw new OdooException('builtins.TypeError', `${call.method}() missing 1 required positional argument: 'self'`);
    ids = toIds(positional[0]);
    positional = positional.slice(1);
  }
  if (positional.length > method.params.length) {
    throw new OdooException('builtins.TypeError', `${call.method}() takes ${method.params.length + 1} positional arguments but ${positional.length + 1} were given`);
  }
  const kw: Record<string, unknown> = {};
  method.params.forEach((name, i) => {
    if (i < positional.length) kw[name] = positional[i];
  });
  for (const [name, value] of Object.entries(call.kwargs)) {
    if (name === 'context') continue;
    if (!method.params.includes(name)) throw new OdooException('builtins.TypeError', `${call.method}() got an unexpected keyword argument '${name}'`);
    if (name in kw) throw new OdooException('builtins.TypeError', `${call.method}() got multiple values for argument '${name}'`);
    kw[name] = value;
  }
  env.context = dict(call.kwargs.context);
  const input: CallInput = { model: call.model, ids, kw };
  return method.run(env, input);
}
