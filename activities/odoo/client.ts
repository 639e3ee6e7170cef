import { z } from 'zod';
import { classifyOdooError, networkError } from './errors';
import { odooFieldMap, type OdooFieldMap } from './fields';
import { Ids, Json2Error, JsonRpcResponse, Uid, VersionInfo, WebVersion } from './schemas';
import { type OdooConnectionOptions, OdooError, type OdooVersion } from './types';

// Low-level Odoo client: JSON-RPC (/jsonrpc) for 16-18 and JSON-2 (/json/2/<model>/<method>) for 19.
// Arguments are always passed by name, which both protocols accept, so callers write one call for both.
// It never retries: every failure becomes an OdooError with a kind the activity layer acts on.
// It uses fetch directly (not activities/marketplaces/http.ts) because Odoo errors arrive with HTTP 200
// (JSON-RPC) or need the body's exception name (JSON-2) to be classified, and must become OdooError.

export type OdooProtocol = 'jsonrpc' | 'json2';
export type OdooDomain = unknown[];
export type OdooContext = Record<string, unknown>;

export interface OdooCallInput {
  model: string;
  method: string;
  /** Records the method runs on; omit for @api.model methods (search, create, ...). */
  ids?: number[];
  /** Named arguments (domain, fields, vals_list, vals, limit, ...). */
  params?: Record<string, unknown>;
  context?: OdooContext;
}

export interface OdooClient {
  /** Configured, or asked once from common.version (then /web/version). */
  version(): Promise<OdooVersion>;
  protocol(): Promise<OdooProtocol>;
  fields(): Promise<OdooFieldMap>;
  call<T extends z.ZodType>(input: OdooCallInput, schema: T): Promise<z.infer<T>>;
  search(input: { model: string; domain: OdooDomain; limit?: number; order?: string; context?: OdooContext }): Promise<number[]>;
  searchRead<T extends z.ZodType>(
    input: { model: string; domain: OdooDomain; fields: string[]; limit?: number; offset?: number; order?: string; context?: OdooContext },
    row: T,
  ): Promise<z.infer<T>[]>;
  read<T extends z.ZodType>(input: { model: string; ids: number[]; fields: string[]; context?: OdooContext }, row: T): Promise<z.infer<T>[]>;
  searchCount(input: { model: string; domain: OdooDomain; context?: OdooContext }): Promise<number>;
  create(input: { model: string; values: Record<string, unknown>; context?: OdooContext }): Promise<number>;
  write(input: { model: string; ids: number[]; values: Record<string, unknown>; context?: OdooContext }): Promise<void>;
  unlink(input: { model: string; ids: number[]; context?: OdooContext }): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 30_000;

function parseBody<T extends z.ZodType>(schema: T, text: string, what: string): z.infer<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new OdooError(`${what}: answer is not JSON: ${text.slice(0, 200)}`, 'protocol');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new OdooError(`${what}: unexpected answer: ${where}`, 'protocol');
  }
  return parsed.data;
}

