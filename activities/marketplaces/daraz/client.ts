import { type z } from 'zod';
import { ChannelError } from '../errors';
import { parseJson, send } from '../http';
import { hmacSha256 } from '../signatures';
import { Envelope, TokenResponse } from './schemas';

// Signed calls to the /rest gateway. Errors arrive as HTTP 200 with a code; they are classified here.

/** API path, then every parameter sorted by name as key+value, HMAC-SHA256 with the app secret, upper hex. */
export function signDarazRequest(input: { apiPath: string; params: Record<string, string>; appSecret: string }): string {
  const keys = Object.keys(input.params).filter((k) => k !== 'sign').sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const text = input.apiPath + keys.map((k) => k + input.params[k]).join('');
  return hmacSha256(input.appSecret, Buffer.from(text, 'utf8'), 'hex').toUpperCase();
}

const RATE_LIMIT_CODES = new Set(['ApiCallLimit', 'AppCallLimit', 'SellerCallLimit', '901']);
const TRANSIENT_CODES = new Set(['ServiceTimeout', 'E1002', '506', '513', '6', '40011', '700024']);
const AUTH_CODES = new Set([
  'IllegalAccessToken', 'InvalidAccessToken', 'MissingAccessToken', 'AppAuthExpired', 'IllegalRefreshToken',
  'InvalidCode', 'IncompleteSignature', 'InvalidAppKey', 'AUTH_TYPE_UNSUPPORTED',
]);

export function classifyDarazError(envelope: Pick<Envelope, 'code' | 'message'>, apiPath: string): ChannelError {
  const code = envelope.code;
  const message = `Daraz ${apiPath} -> ${code}: ${envelope.message ?? ''}`.trim();
  if (RATE_LIMIT_CODES.has(code)) {
    // "this ban will last N seconds"; the doc says retry in the next second otherwise.
    const seconds = Number(/last (\d+) seconds?/.exec(envelope.message ?? '')?.[1] ?? '1');
    return new ChannelError(message, 'rate_limited', { retryAfterMs: seconds * 1000, vendorCode: code });
  }
  if (TRANSIENT_CODES.has(code)) return new ChannelError(message, 'transient', { vendorCode: code });
  if (AUTH_CODES.has(code)) return new ChannelError(message, 'auth', { vendorCode: code });
  return new ChannelError(message, 'rejected', { vendorCode: code });
}

export interface DarazTokens {
  accessToken: string;
  refreshToken: string;
  /** ISO-8601 instants computed from expires_in / refresh_expires_in at receipt. */
  accessExpiresAt: string;
  refreshExpiresAt: string;
}

export interface DarazCallInput {
  apiPath: string;
  method: 'GET' | 'POST';
  /** Business parameters; empty values are never sent (the Java gateway skips them when signing). */
  params: Record<string, string | undefined>;
  accessToken?: string;
  /** Non-"0" codes returned to the caller instead of thrown (e.g. 501 with per-SKU detail). */
  allowCodes?: readonly string[];
}

export interface DarazClientConfig {
  /** Venture gateway including /rest, e.g. https://api.daraz.pk/rest. */
  baseUrl: string;
  appKey: string;
  appSecret: string;
  partnerId?: string;
  timeoutMs?: number;
  now?: () => number;
}

/** One signed call; returns the whole envelope when code is "0", throws a classified ChannelError otherwise. */
export async function callDaraz(config: DarazClientConfig, input: DarazCallInput): Promise<Envelope> {
  const params: Record<string, string> = {
    app_key: config.appKey,
    timestamp: String((config.now ?? Date.now)()),
    sign_method: 'sha256',
  };
  if (config.partnerId) params.partner_id = config.partnerId;
  if (input.accessToken) params.access_token = input.accessToken;
  for (const [key, value] of Object.entries(input.params)) if (value !== undefined && value !== '') params[key] = value;
  params.sign = signDarazRequest({ apiPath: input.apiPath, params, appSecret: config.appSecret });
  const encoded = new URLSearchParams(params).toString();
  const url = `${config.baseUrl.replace(/\/$/, '')}${input.apiPath}`;
  const response = await send(
    input.method === 'GET'
      ? { method: 'GET', url: `${url}?${encoded}`, timeoutMs: config.timeoutMs }
      : {
          method: 'POST',
          url,
          headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
          body: encoded,
          timeoutMs: config.timeoutMs,
        },
  );
  const envelope = parseJson(Envelope, response.text, `Daraz ${input.apiPath}`);
  if (envelope.code !== '0' && !input.allowCodes?.includes(envelope.code)) throw classifyDarazError(envelope, input.apiPath);
  return envelope;
}

/** Parses `data` (or `result` for fulfilment APIs) of a successful envelope. */
export function dataOf<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  return parseJson(schema, JSON.stringify(value ?? null), what);
}

function toTokens(body: z.infer<typeof TokenResponse>, now: number): DarazTokens {
  return {
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    accessExpiresAt: new Date(now + body.expires_in * 1000).toISOString(),
    refreshExpiresAt: new Date(now + body.refresh_expires_in * 1000).toISOString(),
  };
}

/** Exchanges the seller's one-time authorisation code (valid 30 minutes). */
export async function createDarazToken(config: DarazClientConfig, input: { code: string }): Promise<DarazTokens> {
  const envelope = await callDaraz(config, { apiPath: '/auth/token/create', method: 'POST', params: { code: input.code } });
  return toTokens(dataOf(TokenResponse, envelope, 'Daraz /auth/token/create'), (config.now ?? Date.now)());
}

/** New access and refresh token; the refresh token's own expiry does not move. */
export async function refreshDarazToken(config: DarazClientConfig, input: { refreshToken: string }): Promise<DarazTokens> {
  const envelope = await callDaraz(config, {
    apiPath: '/auth/token/refresh', method: 'POST', params: { refresh_token: input.refreshToken },
  });
  return toTokens(dataOf(TokenResponse, envelope, 'Daraz /auth/token/refresh'), (config.now ?? Date.now)());
}
