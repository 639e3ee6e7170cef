import { ChannelError } from '../../activities/marketplaces/errors';
import {
  type ChannelAdapter,
  type ShipmentLine,
  type WebhookRequest,
} from '../../activities/marketplaces/types';

// One suite every adapter must pass against its own simulator. A channel plugs in by providing a harness.

export interface SimOrderInput {
  lines: { sku: string; quantity: number; unitPrice: string }[];
  currency?: string;
}

export type SimFault = { kind: 'rate_limit'; count: number } | { kind: 'server_error'; count: number } | { kind: 'none' };

export interface ConformanceHarness {
  adapter: ChannelAdapter;
  /** SKUs the simulator's catalogue has, at least 3, enough stock for the suite. */
  skus: string[];
  currency: string;
  /** Creates an order in the simulator (as a buyer would) and returns its external id. */
  createOrder(input: SimOrderInput): Promise<string>;
  /** The channel's signed push for that order, exactly as delivered; omit for channels without signed pushes. */
  signedWebhook?(externalId: string): Promise<WebhookRequest>;
  /** What the channel now shows. */
  readStock(sku: string): Promise<number>;
  /** Changes the stock on the channel directly, behind the adapter (for adapters that can read stock back). */
  setStock?(sku: string, quantity: number): Promise<void>;
  readPrice(sku: string): Promise<string>;
  shipments(externalId: string): Promise<{ trackingNumber: string; lines: ShipmentLine[] }[]>;
  /** The next `count` API calls fail as stated (429 the channel's way, or 5xx). */
  setFault(fault: SimFault): Promise<void>;
  close(): Promise<void>;
}

/** Calls `fn`, honouring rate_limited/transient errors the way the activity layer would (bounded). */
export async function withChannelRetries<T>(fn: () => Promise<T>, attempts = 10): Promise<{ value: T; throttled: number }> {
  let throttled = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await fn(), throttled };
    } catch (err) {
      const retryable = err instanceof ChannelError && (err.kind === 'rate_limited' || err.kind === 'transient');
      if (!retryable || attempt >= attempts) throw err;
      if (err.kind === 'rate_limited') throttled++;
      await new Promise((r) => setTimeout(r, Math.min(err.details.retryAfterMs ?? 50, 2000)));
    }
  }
}

