// A small GraphQL reader: enough of the language to find root fields, their arguments and selections,
// to price a query the way Shopify does (objects 1, connections 2 + first × children, mutations 10)
// and to answer only the fields that were asked for. Fragments are not supported.

export type Value =
  | { kind: 'var'; name: string }
  | { kind: 'literal'; value: unknown }
  | { kind: 'list'; items: Value[] }
  | { kind: 'object'; fields: Record<string, Value> };

export interface Field {
  alias?: string;
  name: string;
  args: Record<string, Value>;
  selections?: Field[];
}

export interface Operation {
  type: 'query' | 'mutation';
  name?: string;
  variables: { name: string; required: boolean }[];
  selections: Field[];
}

export class GraphQLSyntaxError extends Error {}

/** Thrown while answering; becomes one entry of `errors[]` with HTTP 200. */
export class GraphQLFieldError extends Error {
  constructor(
    message: string,
    readonly extensions: Record<string, unknown>,
  ) {
    super(message);
  }
}

const TOKEN = /\s+|,|#[^\n]*|\.\.\.|[{}()[\]:$!=@]|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|"(?:\\.|[^"\\])*"|[_A-Za-z][_0-9A-Za-z]*/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) throw new GraphQLSyntaxError(`Parse error on "${text.slice(at, at + 10)}" at offset ${at}`);
    const t = m[0];
    if (/^\s/.test(t) || t === ',' || t.startsWith('#')) continue;
    tokens.push(t);
  }
  return tokens;
}

class Reader {
  private i = 0;
  constructor(private readonly tokens: string[]) {}
  peek(): string | undefined {
    return this.tokens[this.i];
  }
  next(): string {
    const t = this.tokens[this.i++];
    if (t === undefined) throw new GraphQLSyntaxError('Parse error: unexpected end of document');
    return t;
  }
  expect(t: string): void {
    const got = this.next();
    if (got !== t) throw new GraphQLSyntaxError(`Parse error: expected "${t}", got "${got}"`);
  }
  name(): string {
    const t = this.next();
    if (!/^[_A-Za-z]/.test(t)) throw new GraphQLSyntaxError(`Parse error: expected a name, got "${t}"`);
    return t;
  }
}

export function parseOperation(text: string): Operation {
  const r = new Reader(tokenize(text));
  let type: Operation['type'] = 'query';
  let name: string | undefined;
  const variables: Operation['variables'] = [];
  if (r.peek() === 'query' || r.peek() === 'mutation') {
    type = r.next() as Operation['type'];
    if (r.peek() !== '(' && r.peek() !== '{' && r.peek() !== '@') name = r.name();
    if (r.peek() === '(') {
      r.next();
      while (r.peek() !== ')') {
        r.expect('$');
        const varName = r.name();
        r.expect(':');
        const required = readType(r);
        if (r.peek() === '=') {
          r.next();
          readValue(r);
        }
        variables.push({ name: varName, required });
      }
      r.next();
    }
    skipDirectives(r);
  }
  const selections = readSelections(r);
  if (r.peek() !== undefined) throw new GraphQLSyntaxError('Only one operation per document is supported');
  return { type, name, variables, selections };
}

function readType(r: Reader): boolean {
  if (r.peek() === '[') {
    r.next();
    readType(r);
    r.expect(']');
  } else {
    r.name();
  }
  if (r.peek() === '!') {
    r.next();
    return true;
  }
  return false;
}

function skipDirectives(r: Reader): void {
  while (r.peek() === '@') {
    r.next();
    r.name();
    if (r.peek() === '(') readArgs(r);
  }
}

function readSelections(r: Reader): Field[] {
  r.expect('{');
  const fields: Field[] = [];
  while (r.peek() !== '}') {
    if (r.peek() === '...') throw new GraphQLSyntaxError('Fragments are not supported by this simulator');
    let name = r.name();
    let alias: string | undefined;
    if (r.peek() === ':') {
      r.next();
      alias = name;
      name = r.name();
    }
    const args = r.peek() === '(' ? readArgs(r) : {};
    skipDirectives(r);
    const selections = r.peek() === '{' ? readSelections(r) : undefined;
    fields.push({ alias, name, args, selections });
  }
  r.next();
  return fields;
}

