import { parse as parseQuery } from 'node:querystring';
import Fastify from 'fastify';
import { adminClient, type AmazonAdmin, registerAdmin } from './admin';
import { registerSpApi } from './api';
import { SqsQueue } from './queue';
import { AmazonStore } from './store';
import { TokenBuckets } from './throttle';

// Amazon SP-API simulator: LWA, Orders v0, Listings Items, Feeds, Tokens (RDT), and the SQS queue that
// ORDER_CHANGE notifications land in. One seller, one marketplace, one process.

export interface AmazonSimulatorOptions {
  host?: string;
  port?: number;
  clientId?: string;
  clientSecret?: string;
  refreshToken?: string;
  sellerId?: string;
  marketplaceId?: string;
  currency?: string;
  /** Multiplies Amazon's default request rates (bursts stay as Amazon's); 1 = production plans. */
  rateScale?: number;
  /** getOrderItems page size. */
  itemsPerPage?: number;
  /**
   * How long after posting a financial event is listed by listFinancialEvents (Amazon: two minutes, the default).
   * Demos and end-to-end runs shorten it rather than wait.
   */
  financesListingDelayMs?: number;
  products?: { sku: string; price: string; stock: number }[];
}

export interface AmazonSimulatorCredentials {
  endpoint: string;
  lwaEndpoint: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  sellerId: string;
  marketplaceId: string;
  queueUrl: string;
}

export interface AmazonSimulator {
  url: string;
  credentials: AmazonSimulatorCredentials;
  admin: AmazonAdmin;
  queue: { url: string; stats(): { visible: number; inFlight: number }; bodies(): string[] };
  close(): Promise<void>;
}

export async function startAmazonSimulator(options: AmazonSimulatorOptions = {}): Promise<AmazonSimulator> {
  const clientId = options.clientId ?? 'amzn1.application-oa2-client.simulator';
  const clientSecret = options.clientSecret ?? 'amzn1.oa2-cs.v1.simulator-secret';
  const refreshToken = options.refreshToken ?? 'Atzr|simulator-refresh-token';
  const sellerId = options.sellerId ?? 'A2SIMULATORSELLER';
  const marketplaceId = options.marketplaceId ?? 'ATVPDKIKX0DER';
  // The queue reads the store's clock and faults; the store publishes into the queue.
  const holder: { store?: AmazonStore } = {};
  const queue = new SqsQueue(
    () => holder.store?.now() ?? Date.now(),
    () => holder.store?.faults.shuffleQueue ?? true,
  );
  const store = new AmazonStore(sellerId, marketplaceId, options.currency ?? 'USD', queue);
  holder.store = store;
  const buckets = new TokenBuckets(options.rateScale ?? 1, () => store.now());
  for (const product of options.products ?? []) store.upsertListing(product);

  const app = Fastify({ logger: false });
  // LWA takes an HTML form body.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, parseQuery(String(body))),
  );
  let url = '';
  registerSpApi(app, {
    store,
    buckets,
    credentials: { clientId, clientSecret, refreshToken },
    baseUrl: () => url,
    itemsPerPage: options.itemsPerPage ?? 20,
    financesListingDelayMs: options.financesListingDelayMs ?? 120_000,
  });
  registerAdmin(app, store);

  const address = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  url = address.replace('localhost', '127.0.0.1');
  return {
    url,
    credentials: {
      endpoint: url,
      lwaEndpoint: `${url}/auth/o2/token`,
      clientId,
      clientSecret,
      refreshToken,
      sellerId,
      marketplaceId,
      queueUrl: `${url}/_sqs`,
    },
    admin: adminClient(() => url),
    queue: { url: `${url}/_sqs`, stats: () => queue.stats(), bodies: () => queue.bodies() },
    close: () => app.close(),
  };
}

export { USAGE_PLANS } from './throttle';
export type { CreateOrderInput, FaultsInput, AmazonAdmin } from './admin';

/** The LWA refresh-token exchange exactly as a client does it, for tests that call SP-API by hand. */
export async function exchangeLwaToken(
  credentials: AmazonSimulatorCredentials,
): Promise<{ status: number; body: { access_token?: string; token_type?: string; expires_in?: number; error?: string } }> {
  const response = await fetch(credentials.lwaEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: credentials.refreshToken,
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
    }).toString(),
  });
  return { status: response.status, body: (await response.json()) as { access_token?: string } };
}
