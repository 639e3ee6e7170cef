import WooCommerceRestApi from '@woocommerce/woocommerce-rest-api';
import { type WooCommerceSimulator, startWooCommerceSimulator } from '../../simulators/woocommerce';

// Fidelity: WooCommerce's own JS client (v1.0.2) against the simulator. On an http:// URL it signs every
// request with OAuth 1.0a (HMAC-SHA256) query parameters; Basic auth is what it does on https://, forced here
// through axiosConfig.

interface AxiosLikeError {
  response?: { status: number; data: unknown };
}

async function failureOf(promise: Promise<unknown>): Promise<{ status: number; data: unknown }> {
  try {
    await promise;
  } catch (err) {
    const response = (err as AxiosLikeError).response;
    if (response) return response;
    throw err;
  }
  throw new Error('expected the request to fail');
}

describe('official @woocommerce/woocommerce-rest-api client against the simulator', () => {
  let sim: WooCommerceSimulator;
  let api: WooCommerceRestApi;

  beforeAll(async () => {
    sim = await startWooCommerceSimulator({ webhookSecret: 'unused' });
    api = new WooCommerceRestApi({ url: sim.url, consumerKey: sim.consumerKey, consumerSecret: sim.consumerSecret, version: 'wc/v3' });
    for (let i = 0; i < 3; i++) await sim.admin.createOrder({ lines: [{ sku: 'WOO-MUG', quantity: i + 1 }], status: 'processing' });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('lists orders over OAuth 1.0a with WordPress paging headers', async () => {
    const response = await api.get('orders', { per_page: 2, page: 1, orderby: 'id', order: 'asc' });
    expect((response.request as { path: string }).path).toMatch(/oauth_signature_method=HMAC-SHA256/);
    expect(response.status).toBe(200);
    expect(response.headers['x-wp-total']).toBe('3');
    expect(response.headers['x-wp-totalpages']).toBe('2');
    expect(response.headers.link).toMatch(/page=2[^>]*>; rel="next"/);
    const orders = response.data as { id: number; total: string; date_created_gmt: string; line_items: { price: unknown; total: string }[] }[];
    expect(orders).toHaveLength(2);
    expect(orders[0]!.id).toBeLessThan(orders[1]!.id);
    expect(orders[0]!.total).toBe('12.50');
    expect(orders[0]!.date_created_gmt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    expect(orders[1]!.line_items[0]).toMatchObject({ price: 12.5, total: '25.00' });
  });

  it('reads and updates an order, and adds a note', async () => {
    const [first] = (await api.get('orders', { orderby: 'id', order: 'asc' })).data as { id: number }[];
    const read = await api.get(`orders/${first!.id}`);
    expect(read.data).toMatchObject({ id: first!.id, status: 'processing' });
    const updated = await api.put(`orders/${first!.id}`, { status: 'completed' });
    expect(updated.data).toMatchObject({ id: first!.id, status: 'completed' });
    expect((await sim.admin.getOrder(first!.id)).status).toBe('completed');
    const note = await api.post(`orders/${first!.id}/notes`, { note: 'Handed to UPS', customer_note: true });
    expect(note.status).toBe(201);
    expect((await sim.admin.notes(first!.id)).map((n) => n.note)).toContain('Handed to UPS');
  });

  it('finds products by SKU and updates stock one by one and in a batch', async () => {
    const found = (await api.get('products', { sku: 'WOO-CAP,WOO-TEE-M' })).data as { id: number; sku: string; type: string; parent_id: number }[];
    expect(found.map((p) => p.sku).sort()).toEqual(['WOO-CAP', 'WOO-TEE-M']);
    const cap = found.find((p) => p.sku === 'WOO-CAP')!;
    const tee = found.find((p) => p.sku === 'WOO-TEE-M')!;
    expect(tee.type).toBe('variation');
    await api.put(`products/${cap.id}`, { stock_quantity: 42 });
    expect((await sim.admin.product('WOO-CAP')).stock).toBe(42);
    const batch = await api.post('products/batch', { update: [{ id: cap.id, regular_price: '9.95' }] });
    expect((batch.data as { update: { regular_price: string }[] }).update[0]!.regular_price).toBe('9.95');
    await api.put(`products/${tee.parent_id}/variations/${tee.id}`, { stock_quantity: 7 });
    expect((await sim.admin.product('WOO-TEE-M')).stock).toBe(7);
  });

  it('creates a paid order through POST /orders, reducing stock', async () => {
    const before = await sim.admin.product('WOO-BAG');
    const created = await api.post('orders', { set_paid: true, line_items: [{ product_id: before.id, quantity: 2 }], shipping_lines: [{ method_id: 'flat_rate', total: '4.00' }] });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ status: 'processing', total: '44.00', shipping_total: '4.00', line_items: [{ sku: 'WOO-BAG', quantity: 2, price: 20 }] });
    expect((await sim.admin.product('WOO-BAG')).stock).toBe(before.stock! - 2);
    const invalid = await failureOf(api.post('orders', { line_items: [{ product_id: before.id, quantity: 1 }], status: 'shipped' }));
    expect(invalid.status).toBe(400);
    expect(invalid.data).toMatchObject({ code: 'rest_invalid_param', data: { status: 400 } });
  });

  it('refuses a wrong secret and a replayed nonce with WooCommerce error bodies', async () => {
    const wrong = new WooCommerceRestApi({ url: sim.url, consumerKey: sim.consumerKey, consumerSecret: 'cs_wrong', version: 'wc/v3' });
    const denied = await failureOf(wrong.get('orders'));
    expect(denied.status).toBe(401);
    expect(denied.data).toEqual({
      code: 'woocommerce_rest_authentication_error',
      message: 'Invalid signature - provided signature does not match.',
      data: { status: 401 },
    });
    const ok = await api.get('products', { sku: 'WOO-MUG' });
    const replay = await fetch(`${sim.url}${(ok.request as { path: string }).path}`);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ code: 'woocommerce_rest_authentication_error', message: expect.stringMatching(/nonce/) });
  });

  it('also works with Basic auth (its https mode) when forced through axiosConfig', async () => {
    const basic = new WooCommerceRestApi({
      url: sim.url,
      consumerKey: sim.consumerKey,
      consumerSecret: sim.consumerSecret,
      version: 'wc/v3',
      axiosConfig: { params: {}, auth: { username: sim.consumerKey, password: sim.consumerSecret } },
    });
    const response = await basic.get('orders', { per_page: 1 });
    expect((response.request as { path: string }).path).not.toMatch(/oauth_/);
    expect(response.headers['x-wp-total']).toBe('4');
  });
});
