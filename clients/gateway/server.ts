import { type Client } from '@temporalio/client';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { type AdapterRegistry } from '../../activities/marketplaces/registry';
import { type Logger } from '../../config/logger';
import { Channel } from '../../domain';
import { deliverEvent } from '../deliver-event';

export interface GatewayDeps {
  client: Client;
  adapters: AdapterRegistry;
  logger: Logger;
  taskQueue: string;
  /** Bodies larger than this are refused with 413 before parsing. */
  bodyLimit: number;
}

/** Thin by design: verify, normalise, hand to Temporal, answer. No business logic, no outside calls. */
export function buildGateway(deps: GatewayDeps): FastifyInstance {
  const app = Fastify({ loggerInstance: deps.logger.child({ component: 'gateway' }) as FastifyBaseLogger, bodyLimit: deps.bodyLimit, disableRequestLogging: true });

  // Signatures are over the exact bytes received, so every body stays a Buffer.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.get('/healthz', async () => ({ ok: true }));

  app.post<{ Params: { channel: string; account: string } }>('/webhooks/:channel/:account', async (request, reply) => {
    const channel = Channel.safeParse(request.params.channel);
    const adapter = channel.success ? deps.adapters.get(channel.data, request.params.account) : undefined;
    if (!channel.success || !adapter) {
      return reply.code(404).send({ error: `no channel account ${request.params.channel}/${request.params.account}` });
    }
    const log = request.log.child({ channel: adapter.channel, account: adapter.account });
    const webhook = {
      rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
      headers: request.headers,
      account: adapter.account,
    };
    try {
      await adapter.prepareWebhook?.(webhook);
    } catch (err) {
      log.error({ err }, 'could not prepare signature verification');
      return reply.code(503).header('retry-after', '30').send({ error: 'temporarily unavailable' });
    }
    const verified = adapter.verifyWebhook(webhook);
    if (!verified.ok) {
      log.warn({ reason: verified.reason }, 'webhook refused: signature');
      return reply.code(401).send({ error: 'invalid signature' });
    }
    const parsed = adapter.parseWebhook(webhook);
    if (!parsed.ok) {
      log.warn({ issues: parsed.issues }, 'webhook refused: malformed body');
      return reply.code(400).send({ error: parsed.message, issues: parsed.issues });
    }
    const workflowIds: string[] = [];
    try {
      for (const event of parsed.events) {
        workflowIds.push(await deliverEvent(deps, event));
        log.info({ orderId: event.externalId, workflowId: workflowIds.at(-1), eventId: event.eventId, type: event.type }, 'event handed to Temporal');
      }
    } catch (err) {
      // Not accepted: the channel must deliver again, so answer 5xx rather than lose it.
      log.error({ err }, 'Temporal did not accept the event');
      return reply.code(503).header('retry-after', '30').send({ error: 'temporarily unavailable' });
    }
    return reply.code(200).send({ accepted: parsed.events.length, workflowIds });
  });

  return app;
}
