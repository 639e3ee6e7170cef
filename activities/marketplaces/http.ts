import { type z } from 'zod';
import { ChannelError } from './errors';

// The one HTTP helper adapters share. It never retries: it classifies and throws.

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  /** Channel-specific throttle headers (Walmart's x-next-replenishment-time); Retry-After otherwise. */
  retryAfterMs?: (headers: Headers, now: number) => number | undefined;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
}

export function parseRetryAfterMs(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export async function send(request: HttpRequest): Promise<HttpResponse> {
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(request.timeoutMs ?? 30_000),
    });
  } catch (err) {
    throw new ChannelError(`${request.method} ${request.url} failed: ${(err as Error).message}`, 'transient');
  }
  const text = await response.text();
  const status = response.status;
  if (status >= 200 && status < 300) return { status, headers: response.headers, text };
  const now = Date.now();
  const details = {
    status,
    retryAfterMs: request.retryAfterMs?.(response.headers, now) ?? parseRetryAfterMs(response.headers.get('retry-after'), now),
  };
  const summary = `${request.method} ${new URL(request.url).pathname} -> ${status}: ${text.slice(0, 300)}`;
  if (status === 429) throw new ChannelError(summary, 'rate_limited', details);
  if (status === 401 || status === 403) throw new ChannelError(summary, 'auth', details);
  if (status >= 500 || status === 408) throw new ChannelError(summary, 'transient', details);
  throw new ChannelError(summary, 'rejected', details);
}

/** Parses a vendor JSON body with zod; a mismatch is a protocol error naming the paths. */
export function parseJson<T extends z.ZodType>(schema: T, text: string, what: string): z.infer<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ChannelError(`${what}: body is not JSON: ${text.slice(0, 200)}`, 'protocol');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ChannelError(`${what}: unexpected shape: ${where}`, 'protocol');
  }
  return parsed.data;
}
