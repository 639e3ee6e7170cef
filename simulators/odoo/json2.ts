import { type FastifyInstance } from 'fastify';
import { findMethod } from './dispatch';
import { type OdooEngine } from './engine';
import { OdooException, serializeException } from './errors';
import { asOdooException, dropConnection, parseBody, transportFaults } from './transport';

// POST /json/2/<model>/<method> (Odoo 19): bearer API key, named arguments plus `ids` and `context`,
// the return value as the body, errors as a bare JSON object with a real HTTP status.

export function registerJson2(app: FastifyInstance, engine: OdooEngine): void {
  app.post<{ Params: { model: string; method: string } }>('/json/2/:model/:method', async (request, reply) => {
    if (await transportFaults(engine, request, reply)) return reply;
    const fail = (err: OdooException, status = err.httpStatus) => reply.code(status).send(serializeException(err));
    const auth = /^bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    const uid = auth ? engine.uidForApiKey(auth[1]!) : undefined;
    if (uid === undefined) return fail(new OdooException('werkzeug.exceptions.Unauthorized', 'Invalid apikey'), 401);
    const database = request.headers['x-odoo-database'];
    if (typeof database === 'string' && database !== engine.database) {
      return fail(new OdooException('werkzeug.exceptions.NotFound', `database ${database} not found`), 404);
    }
    if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) {
      return fail(new OdooException('werkzeug.exceptions.UnprocessableEntity', 'Content-Type must be application/json'), 400);
    }
    const parsed = parseBody(request.body);
    if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) {
      return fail(new OdooException('werkzeug.exceptions.UnprocessableEntity', 'the body must be a JSON object'), 400);
    }
    const { model, method } = request.params;
    let isModelMethod: boolean;
    try {
      if (!engine.models[model]) throw new OdooException('werkzeug.exceptions.NotFound', `the model ${JSON.stringify(model)} does not exist`);
      isModelMethod = findMethod(engine.models, model, method).model === true;
    } catch (err) {
      return fail(new OdooException('werkzeug.exceptions.NotFound', asOdooException(err).message), 404);
    }
    const { ids, context, ...named } = parsed.value as Record<string, unknown>;
    let result: unknown;
    try {
      result = engine.objectCall(uid, { model, method, ids: ids ?? (isModelMethod ? undefined : []), args: [], kwargs: { ...named, context } }, 'json2');
    } catch (err) {
      return fail(asOdooException(err));
    }
    if (engine.dropAfter({ model, method })) {
      dropConnection(request, reply);
      return reply;
    }
    return reply.code(200).type('application/json').send(JSON.stringify(result ?? null));
  });
}
