import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import Fastify, { type FastifyInstance } from 'fastify';
import { ODOO_TOKEN_HEADER, odooEventsPlugin } from '../../clients/gateway/odoo-events';

// The Odoo route's order side with a recording stand-in for the Temporal client: which workflow is signalled
// for a validated delivery or a cancelled sale order, and what Odoo is answered when it is not running or
// Temporal cannot be reached. (The whole path on a real server: test/workflow/order-odoo-events.test.ts.)

interface Sent {
  workflowId: string;
  signal: string;
  arg: unknown;
}

describe('POST /webhooks/odoo/:connection for order notifications', () => {
  let app: FastifyInstance;
  let url = '';
  const sent: Sent[] = [];
  let failure: Error | undefined;
  const client = {
    withDeadline: <T>(_deadline: number, fn: () => Promise<T>) => fn(),
    workflow: {
      getHandle: (workflowId: string) => ({
        signal: async (def: { name: string }, arg: unknown) => {
          if (failure) throw failure;
          sent.push({ workflowId, signal: def.name, arg });
        },
      }),
    },
  } as unknown as Client;

  beforeAll(async () => {
    app = Fastify({ logger: false });
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    await app.register(odooEventsPlugin, { client, secrets: { main: 's3cret-token' }, stockSync: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => app.close());
  beforeEach(() => {
    sent.length = 0;
    failure = undefined;
  });

  const post = async (body: unknown, token = 's3cret-token') => {
    const res = await fetch(`${url}/webhooks/odoo/main`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [ODOO_TOKEN_HEADER]: token },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown>, retryAfter: res.headers.get('retry-after') };
  };
  const delivery = (ref: string | false) => ({
    event: 'delivery.done',
    database: 'odoo',
    model: 'stock.picking',
    record: { id: 12, name: 'WH/OUT/00012', state: 'done', client_order_ref: ref, carrier_tracking_ref: '1Z', lines: [] },
  });
  const cancelled = (ref: string | false) => ({ event: 'sale.cancelled', database: 'odoo', model: 'sale.order', record: { id: 7, name: 'S00007', state: 'cancel', client_order_ref: ref } });

  it('signals odooChanged to the order workflow named by the client_order_ref of a validated delivery', async () => {
    const res = await post(delivery('shopify:demo-shop:450789469'));
    expect(res).toMatchObject({ status: 200, body: { accepted: 1, workflowId: 'order/shopify/demo-shop/450789469', running: true } });
    expect(sent).toEqual([{ workflowId: 'order/shopify/demo-shop/450789469', signal: 'odooChanged', arg: { reason: 'delivery.done WH/OUT/00012' } }]);
  });

  it('does the same for a sale order cancelled in Odoo', async () => {
    const res = await post(cancelled('amazon:us-main:114-3941689-8772232'));
    expect(res).toMatchObject({ status: 200, body: { accepted: 1, workflowId: 'order/amazon/us-main/114-3941689-8772232' } });
    expect(sent.map((s) => [s.workflowId, s.arg])).toEqual([['order/amazon/us-main/114-3941689-8772232', { reason: 'sale.cancelled S00007' }]]);
  });

  it('answers 200 without a signal for sale orders that are not channelsync\'s', async () => {
    for (const ref of [false, 'PO-4711', 'etsy:shop:1'] as const) {
      const res = await post(delivery(ref));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ accepted: 0, ignored: expect.stringContaining('not a channelsync order') });
    }
    expect(sent).toEqual([]);
  });

  it('answers 200 with running: false when the order workflow is not running (the poll covers it)', async () => {
    failure = new WorkflowNotFoundError('workflow execution already completed', 'order/shopify/demo-shop/1', undefined);
    const res = await post(delivery('shopify:demo-shop:1'));
    expect(res).toMatchObject({ status: 200, body: { accepted: 0, workflowId: 'order/shopify/demo-shop/1', running: false } });
  });

  it('answers 503 with Retry-After when Temporal cannot take the signal', async () => {
    failure = new Error('14 UNAVAILABLE: No connection established');
    const res = await post(delivery('shopify:demo-shop:1'));
    expect(res).toMatchObject({ status: 503, retryAfter: '30' });
  });

  it('refuses a malformed notification with 400 and its issues, and a wrong token with 401', async () => {
    const res = await post({ event: 'delivery.done', database: 'odoo', model: 'stock.picking', record: { id: 'x', name: 'WH/OUT/1' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'unexpected notification' });
    const paths = (res.body.issues as { path: (string | number)[] }[]).map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['record.id', 'record.state', 'record.client_order_ref']));
    expect((await post(cancelled('shopify:demo-shop:1'), 'wrong-token')).status).toBe(401);
    expect(sent).toEqual([]);
  });

  it('acknowledges stock changes without handing them on when stock sync is off', async () => {
    const res = await post({ event: 'stock.changed', database: 'odoo', model: 'product.product', records: [] });
    expect(res).toMatchObject({ status: 200, body: { accepted: 0, ignored: 'stock sync is off' } });
    expect(sent).toEqual([]);
  });
});
