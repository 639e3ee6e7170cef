import { type z } from 'zod';
import { type NewProductsInput, type SaleOrderView, type StockLevelView, type ValidateDeliveryInput } from './admin';
import { type CallLogEntry } from './engine';
import { type FaultSettings, type FaultState } from './faults';
import { type SentNotification } from './notify';

// Typed helpers over the /_admin/ HTTP API, for tests, the demo and benchmarks.

export interface OdooAdmin {
  addProducts(products: z.input<typeof NewProductsInput>['products']): Promise<{ sku: string; productId: number; templateId: number }[]>;
  setStock(input: { sku: string; quantity: number; warehouse?: string }): Promise<StockLevelView[]>;
  stock(sku?: string): Promise<StockLevelView[]>;
  /**
   * Validates the open delivery of a sale order (or a given picking) with a tracking number: all of it, or the
   * `lines` given as one package, the rest going to the backorder it answers with (or cancelled: backorder false).
   */
  validateDelivery(
    input: z.input<typeof ValidateDeliveryInput>,
  ): Promise<{ pickingId: number; name: string; state: string; backorder?: { pickingId: number; name: string; state: string } }>;
  invoiceOrder(input: { saleOrderId: number }): Promise<{ invoiceIds: number[] }>;
  setFaults(settings: FaultSettings): Promise<FaultState>;
  clearFaults(): Promise<FaultState>;
  /** Sale orders with partner, lines, pickings and bindings; optionally only one client_order_ref. */
  saleOrders(filter?: { clientOrderRef?: string }): Promise<SaleOrderView[]>;
  /** All records of a model as `read` returns them (false for empty, many2one pairs). */
  records(model: string): Promise<Record<string, unknown>[]>;
  calls(): Promise<CallLogEntry[]>;
  /** Waits for pending pushes, then lists every notification sent so far. */
  notifications(): Promise<SentNotification[]>;
  saveState(file?: string): Promise<{ file: string }>;
  loadState(file?: string): Promise<{ file: string }>;
  reset(seed?: 'demo' | 'empty'): Promise<void>;
}

export function createAdminClient(baseUrl: string): OdooAdmin {
  const call = async <T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${baseUrl}/_admin${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`admin ${method} ${path} -> ${res.status}: ${text}`);
    return JSON.parse(text) as T;
  };
  const query = (params: Record<string, string | undefined>) => {
    const entries = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined);
    return entries.length ? `?${new URLSearchParams(entries).toString()}` : '';
  };
  return {
    addProducts: (products) => call('POST', '/products', { products }),
    setStock: (input) => call('POST', '/stock', input),
    stock: (sku) => call('GET', `/stock${query({ sku })}`),
    validateDelivery: (input) => call('POST', '/deliveries/validate', input),
    invoiceOrder: (input) => call('POST', '/invoices', input),
    setFaults: (settings) => call('PUT', '/faults', settings),
    clearFaults: () => call('DELETE', '/faults'),
    saleOrders: (filter = {}) => call('GET', `/sale-orders${query({ clientOrderRef: filter.clientOrderRef })}`),
    records: (model) => call('GET', `/records/${encodeURIComponent(model)}`),
    calls: () => call('GET', '/calls'),
    notifications: () => call('GET', '/notifications'),
    saveState: (file) => call('POST', '/state/save', { file }),
    loadState: (file) => call('POST', '/state/load', { file }),
    reset: async (seed = 'demo') => {
      await call('POST', '/reset', { seed });
    },
  };
}