function readArgs(r: Reader): Record<string, Value> {
  r.expect('(');
  const args: Record<string, Value> = {};
  while (r.peek() !== ')') {
    const key = r.name();
    r.expect(':');
    args[key] = readValue(r);
  }
  r.next();
  return args;
}

function readValue(r: Reader): Value {
  const t = r.next();
  if (t === '$') return { kind: 'var', name: r.name() };
  if (t === '[') {
    const items: Value[] = [];
    while (r.peek() !== ']') items.push(readValue(r));
    r.next();
    return { kind: 'list', items };
  }
  if (t === '{') {
    const fields: Record<string, Value> = {};
    while (r.peek() !== '}') {
      const key = r.name();
      r.expect(':');
      fields[key] = readValue(r);
    }
    r.next();
    return { kind: 'object', fields };
  }
  if (t.startsWith('"')) return { kind: 'literal', value: JSON.parse(t) as string };
  if (/^-?\d/.test(t)) return { kind: 'literal', value: Number(t) };
  if (t === 'true' || t === 'false') return { kind: 'literal', value: t === 'true' };
  if (t === 'null') return { kind: 'literal', value: null };
  return { kind: 'literal', value: t }; // enum value
}

export function resolveValue(value: Value, variables: Record<string, unknown>): unknown {
  switch (value.kind) {
    case 'var':
      return variables[value.name];
    case 'literal':
      return value.value;
    case 'list':
      return value.items.map((v) => resolveValue(v, variables));
    case 'object':
      return Object.fromEntries(Object.entries(value.fields).map(([k, v]) => [k, resolveValue(v, variables)]));
  }
}

export function resolveArgs(field: Field, variables: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(field.args).map(([k, v]) => [k, resolveValue(v, variables)]));
}

// ---- connections ----

const CONNECTION = Symbol('connection');

export interface ConnectionSource<T> {
  [CONNECTION]: true;
  items: T[];
  /** Sort value and id of each item, in list order; cursors carry both. */
  keyOf: (item: T, index: number) => [string | number, number];
}

export function connection<T>(items: T[], keyOf?: (item: T) => [string | number, number]): ConnectionSource<T> {
  return { [CONNECTION]: true, items, keyOf: keyOf ?? ((_item, index) => [index, index]) };
}

function isConnection(value: unknown): value is ConnectionSource<unknown> {
  return typeof value === 'object' && value !== null && CONNECTION in value;
}

function encodeCursor(key: [string | number, number]): string {
  return Buffer.from(JSON.stringify({ last_value: key[0], last_id: key[1] })).toString('base64');
}

function decodeCursor(cursor: string): [string | number, number] {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8')) as { last_value: string | number; last_id: number };
    return [parsed.last_value, parsed.last_id];
  } catch {
    throw new GraphQLFieldError(`Invalid cursor for current pagination sort.`, { code: 'BAD_REQUEST' });
  }
}

function compareKeys(a: [string | number, number], b: [string | number, number]): number {
  if (a[0] < b[0]) return -1;
  if (a[0] > b[0]) return 1;
  return a[1] - b[1];
}

function page(source: ConnectionSource<unknown>, args: Record<string, unknown>) {
  const keys = source.items.map((item, i) => source.keyOf(item, i));
  let start = 0;
  if (typeof args.after === 'string') {
    const after = decodeCursor(args.after);
    start = keys.findIndex((k) => compareKeys(k, after) > 0);
    if (start < 0) start = keys.length;
  }
  const first = typeof args.first === 'number' ? args.first : typeof args.last === 'number' ? args.last : undefined;
  if (first === undefined) {
    throw new GraphQLFieldError('you must provide one of first or last', { code: 'argumentLiteralsIncompatible' });
  }
  if (first > 250) {
    throw new GraphQLFieldError('The first argument must be less than or equal to 250', { code: 'BAD_REQUEST' });
  }
  const slice = source.items.slice(start, start + first);
  const sliceKeys = keys.slice(start, start + first);
  const cursors = sliceKeys.map(encodeCursor);
  return {
    __typename: 'Connection',
    nodes: slice,
    edges: slice.map((node, i) => ({ __typename: 'Edge', node, cursor: cursors[i] })),
    pageInfo: {
      __typename: 'PageInfo',
      hasNextPage: start + first < source.items.length,
      hasPreviousPage: start > 0,
      startCursor: cursors[0] ?? null,
      endCursor: cursors[cursors.length - 1] ?? null,
    },
  };
}

