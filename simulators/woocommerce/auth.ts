import { createHmac, timingSafeEqual } from 'node:crypto';

// WooCommerce REST authentication: HTTP Basic (or consumer_key/consumer_secret in the query) and
// OAuth 1.0a one-legged query signatures (what the official JS client sends over plain http).
// Real WooCommerce picks Basic on HTTPS and OAuth on HTTP; the simulator serves plain http, so it accepts both.

export interface AuthRequest {
  method: string;
  /** `http://host:port/path` without the query. */
  baseUrl: string;
  query: URLSearchParams;
  authorization: string | undefined;
}

export type AuthOutcome = { ok: true } | { ok: false; code: string; message: string };

const OAUTH_WINDOW_SECONDS = 15 * 60;

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** RFC 3986 encoding as OAuth and PHP's rawurlencode do it. */
function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!*'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export class Authenticator {
  private readonly usedNonces = new Map<string, number>();

  constructor(
    private readonly consumerKey: string,
    private readonly consumerSecret: string,
  ) {}

  check(request: AuthRequest): AuthOutcome {
    const basic = this.basicCredentials(request);
    if (basic) return this.checkKeys(basic.key, basic.secret);
    if (request.query.has('oauth_signature')) return this.checkOAuth(request);
    return { ok: false, code: 'woocommerce_rest_cannot_view', message: 'Sorry, you cannot list resources.' };
  }

  private basicCredentials(request: AuthRequest): { key: string; secret: string } | undefined {
    const auth = request.authorization;
    if (auth?.toLowerCase().startsWith('basic ')) {
      const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) return { key: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
    }
    const key = request.query.get('consumer_key');
    const secret = request.query.get('consumer_secret');
    return key !== null && secret !== null ? { key, secret } : undefined;
  }

  private checkKeys(key: string, secret: string): AuthOutcome {
    if (!sameText(key, this.consumerKey)) return { ok: false, code: 'woocommerce_rest_authentication_error', message: 'Consumer key is invalid.' };
    if (!sameText(secret, this.consumerSecret)) return { ok: false, code: 'woocommerce_rest_authentication_error', message: 'Consumer secret is invalid.' };
    return { ok: true };
  }

  private checkOAuth(request: AuthRequest): AuthOutcome {
    const fail = (message: string): AuthOutcome => ({ ok: false, code: 'woocommerce_rest_authentication_error', message });
    const params = new Map<string, string>();
    for (const [k, v] of request.query) params.set(k, v);
    for (const required of ['oauth_consumer_key', 'oauth_timestamp', 'oauth_nonce', 'oauth_signature', 'oauth_signature_method']) {
      if (!params.get(required)) return fail(`Missing OAuth parameter ${required}`);
    }
    if (!sameText(params.get('oauth_consumer_key')!, this.consumerKey)) return fail('Consumer key is invalid.');
    const method = params.get('oauth_signature_method')!;
    if (method !== 'HMAC-SHA1' && method !== 'HMAC-SHA256') return fail('Invalid signature - signature method is invalid.');
    const given = params.get('oauth_signature')!;
    params.delete('oauth_signature');
    const normalised = [...params.entries()]
      .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    const base = `${request.method.toUpperCase()}&${rfc3986(request.baseUrl)}&${rfc3986(normalised)}`;
    const algorithm = method === 'HMAC-SHA1' ? 'sha1' : 'sha256';
    const expected = createHmac(algorithm, `${this.consumerSecret}&`).update(base).digest('base64');
    if (!sameText(expected, given)) return fail('Invalid signature - provided signature does not match.');
    const timestamp = Number(params.get('oauth_timestamp'));
    const now = Math.floor(Date.now() / 1000);
    if (!Number.isFinite(timestamp) || Math.abs(now - timestamp) > OAUTH_WINDOW_SECONDS) return fail('Invalid timestamp.');
    const nonceKey = `${params.get('oauth_consumer_key')}:${params.get('oauth_nonce')}`;
    if (this.usedNonces.has(nonceKey)) return fail('Invalid nonce - nonce has already been used.');
    this.usedNonces.set(nonceKey, timestamp);
    this.forgetOldNonces(now);
    return { ok: true };
  }

  private forgetOldNonces(now: number): void {
    if (this.usedNonces.size < 10_000) return;
    for (const [key, ts] of this.usedNonces) if (now - ts > OAUTH_WINDOW_SECONDS) this.usedNonces.delete(key);
  }
}
