import { type z } from 'zod';
import { ChannelError } from '../errors';
import { parseJson, send, type HttpResponse } from '../http';
import {
  BulkGetInventoryItemResponse, BulkPriceQuantityResponse, ErrorBody, Offers, Order, OrderSearchPagedCollection, PublicKey,
  ShippingFulfillmentPagedCollection, TokenResponse,
} from './schemas';

// Thin eBay REST client: cached OAuth tokens, eBay headers, throttling classified per eBay's rules. No retries.

export interface EbayClientConfig {
  apiUrl: string;
  identityUrl: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  marketplaceId?: string;
  /** Floor for retryAfterMs on 429 (eBay sends no Retry-After). */
  minRetryAfterMs?: number;
  timeoutMs?: number;
}

const USER_SCOPES = [
  'https://api.ebay.com/oauth/api_scope/sell.fulfillment',
  'https://api.ebay.com/oauth/api_scope/sell.inventory',
].join(' ');
const APP_SCOPE = 'https://api.ebay.com/oauth/api_scope';
/** Renew a little before expiry so a token never dies mid-request. */
const TOKEN_MARGIN_MS = 5 * 60_000;
const FULFILLMENT = '/sell/fulfillment/v1';
const INVENTORY = '/sell/inventory/v1';

const PACIFIC = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/Los_Angeles', hourCycle: 'h23',
  year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
});

/** Pacific wall-clock time at `at`, written as if it were UTC (so minus `at` is the zone's offset then). */
function pacificWallClock(at: number): { wall: number; year: number; month: number; day: number } {
  const parts = PACIFIC.formatToParts(new Date(at));
  const part = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const [year, month, day] = [part('year'), part('month'), part('day')];
  const wall = Date.UTC(year, month - 1, day, part('hour'), part('minute'), part('second')) + (at % 1000);
  return { wall, year, month, day };
}

/** Milliseconds until the next midnight US Pacific time, when eBay's daily call quotas restart. */
export function msUntilQuotaReset(now = Date.now()): number {
  const today = pacificWallClock(now);
  const midnight = Date.UTC(today.year, today.month - 1, today.day + 1);
  // Days of 23 or 25 hours: the offset that counts is the one at midnight (DST switches at 02:00, never near it).
  const guess = midnight - (today.wall - now);
  return midnight - (pacificWallClock(guess).wall - guess) - now;
}

type Grant = 'user' | 'application';

interface CachedToken {
  value: string;
  expiresAt: number;
}

export class EbayClient {
  private readonly tokens = new Map<Grant, Promise<CachedToken>>();

  constructor(private readonly config: EbayClientConfig) {}

  private token(grant: Grant): Promise<CachedToken> {
    const cached = this.tokens.get(grant);
    if (cached) {
      // Shares one in-flight mint among concurrent callers; replaced once near expiry or after a failure.
      return cached.then((t) => (t.expiresAt - TOKEN_MARGIN_MS > Date.now() ? t : this.mint(grant)));
    }
    return this.mint(grant);
  }

  private mint(grant: Grant): Promise<CachedToken> {
    const minted = this.requestToken(grant);
    this.tokens.set(grant, minted);
    minted.catch(() => this.tokens.delete(grant));
    return minted;
  }

