import { createShopifyAdapter } from '../../activities/marketplaces/shopify';
import { type WebhookRequest } from '../../activities/marketplaces/types';
import { startShopifySimulator } from '../../simulators/shopify';
import { startWebhookReceiver } from '../../simulators/shopify/receiver';
import { runConformanceSuite } from '../support/conformance';

const SECRET = 'shopify-conformance-secret';
const ACCOUNT = 'shopify-conformance';
const SKUS = ['SHOP-MUG', 'SHOP-CAP', 'SHOP-BAG'];

runConformanceSuite('shopify', async () => {
  const receiver = await startWebhookReceiver();
  const sim = await startShopifySimulator({
    webhookSecret: SECRET,
    webhookUrl: receiver.url,
    retryScale: 0.00001,
    products: SKUS.map((sku) => ({ sku, price: '9.99', stock: 100 })),
  });
  const adapter = createShopifyAdapter({
    account: ACCOUNT,
    shopDomain: sim.shopDomain,
    adminUrl: sim.url,
    apiVersion: sim.apiVersion,
    accessToken: sim.accessToken,
    webhookSecret: SECRET,
  });
  return {
    adapter,
    skus: SKUS,
    currency: 'USD',
    async createOrder({ lines }) {
      const created = sim.admin.createOrder({ lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity, price: l.unitPrice })) });
      return created.externalId;
    },
    async signedWebhook(externalId): Promise<WebhookRequest> {
      await sim.admin.webhooksIdle();
      const delivery = receiver.received.find(
        (r) => r.headers['x-shopify-topic'] === 'orders/create' && (JSON.parse(r.rawBody.toString('utf8')) as { id: number }).id === Number(externalId),
      );
      if (!delivery) throw new Error(`no orders/create delivery for ${externalId}`);
      return { rawBody: delivery.rawBody, headers: delivery.headers, account: ACCOUNT };
    },
    readStock: async (sku) => sim.admin.stock(sku),
    setStock: async (sku, quantity) => sim.admin.setStock(sku, quantity),
    readPrice: async (sku) => sim.admin.price(sku),
    async shipments(externalId) {
      return sim.admin.fulfillments(externalId).map((f) => ({
        trackingNumber: f.trackingNumber,
        lines: f.lines.map((l) => ({ lineId: String(l.lineItemId), quantity: l.quantity })),
      }));
    },
    async setFault(fault) {
      if (fault.kind === 'none') return sim.admin.setFault({ reset: true });
      sim.admin.setFault(fault.kind === 'rate_limit' ? { throttle: fault.count, throttleSurface: 'graphql' } : { serverErrors: fault.count });
    },
    async close() {
      await sim.close();
      await receiver.close();
    },
  };
});
