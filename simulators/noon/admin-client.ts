// A typed caller for the noon simulator's /_admin API, for tests, the demo and benchmarks.

export interface NoonAdminClient {
  createOrder(input: {
    lines: { sku: string; quantity: number; unitPrice: string }[];
    country?: 'AE' | 'SA' | 'EG';
    warehouseCode?: string;
    createdAt?: number;
  }): Promise<{ fbpi_order_nr: string; mp_item_nrs: string[] }>;
  order(nr: string): Promise<{ items: { mpItemNr: string; partnerSku: string; mpStatus: string; integrationStatus: string; refund?: { refundNr: string } }[] }>;
  cancel(nr: string, input?: { itemNrs?: string[]; reason?: string }): Promise<unknown>;
  /** noon refunds these shipped units (one refund reference for them all). */
  refund(nr: string, input: { itemNrs: string[]; amounts?: Record<string, number>; reason?: string }): Promise<{ refund_nr: string }>;
  shipments(nr: string): Promise<{ integrationShipmentNr: string; awbs: { courier: string; awb_nr: string }[]; itemNrs: string[] }[]>;
  product(sku: string): Promise<{ stock: Record<string, number>; prices: Record<string, { price: number | null }> }>;
  putProduct(sku: string, input: { qty: number }): Promise<unknown>;
  faults(input: { rateLimit?: number; serverError?: number; latencyMs?: number; dropWebhooks?: number }): Promise<unknown>;
  settings(input: Record<string, unknown>): Promise<unknown>;
  addWebhook(input: { url: string; credentials: Record<string, string>; eventTypes?: string[] }): Promise<unknown>;
  deliveries(nr?: string): Promise<{ orderNr: string; eventType: string; body: string; headers: Record<string, string>; attempts: number; delivered: boolean; dropped: boolean }[]>;
  expireSessions(): Promise<{ expired: number }>;
  sessions(): Promise<{ count: number }>;
}

export function noonAdmin(baseUrl: string): NoonAdminClient {
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
  const q = (nr?: string) => (nr ? `?order_nr=${encodeURIComponent(nr)}` : '');
  return {
    createOrder: (input) => call('POST', '/orders', input),
    order: (nr) => call('GET', `/orders/${nr}`),
    cancel: (nr, input = {}) => call('POST', `/orders/${nr}/cancel`, input),
    refund: (nr, input) => call('POST', `/orders/${nr}/refund`, input),
    shipments: (nr) => call('GET', `/shipments${q(nr)}`),
    product: (sku) => call('GET', `/products/${encodeURIComponent(sku)}`),
    putProduct: (sku, input) => call('PUT', `/products/${encodeURIComponent(sku)}`, input),
    faults: (input) => call('POST', '/faults', input),
    settings: (input) => call('POST', '/settings', input),
    addWebhook: (input) => call('POST', '/webhooks', input),
    deliveries: (nr) => call('GET', `/deliveries${q(nr)}`),
    expireSessions: () => call('POST', '/sessions/expire', {}),
    sessions: () => call('GET', '/sessions'),
  };
}