  private async requestToken(grant: Grant): Promise<CachedToken> {
    const form = new URLSearchParams(
      grant === 'user'
        ? { grant_type: 'refresh_token', refresh_token: this.config.refreshToken, scope: USER_SCOPES }
        : { grant_type: 'client_credentials', scope: APP_SCOPE },
    );
    const basic = Buffer.from(`${this.config.clientId}:${this.config.clientSecret}`).toString('base64');
    let res: HttpResponse;
    try {
      res = await send({
        method: 'POST',
        url: `${this.config.identityUrl}/identity/v1/oauth2/token`,
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        timeoutMs: this.config.timeoutMs,
      });
    } catch (err) {
      // A refused refresh token or client is an auth problem, whatever 4xx the identity service chose.
      if (err instanceof ChannelError && err.kind === 'rejected') throw new ChannelError(err.message, 'auth', err.details);
      throw this.classify(err);
    }
    const body = parseJson(TokenResponse, res.text, 'eBay token');
    return { value: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
  }

  /** 429 → rate_limited until the daily quota restarts (or the configured floor); 401 drops the cached token. */
  private classify(err: unknown, grant?: Grant): unknown {
    if (!(err instanceof ChannelError)) return err;
    if (err.kind === 'auth' && grant) this.tokens.delete(grant);
    const vendorCode = vendorErrorId(err.message);
    if (err.kind !== 'rate_limited') return vendorCode ? new ChannelError(err.message, err.kind, { ...err.details, vendorCode }) : err;
    const retryAfterMs = err.details.retryAfterMs ?? Math.max(this.config.minRetryAfterMs ?? 1000, msUntilQuotaReset());
    return new ChannelError(err.message, 'rate_limited', { ...err.details, retryAfterMs, vendorCode });
  }

  async request(input: {
    method: 'GET' | 'POST';
    path: string;
    query?: Record<string, string>;
    body?: unknown;
    grant?: Grant;
  }): Promise<HttpResponse> {
    const grant = input.grant ?? 'user';
    const token = await this.token(grant);
    const query = input.query ? `?${new URLSearchParams(input.query).toString()}` : '';
    const headers: Record<string, string> = {
      authorization: `Bearer ${token.value}`,
      accept: 'application/json',
      'x-ebay-c-marketplace-id': this.config.marketplaceId ?? 'EBAY_US',
    };
    if (input.body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await send({
        method: input.method,
        url: `${this.config.apiUrl}${input.path}${query}`,
        headers,
        body: input.body === undefined ? undefined : JSON.stringify(input.body),
        timeoutMs: this.config.timeoutMs,
      });
    } catch (err) {
      throw this.classify(err, grant);
    }
  }

  private async json<T extends z.ZodType>(schema: T, what: string, input: Parameters<EbayClient['request']>[0]): Promise<z.infer<T>> {
    return parseJson(schema, (await this.request(input)).text, what);
  }

  getOrders(query: Record<string, string>) {
    return this.json(OrderSearchPagedCollection, 'eBay getOrders', { method: 'GET', path: `${FULFILLMENT}/order`, query });
  }

  getOrder(orderId: string) {
    return this.json(Order, 'eBay getOrder', { method: 'GET', path: `${FULFILLMENT}/order/${encodeURIComponent(orderId)}` });
  }

  getShippingFulfillments(orderId: string) {
    return this.json(ShippingFulfillmentPagedCollection, 'eBay getShippingFulfillments', {
      method: 'GET',
      path: `${FULFILLMENT}/order/${encodeURIComponent(orderId)}/shipping_fulfillment`,
    });
  }

  /** Returns the new fulfillmentId, read from the Location header of the 201. */
  async createShippingFulfillment(orderId: string, body: {
    lineItems: { lineItemId: string; quantity: number }[];
    shippingCarrierCode: string;
    trackingNumber: string;
    shippedDate?: string;
  }): Promise<string> {
    const res = await this.request({
      method: 'POST',
      path: `${FULFILLMENT}/order/${encodeURIComponent(orderId)}/shipping_fulfillment`,
      body,
    });
    const location = res.headers.get('location');
    const fulfillmentId = location?.split('/').filter(Boolean).pop();
    if (!fulfillmentId) throw new ChannelError('eBay createShippingFulfillment: 201 without a Location header', 'protocol');
    return decodeURIComponent(fulfillmentId);
  }

  bulkUpdatePriceQuantity(requests: unknown[]) {
    return this.json(BulkPriceQuantityResponse, 'eBay bulkUpdatePriceQuantity', {
      method: 'POST',
      path: `${INVENTORY}/bulk_update_price_quantity`,
      body: { requests },
    });
  }

  /** Up to 25 inventory items by SKU; one entry per SKU, found or not (HTTP 200 or 207). */
  bulkGetInventoryItem(skus: string[]) {
    return this.json(BulkGetInventoryItemResponse, 'eBay bulkGetInventoryItem', {
      method: 'POST',
      path: `${INVENTORY}/bulk_get_inventory_item`,
      body: { requests: skus.map((sku) => ({ sku })) },
    });
  }

  getOffers(sku: string) {
    return this.json(Offers, 'eBay getOffers', { method: 'GET', path: `${INVENTORY}/offer`, query: { sku } });
  }

  getPublicKey(kid: string) {
    return this.json(PublicKey, 'eBay getPublicKey', {
      method: 'GET',
      path: `/commerce/notification/v1/public_key/${encodeURIComponent(kid)}`,
      grant: 'application',
    });
  }
}

/** The first eBay errorId in the summary send() puts in its error ("GET /path -> 429: {body}"). */
function vendorErrorId(summary: string): string | undefined {
  const body = summary.slice(summary.indexOf(': ') + 2);
  try {
    const parsed = ErrorBody.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data.errors[0]?.errorId.toString() : undefined;
  } catch {
    return undefined;
  }
}