export function runConformanceSuite(name: string, setup: () => Promise<ConformanceHarness>): void {
  describe(`${name} adapter conformance`, () => {
    let h: ConformanceHarness;
    beforeAll(async () => {
      h = await setup();
    });
    afterAll(async () => {
      await h?.close();
    });

    it('reads a created order back as a canonical order', async () => {
      const [sku] = h.skus;
      const id = await h.createOrder({ lines: [{ sku: sku!, quantity: 2, unitPrice: '12.50' }], currency: h.currency });
      const order = await h.adapter.getOrder({ externalId: id });
      expect(order.externalId).toBe(id);
      expect(order.channel).toBe(h.adapter.channel);
      expect(order.lines).toHaveLength(1);
      expect(order.lines[0]).toMatchObject({ sku, quantity: 2, unitPrice: { amount: '12.50', currency: h.currency } });
    });

    it('accepts its own signed push and rejects a forged one', async () => {
      if (!h.signedWebhook) return expect(h.adapter.capabilities.orderIntake).not.toBe('webhook');
      const id = await h.createOrder({ lines: [{ sku: h.skus[0]!, quantity: 1, unitPrice: '5.00' }], currency: h.currency });
      const request = await h.signedWebhook(id);
      expect(h.adapter.verifyWebhook(request)).toEqual({ ok: true });
      const parsed = h.adapter.parseWebhook(request);
      expect(parsed.ok).toBe(true);
      if (parsed.ok) expect(parsed.events.map((e) => e.externalId)).toContain(id);
      const tampered = Buffer.from(request.rawBody.toString('utf8').replace(/\d(?=[^\d]*$)/, (d) => String((Number(d) + 1) % 10)));
      expect(h.adapter.verifyWebhook({ ...request, rawBody: tampered }).ok).toBe(false);
    });

    it('pages through many orders changed since a point in time', async () => {
      const since = new Date(Date.now() - 60_000).toISOString();
      const created = new Set<string>();
      for (let i = 0; i < 25; i++) {
        created.add(await h.createOrder({ lines: [{ sku: h.skus[i % h.skus.length]!, quantity: 1, unitPrice: '1.00' }], currency: h.currency }));
      }
      const seen = new Set<string>();
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await h.adapter.listOrdersChangedSince({ since, cursor, limit: 10 });
        page.orders.forEach((o) => seen.add(o.externalId));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 100);
      for (const id of created) expect(seen).toContain(id);
      expect(pages).toBeGreaterThanOrEqual(3);
    });

    it('confirms a partial shipment, then the rest', async () => {
      if (!h.adapter.capabilities.partialShipment) return;
      const id = await h.createOrder({
        lines: [
          { sku: h.skus[0]!, quantity: 2, unitPrice: '3.00' },
          { sku: h.skus[1]!, quantity: 1, unitPrice: '4.00' },
        ],
        currency: h.currency,
      });
      const order = await h.adapter.getOrder({ externalId: id });
      const [first, second] = order.lines;
      await h.adapter.confirmShipment({
        externalId: id, shipmentId: `${id}-1`, carrier: 'UPS', trackingNumber: '1ZPART1',
        lines: [{ lineId: first!.lineId, quantity: 1 }],
      });
      await h.adapter.confirmShipment({
        externalId: id, shipmentId: `${id}-2`, carrier: 'UPS', trackingNumber: '1ZPART2',
        lines: [{ lineId: first!.lineId, quantity: 1 }, { lineId: second!.lineId, quantity: 1 }],
      });
      const shipped = await h.shipments(id);
      expect(shipped.map((s) => s.trackingNumber).sort()).toEqual(['1ZPART1', '1ZPART2']);
    });

    it('pushes stock and prices in batches larger than one call allows', async () => {
      const size = Math.max(h.adapter.capabilities.stockBatchSize, 1);
      const items = h.skus.map((sku, i) => ({ sku, quantity: 7 + i }));
      const stock = await h.adapter.pushStock({ items });
      expect(stock.results.every((r) => r.ok)).toBe(true);
      expect(stock.calls).toBeLessThanOrEqual(Math.ceil(items.length / size) + 1);
      for (const item of items) expect(await h.readStock(item.sku)).toBe(item.quantity);
      const prices = h.skus.map((sku, i) => ({ sku, price: { amount: `${10 + i}.99`, currency: h.currency } }));
      const priced = await h.adapter.pushPrices({ items: prices });
      expect(priced.results.every((r) => r.ok)).toBe(true);
      for (const p of prices) expect(Number(await h.readPrice(p.sku))).toBeCloseTo(Number(p.price.amount), 2);
    });

    it('survives throttling without losing an update', async () => {
      const sku = h.skus[2] ?? h.skus[0]!;
      await h.setFault({ kind: 'rate_limit', count: 2 });
      const { throttled } = await withChannelRetries(() => h.adapter.pushStock({ items: [{ sku, quantity: 3 }] }));
      expect(throttled).toBeGreaterThanOrEqual(1);
      expect(await h.readStock(sku)).toBe(3);
      await h.setFault({ kind: 'server_error', count: 1 });
      await expect(h.adapter.pushStock({ items: [{ sku, quantity: 4 }] })).rejects.toMatchObject({ kind: 'transient' });
      await withChannelRetries(() => h.adapter.pushStock({ items: [{ sku, quantity: 4 }] }));
      expect(await h.readStock(sku)).toBe(4);
      await h.setFault({ kind: 'none' });
    });

    it('reads back the stock set on the channel directly, in its read batch size; an unknown SKU is not listed', async () => {
      if (!h.adapter.readStock) return expect(h.adapter.capabilities.stockReadBatchSize).toBeUndefined();
      const size = h.adapter.capabilities.stockReadBatchSize ?? 0;
      expect(size).toBeGreaterThanOrEqual(1);
      expect(h.setStock).toBeDefined();
      const figures = h.skus.map((sku, i) => ({ sku, quantity: 31 + i }));
      for (const f of figures) await h.setStock!(f.sku, f.quantity);
      const unknown = `NO-SUCH-SKU-${h.adapter.channel}`;
      const wanted = [...h.skus, unknown];
      const readings = [];
      let calls = 0;
      for (let i = 0; i < wanted.length; i += size) {
        const { value } = await withChannelRetries(() => h.adapter.readStock!({ skus: wanted.slice(i, i + size) }));
        readings.push(...value.results);
        calls += value.calls;
      }
      expect(readings).toEqual([...figures, { sku: unknown, quantity: null }]);
      expect(calls).toBeLessThanOrEqual(Math.ceil(wanted.length / size) + 1);
    });
  });
}