export function createOdooClient(options: OdooConnectionOptions): OdooClient {
  const base = options.url.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let requestId = 0;

  async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      return { status: response.status, text: await response.text() };
    } catch (err) {
      throw networkError(`POST ${path}`, err);
    }
  }

  async function jsonRpc(service: string, method: string, args: unknown[]): Promise<unknown> {
    const what = `${service}.${method}`;
    const { status, text } = await post('/jsonrpc', { jsonrpc: '2.0', method: 'call', id: ++requestId, params: { service, method, args } });
    if (status !== 200) throw classifyOdooError({ message: `${what} -> HTTP ${status}: ${text.slice(0, 200)}`, status });
    const envelope = parseBody(JsonRpcResponse, text, what);
    if (envelope.error) {
      const data = envelope.error.data;
      // code 100 is Odoo's "Session Expired".
      if (envelope.error.code === 100) throw new OdooError(`${what}: ${envelope.error.message}`, 'access', data?.name);
      throw classifyOdooError({ name: data?.name, message: data?.message ?? envelope.error.message, status });
    }
    // Odoo 16-18 leave `result` out when the method returned None.
    return envelope.result ?? null;
  }

  let versionPromise: Promise<OdooVersion> | undefined;
  function version(): Promise<OdooVersion> {
    if (options.version !== 'auto') return Promise.resolve(options.version);
    versionPromise ??= detectVersion().catch((err: unknown) => {
      versionPromise = undefined;
      throw err;
    });
    return versionPromise;
  }

  async function detectVersion(): Promise<OdooVersion> {
    let major: unknown;
    try {
      const info = VersionInfo.safeParse(await jsonRpc('common', 'version', []));
      if (!info.success) throw new OdooError('common.version: unexpected answer', 'protocol');
      major = info.data.server_version_info[0];
    } catch (err) {
      // /jsonrpc is scheduled for removal (Odoo 22); /web/version stays.
      if (!(err instanceof OdooError) || err.kind === 'transient') throw err;
      let response: Response;
      try {
        response = await fetch(`${base}/web/version`, { signal: AbortSignal.timeout(timeoutMs) });
      } catch (fetchErr) {
        throw networkError('GET /web/version', fetchErr);
      }
      const text = await response.text();
      if (!response.ok) throw classifyOdooError({ message: `GET /web/version -> HTTP ${response.status}`, status: response.status });
      major = parseBody(WebVersion, text, 'GET /web/version').version_info[0];
    }
    if (major === 16 || major === 17 || major === 18 || major === 19) return major;
    if (typeof major === 'number' && major > 19) return 19; // JSON-2 era
    throw new OdooError(`unsupported Odoo version ${String(major)}`, 'protocol');
  }

  const protocol = async (): Promise<OdooProtocol> => ((await version()) >= 19 ? 'json2' : 'jsonrpc');

  let uidPromise: Promise<number> | undefined;
  function uid(): Promise<number> {
    uidPromise ??= (async () => {
      const result = Uid.safeParse(await jsonRpc('common', 'authenticate', [options.database, options.login, options.secret, {}]));
      if (!result.success) throw new OdooError('common.authenticate: unexpected answer', 'protocol');
      if (result.data === false) throw new OdooError(`authentication failed for ${options.login} on ${options.database}`, 'access', 'odoo.exceptions.AccessDenied');
      return result.data;
    })().catch((err: unknown) => {
      uidPromise = undefined;
      throw err;
    });
    return uidPromise;
  }

  async function json2(input: OdooCallInput): Promise<unknown> {
    const what = `${input.model}.${input.method}`;
    const body: Record<string, unknown> = { ...(input.params ?? {}) };
    if (input.ids) body.ids = input.ids;
    if (input.context) body.context = input.context;
    const { status, text } = await post(`/json/2/${encodeURIComponent(input.model)}/${encodeURIComponent(input.method)}`, body, {
      authorization: `bearer ${options.secret}`,
      'x-odoo-database': options.database,
    });
    if (status === 200) return parseBody(z.unknown(), text, what);
    let error: z.infer<typeof Json2Error> | undefined;
    try {
      error = Json2Error.parse(JSON.parse(text));
    } catch {
      error = undefined;
    }
    throw classifyOdooError({ name: error?.name, message: `${what} -> HTTP ${status}: ${error?.message ?? text.slice(0, 200)}`, status });
  }

  let fieldsPromise: Promise<OdooFieldMap> | undefined;

  async function call<T extends z.ZodType>(input: OdooCallInput, schema: T): Promise<z.infer<T>> {
    let raw: unknown;
    if ((await protocol()) === 'json2') raw = await json2(input);
    else {
      const args = input.ids ? [input.ids] : [];
      const kwargs = { ...(input.params ?? {}), ...(input.context ? { context: input.context } : {}) };
      raw = await jsonRpc('object', 'execute_kw', [options.database, await uid(), options.secret, input.model, input.method, args, kwargs]);
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      throw new OdooError(`${input.model}.${input.method}: unexpected answer: ${where}`, 'protocol');
    }
    return parsed.data;
  }

  return {
    version,
    protocol,
    fields: () => (fieldsPromise ??= version().then(odooFieldMap)),
    call,
    search: ({ model, domain, limit, order, context }) =>
      call({ model, method: 'search', params: { domain, ...(limit !== undefined ? { limit } : {}), ...(order ? { order } : {}) }, context }, Ids),
    searchRead: ({ model, domain, fields, limit, offset, order, context }, row) =>
      call(
        {
          model,
          method: 'search_read',
          params: { domain, fields, ...(limit !== undefined ? { limit } : {}), ...(offset ? { offset } : {}), ...(order ? { order } : {}) },
          context,
        },
        z.array(row),
      ),
    read: ({ model, ids, fields, context }, row) => call({ model, method: 'read', ids, params: { fields }, context }, z.array(row)),
    searchCount: ({ model, domain, context }) => call({ model, method: 'search_count', params: { domain }, context }, z.number().int()),
    create: async ({ model, values, context }) => {
      const ids = await call({ model, method: 'create', params: { vals_list: [values] }, context }, Ids);
      const id = ids[0];
      if (id === undefined) throw new OdooError(`${model}.create returned no id`, 'protocol');
      return id;
    },
    write: async ({ model, ids, values, context }) => {
      await call({ model, method: 'write', ids, params: { vals: values }, context }, z.literal(true));
    },
    unlink: async ({ model, ids, context }) => {
      await call({ model, method: 'unlink', ids, context }, z.literal(true));
    },
  };
}
