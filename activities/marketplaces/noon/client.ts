import { createSign, randomUUID } from 'node:crypto';
import { type z } from 'zod';
import { ChannelError } from '../errors';
import { parseJson, send } from '../http';
import { type NoonKeyFile } from './schemas';

// One session per adapter: log in with an RS256 JWT, carry the session cookies, renew on expiry or 401.

export function loginJwt(input: { keyId: string; privateKey: string; nowMs: number }): string {
  const encode = (value: object): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
  const head = encode({ alg: 'RS256', typ: 'JWT', kid: input.keyId });
  const claims = encode({ sub: input.keyId, iat: Math.floor(input.nowMs / 1000), jti: randomUUID() });
  const signature = createSign('RSA-SHA256').update(`${head}.${claims}`).sign(input.privateKey).toString('base64url');
  return `${head}.${claims}.${signature}`;
}

export interface NoonClientConfig {
  /** Gateway root, e.g. https://noon-api-gateway.noon.partners. */
  baseUrl: string;
  key: NoonKeyFile;
  /** noon asks every caller to identify itself. */
  userAgent: string;
  /** Renew this long before the cookie's Max-Age runs out. */
  renewMarginMs?: number;
  timeoutMs?: number;
  now?: () => number;
}

interface Session {
  cookie: string;
  expiresAt: number;
}

/** Cookies from Set-Cookie lines, and the soonest Max-Age/Expires among them. */
export function readSession(setCookies: string[], nowMs: number): Session {
  const pairs: string[] = [];
  let expiresAt = Infinity;
  for (const line of setCookies) {
    const [pair, ...attributes] = line.split(';').map((p) => p.trim());
    if (pair) pairs.push(pair);
    for (const attribute of attributes) {
      const [name, value = ''] = attribute.split('=');
      if (name?.toLowerCase() === 'max-age') expiresAt = Math.min(expiresAt, nowMs + Number(value) * 1000);
      if (name?.toLowerCase() === 'expires' && !Number.isNaN(Date.parse(value))) expiresAt = Math.min(expiresAt, Date.parse(value));
    }
  }
  if (pairs.length === 0) throw new ChannelError('noon login set no session cookie', 'protocol');
  return { cookie: pairs.join('; '), expiresAt };
}

export class NoonClient {
  private session: Session | undefined;
  private loggingIn: Promise<Session> | undefined;
  /** HTTP calls made, logins included (for the benchmark's count). */
  calls = 0;
  logins = 0;

  constructor(private readonly config: NoonClientConfig) {}

  private now(): number {
    return (this.config.now ?? Date.now)();
  }

  private async login(): Promise<Session> {
    this.calls++;
    this.logins++;
    const token = loginJwt({ keyId: this.config.key.key_id, privateKey: this.config.key.private_key, nowMs: this.now() });
    const response = await send({
      method: 'POST',
      url: `${this.config.baseUrl}/identity/public/v1/api/login`,
      headers: { 'content-type': 'application/json', 'user-agent': this.config.userAgent },
      body: JSON.stringify({ token, default_project_code: this.config.key.project_code }),
      timeoutMs: this.config.timeoutMs,
    });
    return readSession(response.headers.getSetCookie(), this.now());
  }

  private async currentSession(): Promise<Session> {
    const margin = this.config.renewMarginMs ?? 60 * 60_000;
    if (this.session && this.session.expiresAt - margin > this.now()) return this.session;
    // One login at a time for every caller of this adapter.
    this.loggingIn ??= this.login()
      .then((s) => (this.session = s))
      .finally(() => {
        this.loggingIn = undefined;
      });
    return this.loggingIn;
  }

  /** JSON call with the session; a 401 means the session died early: log in once more and repeat once. */
  async request<T extends z.ZodType>(schema: T, input: { method: 'GET' | 'POST'; path: string; body?: unknown }): Promise<z.infer<T>> {
    const once = async (): Promise<z.infer<T>> => {
      const session = await this.currentSession();
      this.calls++;
      const response = await send({
        method: input.method,
        url: `${this.config.baseUrl}${input.path}`,
        headers: {
          cookie: session.cookie,
          'user-agent': this.config.userAgent,
          ...(input.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: input.body === undefined ? undefined : typeof input.body === 'string' ? input.body : JSON.stringify(input.body),
        timeoutMs: this.config.timeoutMs,
      });
      return parseJson(schema, response.text, `noon ${input.path}`);
    };
    try {
      return await once();
    } catch (err) {
      if (!(err instanceof ChannelError) || err.details.status !== 401) throw err;
      this.session = undefined;
      return once();
    }
  }
}
