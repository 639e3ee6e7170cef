import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { defaultFailureConverter, defaultPayloadConverter, ensureApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createAlertSink } from '../../activities/alerts';
import { createOrderActivities } from '../../activities/order-activities';
import { type OdooOperations } from '../../activities/odoo/types';
import { createLogger } from '../../config/logger';
import { type OrderKey, orderWorkflowId } from '../../domain';
import { ALERT_CALL } from '../../workflows/presets';

// The raiseAlert activity as the worker runs it: a pino error line always, then a POST of the alert to the
// configured webhook (a local HTTP server here). A receiver that fails must make Temporal retry the activity.
interface Received {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

describe('raiseAlert activity and the alert webhook', () => {
  const token = 'alert-hook-token-7f3a9c21';
  const key: OrderKey = { channel: 'shopify', account: 'alert-shop', externalId: '820982911946154508' };
  const workflowId = orderWorkflowId(key);
  const runId = '4a3b1a8e-2f7c-4d6e-9b1a-0c5d7e8f9a01';
  const uiUrl = 'http://temporal-ui.example:8233/';
  let server: Server;
  let port: number;
  let received: Received[];
  let answer: number;
  let lines: Record<string, unknown>[];
  let raw: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (answer === 0) return; // never answers: the sink's own timeout must end the call
        received.push({ method: req.method, url: req.url, headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        res.writeHead(answer, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    received = [];
    answer = 204;
    lines = [];
    raw = '';
  });

  /** Runs raiseAlert in an activity context of the order's run, as the worker would. */
  async function raise(webhookUrl: string | undefined) {
    const logger = createLogger({
      level: 'info',
      destination: { write: (line: string) => { raw += line; lines.push(JSON.parse(line) as Record<string, unknown>); } },
    });
    const activities = createOrderActivities({
      odoo: {} as OdooOperations, // raiseAlert never calls Odoo
      logger,
      temporalUiUrl: uiUrl,
      alerts: createAlertSink({ logger, webhookUrl, timeoutMs: 2_000 }),
    });
    const env = new MockActivityEnvironment(
      { workflowNamespace: 'shop-prod', workflowExecution: { workflowId, runId }, activityType: 'raiseAlert' },
      { logger: new DefaultLogger('ERROR') }, // the SDK's "Activity failed" warnings are expected here
    );
    return env.run(activities.raiseAlert, { key, severity: 'error' as const, reason: 'order needs attention at step import: OdooBusinessError: unknown SKU NEW-1' });
  }

  const alertLines = () => lines.filter((l) => l.level === 50 && String(l.msg).startsWith('ALERT: '));

  /** What the worker reports to Temporal for this error (as @temporalio/worker does), and whether ALERT_CALL retries it. */
  function asTemporalSeesIt(err: unknown) {
    expect(err).toBeDefined();
    const failure = defaultFailureConverter.errorToFailure(ensureApplicationFailure(err), defaultPayloadConverter);
    const info = failure.applicationFailureInfo;
    const retried = !!info && !info.nonRetryable && !(ALERT_CALL.retry?.nonRetryableErrorTypes ?? []).includes(info.type ?? '');
    return { message: failure.message ?? '', type: info?.type, retried };
  }

  it('POSTs channel, account, order, reason, severity and a Web UI link to the run, as configured', async () => {
    await raise(`http://127.0.0.1:${port}/hooks/channelsync?token=${token}`);
    expect(received).toHaveLength(1);
    const [hit] = received;
    expect(hit!.method).toBe('POST');
    // The secret the operator put in the URL reaches the receiver unchanged.
    expect(hit!.url).toBe(`/hooks/channelsync?token=${token}`);
    expect(hit!.headers['content-type']).toBe('application/json');
    expect(hit!.headers.authorization).toBeUndefined();
    expect(hit!.body).toEqual({
      severity: 'error',
      reason: 'order needs attention at step import: OdooBusinessError: unknown SKU NEW-1',
      channel: 'shopify',
      account: 'alert-shop',
      externalOrderId: '820982911946154508',
      workflowId,
      runId,
      link: `http://temporal-ui.example:8233/namespaces/shop-prod/workflows/${encodeURIComponent(workflowId)}/${runId}/history`,
    });
    expect(alertLines()).toMatchObject([{ channel: 'shopify', account: 'alert-shop', orderId: '820982911946154508', workflowId, alert: { severity: 'error' } }]);
    expect(raw).not.toContain(token);
  });

  it('only logs when no webhook is configured', async () => {
    await raise(undefined);
    expect(received).toHaveLength(0);
    expect(alertLines()).toHaveLength(1);
  });

  it('fails retryably on a 5xx answer, after writing the error line', async () => {
    answer = 503;
    const err = await raise(`http://127.0.0.1:${port}/hooks/channelsync?token=${token}`).then(() => undefined, (e: unknown) => e);
    expect(received).toHaveLength(1);
    const seen = asTemporalSeesIt(err);
    expect(seen).toMatchObject({ retried: true, type: 'AlertWebhookFailed' });
    expect(seen.message).toContain('503');
    expect(seen.message).not.toContain(token);
    expect(alertLines()).toHaveLength(1);
    expect(raw).not.toContain(token);
  });

  it('fails retryably when the receiver cannot be reached, after writing the error line', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const err = await raise(`http://127.0.0.1:${deadPort}/hooks/channelsync?token=${token}`).then(() => undefined, (e: unknown) => e);
    const seen = asTemporalSeesIt(err);
    expect(seen).toMatchObject({ retried: true, type: 'AlertWebhookFailed' });
    // Says why (not just "fetch failed"), without the secret in the URL.
    expect(seen.message).toMatch(/ECONNREFUSED/);
    expect(seen.message).not.toContain(token);
    expect(alertLines()).toHaveLength(1);
    expect(raw).not.toContain(token);
  });

  it('fails retryably when the receiver does not answer in time, after writing the error line', async () => {
    answer = 0;
    const err = await raise(`http://127.0.0.1:${port}/hooks/channelsync?token=${token}`).then(() => undefined, (e: unknown) => e);
    const seen = asTemporalSeesIt(err);
    expect(seen).toMatchObject({ retried: true, type: 'AlertWebhookFailed' });
    expect(seen.message).toMatch(/timeout/i);
    expect(seen.message).not.toContain(token);
    expect(alertLines()).toHaveLength(1);
  });
});
