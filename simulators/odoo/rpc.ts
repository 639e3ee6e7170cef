import { type FastifyInstance } from 'fastify';
import { type OdooEngine } from './engine';
import { OdooException, serializeException } from './errors';
import { asOdooException, dropConnection, parseBody, transportFaults } from './transport';

// POST /jsonrpc: services `common`, `object` and `db`, with Odoo's envelopes (errors travel with HTTP 200).

const isDict = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function dispatchCommon(engine: OdooEngine, method: unknown, args: unknown[]): unknown {
  switch (method) {
    case 'version':
      return {
        server_version: engine.profile.serverVersion,
        server_version_info: engine.profile.versionInfo,
        server_serie: engine.profile.serverVersion,
        protocol_version: 1,
      };
    case 'login':
    case 'authenticate':
      return engine.authenticate(args[0], args[1], args[2]);
    case 'about':
      return 'See http://openerp.com';
    default:
      throw new OdooException('builtins.KeyError', `'${String(method)}'`);
  }
}

export function registerJsonRpc(app: FastifyInstance, engine: OdooEngine): void {
  app.post('/jsonrpc', async (request, reply) => {
    if (await transportFaults(engine, request, reply)) return reply;
    const parsed = parseBody(request.body);
    const errorCode = engine.profile.jsonRpcErrorCode;
    if (!parsed.ok) {
      // <=18 answers plain text; the 19-era code answers a JSON-RPC error with code 400.
      if (engine.profile.version <= 18) return reply.code(400).type('text/plain').send('Invalid JSON data');
      return reply.code(400).send({ jsonrpc: '2.0', id: null, error: { code: 400, message: 'Invalid JSON data', data: {} } });
    }
    const message = isDict(parsed.value) ? parsed.value : {};
    const id = message.id ?? null;
    const fail = (err: OdooException) =>
      reply.code(200).send({ jsonrpc: '2.0', id, error: { code: errorCode, message: 'Odoo Server Error', data: serializeException(err) } });
    const params = message.params;
    if (!isDict(params)) return fail(new OdooException('builtins.TypeError', 'params must be an object (JSON-RPC by-name parameters)'));
    const args = Array.isArray(params.args) ? params.args : [];
    let result: unknown;
    let drop = false;
    try {
      if (params.service === 'common') result = dispatchCommon(engine, params.method, args);
      else if (params.service === 'db' && params.method === 'list') result = [engine.database];
      else if (params.service === 'object' && (params.method === 'execute_kw' || params.method === 'execute')) {
        const [db, uid, secret, model, method, ...rest] = args;
        const checkedUid = engine.checkCredentials(db, uid, secret);
        const call =
          params.method === 'execute_kw'
            ? { model: String(model), method: String(method), args: Array.isArray(rest[0]) ? rest[0] : [], kwargs: isDict(rest[1]) ? rest[1] : {} }
            : { model: String(model), method: String(method), args: rest, kwargs: {} };
        result = engine.objectCall(checkedUid, call, 'jsonrpc');
        drop = engine.dropAfter(call);
      } else throw new OdooException('builtins.KeyError', `'${String(params.service)}.${String(params.method)}'`);
    } catch (err) {
      return fail(asOdooException(err));
    }
    if (drop) {
      dropConnection(request, reply);
      return reply;
    }
    // 16-18 add `result` only when the value is not None.
    if ((result === undefined || result === null) && engine.profile.version <= 18) return reply.send({ jsonrpc: '2.0', id });
    return reply.send({ jsonrpc: '2.0', id, result: result ?? null });
  });

  app.get('/web/version', async () => ({ version_info: engine.profile.versionInfo, version: engine.profile.serverVersion }));
}