/** A field whose answer depends on its own arguments. */
export type Resolver = (args: Record<string, unknown>) => unknown;

/** Answers only the selected fields; unknown fields are a GraphQL error, as on the real API. */
export function project(value: unknown, selections: Field[], variables: Record<string, unknown>): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((item) => project(item, selections, variables));
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const field of selections) {
    const key = field.alias ?? field.name;
    if (field.name === '__typename') {
      out[key] = record.__typename ?? null;
      continue;
    }
    if (!(field.name in record)) {
      const typeName = String(record.__typename ?? 'Object');
      throw new GraphQLFieldError(`Field '${field.name}' doesn't exist on type '${typeName}'`, {
        code: 'undefinedField',
        typeName,
        fieldName: field.name,
      });
    }
    const args = resolveArgs(field, variables);
    let raw = record[field.name];
    if (typeof raw === 'function') raw = (raw as Resolver)(args);
    if (isConnection(raw)) raw = page(raw, args);
    else if (Array.isArray(raw) && typeof args.first === 'number') raw = raw.slice(0, args.first);
    out[key] = field.selections ? project(raw, field.selections, variables) : raw;
  }
  return out;
}

// ---- cost ----

function sizeOf(field: Field, variables: Record<string, unknown>): number | undefined {
  const args = resolveArgs(field, variables);
  const n = args.first ?? args.last;
  return typeof n === 'number' ? n : undefined;
}

function itemSelections(field: Field): Field[] {
  const out: Field[] = [];
  for (const child of field.selections ?? []) {
    if (child.name === 'nodes') out.push(...(child.selections ?? []));
    if (child.name === 'edges') {
      for (const e of child.selections ?? []) if (e.name === 'node') out.push(...(e.selections ?? []));
    }
  }
  return out;
}

/** Worst-case cost the bucket must hold before the query runs. */
export function requestedCost(operation: Operation, variables: Record<string, unknown>): number {
  if (operation.type === 'mutation') return 10;
  const cost = (fields: Field[]): number =>
    fields.reduce((sum, f) => {
      if (!f.selections) return sum;
      const n = sizeOf(f, variables);
      if (n !== undefined && f.selections.some((c) => c.name === 'nodes' || c.name === 'edges')) {
        return sum + 2 + n * (1 + cost(itemSelections(f)));
      }
      return sum + 1 + cost(f.selections);
    }, 0);
  return Math.max(1, cost(operation.selections));
}

/** What the answer really cost (connections priced by the items returned); the rest is refunded. */
export function actualCost(operation: Operation, data: unknown): number {
  if (operation.type === 'mutation') return 10;
  const cost = (fields: Field[], value: unknown): number => {
    if (value === null || value === undefined || typeof value !== 'object') return 0;
    if (Array.isArray(value)) return value.reduce((s: number, v) => s + cost(fields, v), 0);
    const record = value as Record<string, unknown>;
    return fields.reduce((sum, f) => {
      if (!f.selections) return sum;
      const child = record[f.alias ?? f.name];
      if (hasNodes(child)) {
        const nodes = (child as { nodes?: unknown[]; edges?: { node: unknown }[] }).nodes
          ?? (child as { edges?: { node: unknown }[] }).edges?.map((e) => e.node) ?? [];
        return sum + 2 + nodes.reduce((s: number, n) => s + 1 + cost(itemSelections(f), n), 0);
      }
      return sum + (child === null || child === undefined ? 0 : 1) + cost(f.selections, child);
    }, 0);
  };
  return Math.max(1, cost(operation.selections, data));
}

function hasNodes(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && ('nodes' in value || 'edges' in value);
}
