import { type Client } from '@temporalio/client';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { type AdapterRegistry } from '../../activities/marketplaces/registry';
import { type Logger } from '../../config/logger';
import { Channel } from '../../domain';
import { deliverEvent } from '../deliver-event';
import { HAND_OFF_DEADLINE_MS, odooEventsPlugin } from './odoo-events';
import { type Spool } from './spool';

export interface GatewayDeps {
  client: Client;
  adapters: AdapterRegistry;
  logger: Logger;
  taskQueue: string;
  /** Bodies larger than this are refused with 413 before parsing. */
  bodyLimit: number;
  /** Where events go when Temporal cannot take them; without one the gateway answers 503. */
  spool?: Spool;
  /** Odoo's notifications (`POST /webhooks/odoo/:connection`), when a shared secret is configured. */
  odooEvents?: { secrets: Record<string, string>; stockSync?: boolean };
}

/** Thin by design: verify, normalise, hand to Temporal, answer. No business logic, no outside calls. */
export function buildGateway(deps: GatewayDeps): FastifyInstance {
  const app = Fastify({ loggerInstance: deps.logger.child({ component: 'gateway' }) as FastifyBaseLogger, bodyLimit: deps.bodyLimit, disableRequestLogging: true });

  // Signatures are over the exact bytes received, so every body stays a Buffer.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.get('/healthz', async () => ({ ok: true }));
  if (deps.odooEvents) void app.register(odooEventsPlugin, { client: deps.client, secrets: deps.odooEvents.secrets, stockSync: deps.odooEvents.stockSync });

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
    for (const [index, event] of parsed.events.entries()) {
      try {
        // Channels give up after a few seconds (Shopify: 5 s), so Temporal gets a deadline well inside that.
        workflowIds.push(await deps.client.withDeadline(Date.now() + HAND_OFF_DEADLINE_MS, () => deliverEvent(deps, event)));
        log.info({ orderId: event.externalId, workflowId: workflowIds.at(-1), eventId: event.eventId, type: event.type }, 'event handed to Temporal');
      } catch (err) {
        const rest = parsed.events.slice(index);
        if (!deps.spool) {
          // Not accepted: the channel must deliver again, so answer 5xx rather than lose it.
          log.error({ err }, 'Temporal did not accept the event');
          return reply.code(503).header('retry-after', '30').send({ error: 'temporarily unavailable' });
        }
        try {
          deps.spool.add(rest);
        } catch (spoolErr) {
          log.error({ err, spoolErr }, 'Temporal unreachable and the spool failed');
          return reply.code(503).header('retry-after', '30').send({ error: 'temporarily unavailable' });
        }
        log.warn({ err, spooled: rest.length }, 'Temporal unreachable: events spooled to disk, forwarded later');
        return reply.code(200).send({ accepted: parsed.events.length, workflowIds, spooled: rest.length });
      }
    }
    return reply.code(200).send({ accepted: parsed.events.length, workflowIds });
  });

  return app;
}
