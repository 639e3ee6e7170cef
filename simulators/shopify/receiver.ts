import Fastify from 'fastify';

// A tiny loopback endpoint that records Shopify deliveries byte for byte (for tests and the demo).
// Its answer status is switchable, so retry schedules can be watched.

export interface ReceivedDelivery {
  /** Lower-cased, as Node gives them. */
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
  status: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedDelivery[];
  /** Status for the next answers: a number, or a function of the 1-based delivery count. */
  answer(status: number | ((count: number) => number)): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(options: { host?: string; port?: number } = {}): Promise<WebhookReceiver> {
  const app = Fastify({ logger: false });
  const received: ReceivedDelivery[] = [];
  let status: number | ((count: number) => number) = 200;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.post('/*', async (request, reply) => {
    const code = typeof status === 'number' ? status : status(received.length + 1);
    received.push({ headers: { ...request.headers }, rawBody: request.body as Buffer, status: code });
    return reply.code(code).send(code < 300 ? 'ok' : 'error');
  });
  const url = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  return {
    url: `${url}/webhooks`,
    received,
    answer(next) {
      status = next;
    },
    close: () => app.close(),
  };
}
