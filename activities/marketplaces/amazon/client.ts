import { ChannelError } from '../errors';
import { parseJson, send, type HttpRequest, type HttpResponse } from '../http';
import { LwaTokenResponse, RestrictedDataTokenResponse } from './schemas';

// SP-API transport: LWA access token cached until shortly before expiry, one call per method, no retries.
// A 429 becomes rate_limited with the wait the operation's usage plan implies.

export interface AmazonClientConfig {
  endpoint: string;
  lwaEndpoint: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  queueUrl?: string;
  timeoutMs?: number;
  now?: () => number;
}

/** Amazon's default rates (requests/second) for the operations we call; replaced by x-amzn-RateLimit-Limit once seen. */
export const DEFAULT_RATES = {
  getOrders: 0.0167,
  getOrder: 0.5,
  getOrderItems: 0.5,
  confirmShipment: 2,
  patchListingsItem: 5,
  getListingsItem: 5,
  createFeedDocument: 0.5,
  createFeed: 0.0083,
  getFeed: 2,
  getFeedDocument: 0.0222,
  createRestrictedDataToken: 1,
  listFinancialEventsByOrderId: 0.5,
  listFinancialEvents: 0.5,
} as const;
export type SpApiOperation = keyof typeof DEFAULT_RATES;

/** Counts HTTP calls for one adapter operation (PushResult.calls). */
export interface CallMeter {
  calls: number;
}

const TOKEN_MARGIN_MS = 60_000;
const USER_AGENT = 'channelsync/0.1 (Language=TypeScript)';

export interface SpApiCall {
  operation: SpApiOperation;
  method: HttpRequest['method'];
  path: string;
  query?: Record<string, string | number | readonly string[] | undefined>;
  body?: unknown;
  /** A restricted data token to use instead of the LWA token (PII). */
  token?: string;
  meter?: CallMeter;
}

export class AmazonClient {
  private token?: { value: string; expiresAt: number };
  private readonly rates = new Map<SpApiOperation, number>();
  private readonly now: () => number;

  constructor(private readonly config: AmazonClientConfig) {
    this.now = config.now ?? Date.now;
  }

  /** Wait before the next call of `operation` is likely to get a token: one refill interval. */
  retryAfterMs(operation: SpApiOperation): number {
    const rate = this.rates.get(operation) ?? DEFAULT_RATES[operation];
    return Math.ceil(1000 / rate);
  }

  async accessToken(meter?: CallMeter): Promise<string> {
    if (this.token && this.token.expiresAt - TOKEN_MARGIN_MS > this.now()) return this.token.value;
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: this.config.refreshToken,
      client_id: this.config.clientId,
      client_secret: this.config.clientSecret,
    });
    let response: HttpResponse;
    try {
      if (meter) meter.calls++;
      response = await send({
        method: 'POST',
        url: this.config.lwaEndpoint,
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
        body: form.toString(),
        timeoutMs: this.config.timeoutMs,
      });
    } catch (err) {
      // LWA answers 400 invalid_grant / 401 invalid_client: both mean the credentials are wrong.
      if (err instanceof ChannelError && err.kind === 'rejected') throw new ChannelError(err.message, 'auth', err.details);
      throw err;
    }
    const body = parseJson(LwaTokenResponse, response.text, 'LWA token');
    this.token = { value: body.access_token, expiresAt: this.now() + body.expires_in * 1000 };
    return body.access_token;
  }

  async call(input: SpApiCall): Promise<HttpResponse> {
    const token = input.token ?? (await this.accessToken(input.meter));
    const url = new URL(input.path, this.config.endpoint);
    for (const [key, value] of Object.entries(input.query ?? {})) {
      if (value === undefined) continue;
      // SP-API takes arrays as comma-separated values.
      url.searchParams.set(key, Array.isArray(value) ? value.join(',') : String(value));
    }
    if (input.meter) input.meter.calls++;
    try {
      const response = await send({
        method: input.method,
        url: url.toString(),
        headers: {
          'x-amz-access-token': token,
          'user-agent': USER_AGENT,
          ...(input.body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
        },
        body: input.body === undefined ? undefined : JSON.stringify(input.body),
        timeoutMs: this.config.timeoutMs,
      });
      const limit = Number(response.headers.get('x-amzn-ratelimit-limit'));
      if (Number.isFinite(limit) && limit > 0) this.rates.set(input.operation, limit);
      return response;
    } catch (err) {
      if (!(err instanceof ChannelError)) throw err;
      if (err.kind === 'rate_limited') {
        throw new ChannelError(err.message, 'rate_limited', {
          ...err.details,
          retryAfterMs: err.details.retryAfterMs ?? this.retryAfterMs(input.operation),
          vendorCode: 'QuotaExceeded',
        });
      }
      // An expired or revoked token: forget it so the next attempt exchanges a new one.
      if (err.kind === 'auth' && input.token === undefined) this.token = undefined;
      throw err;
    }
  }

  async restrictedDataToken(input: { path: string; dataElements: string[]; meter?: CallMeter }): Promise<string> {
    const response = await this.call({
      operation: 'createRestrictedDataToken',
      method: 'POST',
      path: '/tokens/2021-03-01/restrictedDataToken',
      body: { restrictedResources: [{ method: 'GET', path: input.path, dataElements: input.dataElements }] },
      meter: input.meter,
    });
    return parseJson(RestrictedDataTokenResponse, response.text, 'createRestrictedDataToken').restrictedDataToken;
  }

  /** Pre-signed document URLs (S3) take no SP-API token. */
  async document(input: { method: 'GET' | 'PUT'; url: string; contentType?: string; body?: string; meter?: CallMeter }): Promise<string> {
    if (input.meter) input.meter.calls++;
    const response = await send({
      method: input.method,
      url: input.url,
      headers: input.contentType ? { 'content-type': input.contentType } : {},
      body: input.body,
      timeoutMs: this.config.timeoutMs,
    });
    return response.text;
  }

  /** SQS JSON-protocol call against the notification queue. */
  async queue(input: { action: 'receive' | 'delete'; body: Record<string, unknown> }): Promise<string> {
    const queueUrl = this.config.queueUrl;
    if (!queueUrl) throw new ChannelError('no queueUrl configured for Amazon notifications', 'rejected');
    const response = await send({
      method: 'POST',
      url: `${queueUrl}/${input.action}`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ QueueUrl: queueUrl, ...input.body }),
      timeoutMs: this.config.timeoutMs,
    });
    return response.text;
  }
}
