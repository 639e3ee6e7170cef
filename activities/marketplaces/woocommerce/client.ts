import { z } from 'zod';
import { ChannelError } from '../errors';
import { parseJson, send, type HttpRequest } from '../http';
import { WooBatchResponse, WooNote, WooOrder, WooProduct } from './schemas';

// REST v3 calls with HTTP Basic auth (the HTTPS way; see the README note on plain-HTTP stores).
// One method per call; never retries (send() classifies and throws).

export interface WooClientConfig {
  siteUrl: string;
  consumerKey: string;
  consumerSecret: string;
  timeoutMs?: number;
}

/** WordPress caps collections and WooCommerce caps batch writes at 100. */
export const WOO_PAGE_MAX = 100;
export const WOO_BATCH_MAX = 100;

export interface WooBatchUpdate {
  id: number;
  stock_quantity?: number;
  manage_stock?: boolean;
  regular_price?: string;
}

export type WooClient = ReturnType<typeof createWooClient>;

export function createWooClient(config: WooClientConfig) {
  const base = `${config.siteUrl.replace(/\/+$/, '')}/wp-json/wc/v3`;
  const authorization = `Basic ${Buffer.from(`${config.consumerKey}:${config.consumerSecret}`).toString('base64')}`;

  async function call(method: HttpRequest['method'], path: string, input: { query?: Record<string, string>; body?: unknown } = {}) {
    const query = input.query ? `?${new URLSearchParams(input.query).toString()}` : '';
    const headers: Record<string, string> = { authorization, accept: 'application/json' };
    if (input.body !== undefined) headers['content-type'] = 'application/json';
    return send({
      method,
      url: `${base}${path}${query}`,
      headers,
      body: input.body === undefined ? undefined : JSON.stringify(input.body),
      timeoutMs: config.timeoutMs,
    });
  }

  function totalsOf(headers: Headers, what: string): { total: number; totalPages: number } {
    const total = Number(headers.get('x-wp-total'));
    const totalPages = Number(headers.get('x-wp-totalpages'));
    if (!Number.isInteger(total) || !Number.isInteger(totalPages)) {
      throw new ChannelError(`${what}: X-WP-Total / X-WP-TotalPages missing`, 'protocol');
    }
    return { total, totalPages };
  }

  return {
    /** Orders modified after `modifiedAfterGmt`, by id ascending so pages stay stable while new orders arrive. */
    async listOrders(input: { modifiedAfterGmt: string; page: number; perPage: number }) {
      const response = await call('GET', '/orders', {
        query: {
          modified_after: input.modifiedAfterGmt,
          dates_are_gmt: 'true',
          status: 'any',
          orderby: 'id',
          order: 'asc',
          page: String(input.page),
          per_page: String(Math.min(Math.max(input.perPage, 1), WOO_PAGE_MAX)),
        },
      });
      const orders = parseJson(z.array(WooOrder), response.text, 'woocommerce orders');
      return { orders, ...totalsOf(response.headers, 'woocommerce orders') };
    },

    async getOrder(input: { id: string }) {
      const response = await call('GET', `/orders/${encodeURIComponent(input.id)}`);
      return parseJson(WooOrder, response.text, `woocommerce order ${input.id}`);
    },

    async updateOrderStatus(input: { id: string; status: 'cancelled' | 'completed' }) {
      const response = await call('PUT', `/orders/${encodeURIComponent(input.id)}`, { body: { status: input.status } });
      return parseJson(WooOrder, response.text, `woocommerce order ${input.id}`);
    },

    async listNotes(input: { orderId: string }) {
      const response = await call('GET', `/orders/${encodeURIComponent(input.orderId)}/notes`);
      return parseJson(z.array(WooNote), response.text, `woocommerce notes of ${input.orderId}`);
    },

    async addNote(input: { orderId: string; note: string; customerNote: boolean }) {
      const response = await call('POST', `/orders/${encodeURIComponent(input.orderId)}/notes`, {
        body: { note: input.note, customer_note: input.customerNote },
      });
      return parseJson(WooNote, response.text, `woocommerce note on ${input.orderId}`);
    },

    /** Products and variations with these SKUs (WooCommerce's SKU search covers both). At most 100 SKUs. */
    async findProductsBySku(input: { skus: string[] }) {
      const response = await call('GET', '/products', {
        query: { sku: input.skus.join(','), per_page: String(WOO_PAGE_MAX) },
      });
      return parseJson(z.array(WooProduct), response.text, 'woocommerce products by sku');
    },

    /** `/products/batch`, or `/products/{parent}/variations/batch` for variations. At most 100 updates. */
    async batchUpdate(input: { parentId?: number; updates: WooBatchUpdate[] }) {
      if (input.updates.length > WOO_BATCH_MAX) throw new ChannelError(`batch of ${input.updates.length} exceeds ${WOO_BATCH_MAX}`, 'rejected');
      const path = input.parentId ? `/products/${input.parentId}/variations/batch` : '/products/batch';
      const response = await call('POST', path, { body: { update: input.updates } });
      return parseJson(WooBatchResponse, response.text, `woocommerce ${path}`);
    },
  };
}
