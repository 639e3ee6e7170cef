// A typed caller for the simulator's /_admin API, for tests, the demo and benchmarks.

export interface DarazAdminClient {
  createOrder(input: {
    lines: { sku: string; quantity: number; unitPrice: string; voucher?: string; fbl?: boolean }[];
    paymentMethod?: string;
    shippingFee?: string;
    createdAt?: number;
  }): Promise<{ order_id: string; order_item_ids: string[] }>;
  bulkOrders(input: { count: number; sku: string; unitPrice: string; startAt: number; stepMs: number }): Promise<{ order_ids: string[] }>;
  order(orderId: string): Promise<{ orderId: string; items: { orderItemId: string; sku: string; status: string; packageId: string }[] }>;
  setStatus(orderId: string, input: { status: string; itemIds?: string[] }): Promise<unknown>;
  /** A return (or refund-only request) of these units, refunded at once unless `reverseStatus` says otherwise. */
  refund(
    orderId: string,
    input: { itemIds: string[]; requestType?: 'RETURN' | 'ONLY_REFUND'; reverseStatus?: string; amounts?: Record<string, string>; reason?: string },
  ): Promise<{ reverse_order_id: string; reverse_order_line_ids: string[] }>;
  setReverseStatus(reverseOrderId: string, input: { reverseStatus: string; lineIds?: string[] }): Promise<unknown>;
  packages(orderId: string): Promise<{ packageId: string; itemIds: string[]; trackingNumber: string; status: string }[]>;
  product(sku: string): Promise<{ sellerSku: string; price: string; quantity: number }>;
  putProduct(sku: string, input: { price?: string; quantity?: number }): Promise<unknown>;
  faults(input: { rateLimit?: number; serverError?: number; latencyMs?: number; dropPushes?: number }): Promise<unknown>;
  settings(input: Record<string, unknown>): Promise<unknown>;
  authCode(): Promise<{ code: string }>;
  expireToken(accessToken: string): Promise<unknown>;
  pushes(orderId?: string): Promise<{ orderId: string; body: string; authorization: string; attempts: number; delivered: boolean; dropped: boolean }[]>;
}

export function darazAdmin(baseUrl: string): DarazAdminClient {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${baseUrl}/_admin${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`admin ${method} ${path} -> ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  }
  const q = (orderId?: string) => (orderId ? `?order_id=${encodeURIComponent(orderId)}` : '');
  return {
    createOrder: (input) => call('POST', '/orders', input),
    bulkOrders: (input) => call('POST', '/orders/bulk', input),
    order: (id) => call('GET', `/orders/${id}`),
    setStatus: (id, input) => call('POST', `/orders/${id}/status`, input),
    refund: (id, input) => call('POST', `/orders/${id}/refund`, input),
    setReverseStatus: (id, input) => call('POST', `/reverse-orders/${id}/status`, input),
    packages: (id) => call('GET', `/packages${q(id)}`),
    product: (sku) => call('GET', `/products/${encodeURIComponent(sku)}`),
    putProduct: (sku, input) => call('PUT', `/products/${encodeURIComponent(sku)}`, input),
    faults: (input) => call('POST', '/faults', input),
    settings: (input) => call('POST', '/settings', input),
    authCode: () => call('POST', '/auth/codes', {}),
    expireToken: (accessToken) => call('POST', '/tokens/expire', { access_token: accessToken }),
    pushes: (id) => call('GET', `/pushes${q(id)}`),
  };
}
