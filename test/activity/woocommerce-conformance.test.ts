import { createWooCommerceAdapter, parseShipmentNote } from '../../activities/marketplaces/woocommerce';
import { type WebhookRequest } from '../../activities/marketplaces/types';
import { startWebhookReceiver, startWooCommerceSimulator } from '../../simulators/woocommerce';
import { runConformanceSuite } from '../support/conformance';

const WEBHOOK_SECRET = 'woo-conformance-secret';

runConformanceSuite('woocommerce', async () => {
  const receiver = await startWebhookReceiver();
  const sim = await startWooCommerceSimulator({ webhookSecret: WEBHOOK_SECRET, webhookUrl: receiver.url, coalesceMs: 20 });
  const adapter = createWooCommerceAdapter({
    account: 'woo-conformance',
    siteUrl: sim.url,
    consumerKey: sim.consumerKey,
    consumerSecret: sim.consumerSecret,
    webhookSecret: WEBHOOK_SECRET,
  });
  return {
    adapter,
    // Simple products only: variations live behind their own batch endpoint (covered in woocommerce-adapter.test.ts).
    skus: ['WOO-MUG', 'WOO-CAP', 'WOO-BAG'],
    currency: 'USD',
    async createOrder({ lines, currency }) {
      const order = await sim.admin.createOrder({
        lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice })),
        currency,
        status: 'processing',
      });
      return String(order.id);
    },
    async signedWebhook(externalId): Promise<WebhookRequest> {
      await sim.admin.flushWebhooks();
      const delivery = receiver.received.find(
        (r) => r.headers['x-wc-webhook-topic'] === 'order.created' && (JSON.parse(r.rawBody.toString('utf8')) as { id?: number }).id === Number(externalId),
      );
      if (!delivery) throw new Error(`no order.created delivery for ${externalId}`);
      return { rawBody: delivery.rawBody, headers: delivery.headers, account: 'woo-conformance' };
    },
    readStock: async (sku) => (await sim.admin.product(sku)).stock ?? Number.NaN,
    setStock: (sku, quantity) => sim.admin.setStock(sku, { quantity }),
    readPrice: async (sku) => (await sim.admin.product(sku)).price ?? '',
    async shipments(externalId) {
      const notes = await sim.admin.notes(Number(externalId));
      return notes.flatMap((n) => {
        const parsed = parseShipmentNote(n.note);
        return parsed ? [{ trackingNumber: parsed.trackingNumber, lines: parsed.lines }] : [];
      });
    },
    async setFault(fault) {
      if (fault.kind === 'none') return sim.admin.resetFaults();
      await sim.admin.setFaults(fault.kind === 'rate_limit' ? { rateLimits: fault.count, retryAfterSeconds: 1 } : { serverErrors: fault.count });
    },
    async close() {
      await sim.close();
      await receiver.close();
    },
  };
});
