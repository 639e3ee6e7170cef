import { randomUUID } from 'node:crypto';
import { type z } from 'zod';
import { ChannelError } from '../errors';
import { type HttpRequest, type HttpResponse, parseJson, send } from '../http';
import { TokenResponse } from './schemas';

// Walmart Marketplace v3 over http.ts: a cached 15-minute token and the WM_* headers on every call.
// Never retries; a 401 drops the cached token so the next attempt (the activity's retry) fetches a new one.

export interface WalmartClientConfig {
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  /** WM_SVC.NAME */
  serviceName?: string;
  timeoutMs?: number;
}

/** Refresh this long before Walmart's expiry so a token never dies mid-call. */
const TOKEN_MARGIN_MS = 60_000;

/**
 * x-next-replenishment-time -> milliseconds to wait. Integrators have seen epoch ms, epoch seconds,
 * a number of seconds to wait, and ISO text, so all four are read.
 */
export function replenishmentDelayMs(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) {
    const n = Number(text);
    if (n >= 1e12) return Math.max(0, Math.round(n - now)); // epoch milliseconds
    if (n >= 1e9) return Math.max(0, Math.round(n * 1000 - now)); // epoch seconds
    return Math.round(n * 1000); // seconds from now
  }
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Walmart's 429s carry no Retry-After; send() reads this hook once http.ts supports it (proposed change). */
type WalmartHttpRequest = HttpRequest & { retryAfterMs?: (headers: Headers, now: number) => number | undefined };

export interface CallInput<T extends z.ZodType> {
  method: HttpRequest['method'];
  /** Path plus query, e.g. `/v3/orders?limit=10`. */
  path: string;
  body?: string;
  contentType?: string;
  schema: T;
  what: string;
}

export class WalmartClient {
  private token: { value: string; expiresAt: number } | undefined;
  /** HTTP calls made, token calls included (the benchmark counts them). */
  calls = 0;

  constructor(private readonly config: WalmartClientConfig) {}

  async call<T extends z.ZodType>(input: CallInput<T>): Promise<z.infer<T>> {
    const token = await this.accessToken();
    const headers: Record<string, string> = {
      ...this.baseHeaders(),
      'WM_SEC.ACCESS_TOKEN': token,
      Accept: 'application/json',
      ...(input.contentType ? { 'Content-Type': input.contentType } : {}),
    };
    const response = await this.send({ method: input.method, url: `${this.base()}${input.path}`, headers, body: input.body }, true);
    return parseJson(input.schema, response.text, input.what);
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt - TOKEN_MARGIN_MS > Date.now()) return this.token.value;
    const basic = Buffer.from(`${this.config.clientId}:${this.config.clientSecret}`).toString('base64');
    const response = await this.send(
      {
        method: 'POST',
        url: `${this.base()}/v3/token`,
        headers: {
          ...this.baseHeaders(),
          Authorization: `Basic ${basic}`,
          Accept: 'application/json',
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      },
      false,
    );
    const parsed = parseJson(TokenResponse, response.text, 'walmart token');
    this.token = { value: parsed.access_token, expiresAt: Date.now() + parsed.expires_in * 1000 };
    return parsed.access_token;
  }

  private async send(request: HttpRequest, authenticated: boolean): Promise<HttpResponse> {
    const full: WalmartHttpRequest = {
      ...request,
      timeoutMs: this.config.timeoutMs,
      retryAfterMs: (headers, now) => replenishmentDelayMs(headers.get('x-next-replenishment-time'), now),
    };
    this.calls++;
    try {
      return await send(full);
    } catch (err) {
      if (authenticated && err instanceof ChannelError && err.kind === 'auth') this.token = undefined;
      throw err;
    }
  }

  private baseHeaders(): Record<string, string> {
    return {
      'WM_SVC.NAME': this.config.serviceName ?? 'Walmart Marketplace',
      // A per-call trace id for Walmart support, not a business id.
      'WM_QOS.CORRELATION_ID': randomUUID(),
    };
  }

  private base(): string {
    return this.config.apiUrl.replace(/\/+$/, '');
  }
}

/** A multipart/form-data body with one JSON `file` part, as the feeds endpoint wants. */
export function multipartJson(file: unknown, fileName: string): { body: string; contentType: string } {
  const boundary = `----channelsync${randomUUID().replace(/-/g, '')}`;
  const body = [
    `--${boundary}`,
    `Content-Disposition: form-data; name="file"; filename="${fileName}"`,
    'Content-Type: application/json',
    '',
    JSON.stringify(file),
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}
