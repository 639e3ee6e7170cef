import { createServer, type IncomingHttpHeaders } from 'node:http';

// A loopback endpoint that records webhook requests byte for byte and answers a chosen status,
// standing in for the gateway in tests and demos.

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Status answered from now on (200 by default). */
  respondWith(status: number): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(options: { status?: number } = {}): Promise<WebhookReceiver> {
  let status = options.status ?? 200;
  const received: ReceivedWebhook[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, rawBody: Buffer.concat(chunks) });
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'failed');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('receiver did not get a TCP address');
  return {
    url: `http://127.0.0.1:${address.port}/webhooks/woocommerce`,
    received,
    respondWith: (next) => {
      status = next;
    },
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
