import { type FastifyReply, type FastifyRequest } from 'fastify';
import { type OdooEngine } from './engine';
import { OdooException } from './errors';

// What both API transports share: fault handling before an answer, and turning any throw into an Odoo error.

export async function transportFaults(engine: OdooEngine, request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  const outage = engine.outage();
  if (outage === 'refuse') {
    dropConnection(request, reply);
    return true;
  }
  if (outage === '503') {
    await reply.code(503).type('text/html').send('<html><body><h1>503 Service Unavailable</h1></body></html>');
    return true;
  }
  if (engine.faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, engine.faults.latencyMs));
  if (engine.consume('garbage')) {
    await reply.code(200).type('application/json').send('<html><body>upstream proxy error</body></html>');
    return true;
  }
  return false;
}

export function dropConnection(request: FastifyRequest, reply: FastifyReply): void {
  reply.hijack();
  request.raw.socket.destroy();
}

export function asOdooException(err: unknown): OdooException {
  if (err instanceof OdooException) return err;
  return new OdooException('builtins.Exception', err instanceof Error ? err.message : String(err));
}

export function parseBody(body: unknown): { ok: true; value: unknown } | { ok: false } {
  if (typeof body !== 'string') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch {
    return { ok: false };
  }
}
