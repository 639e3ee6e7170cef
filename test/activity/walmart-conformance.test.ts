import { createWalmartAdapter } from '../../activities/marketplaces/walmart';
import { type WebhookRequest } from '../../activities/marketplaces/types';
import { startWalmartSimulator, startWebhookReceiver } from '../../simulators/walmart';
import { type ConformanceHarness, runConformanceSuite } from '../support/conformance';

runConformanceSuite('walmart', async (): Promise<ConformanceHarness> => {
  const receiver = await startWebhookReceiver();
  const skus = ['WM-A', 'WM-B', 'WM-C'];
  const sim = await startWalmartSimulator({
    webhookUrl: receiver.url,
    webhookAuth: 'hmac',
    digestEncoding: 'base64',
    products: skus.map((sku) => ({ sku, price: '9.99', stock: 50 })),
  });
  const adapter = createWalmartAdapter({
    account: 'wm-main',
    apiUrl: sim.url,
    clientId: sim.credentials.clientId,
    clientSecret: sim.credentials.clientSecret,
    webhookSecret: sim.credentials.webhookSecret,
    digestEncoding: 'base64',
    feedPollMs: 5,
  });
  return {
    adapter,
    skus,
    currency: 'USD',
    async createOrder(input) {
      const order = await sim.admin.createOrder({
        currency: input.currency ?? 'USD',
        lines: input.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice })),
      });
      return order.purchaseOrderId;
    },
    async signedWebhook(externalId): Promise<WebhookRequest> {
      const hit = await receiver.waitFor((r) => r.rawBody.toString('utf8').includes(`"purchaseOrderId":"${externalId}"`));
      return { rawBody: hit.rawBody, headers: hit.headers, account: 'wm-main' };
    },
    readStock: async (sku) => (await sim.admin.product(sku)).stock,
    setStock: async (sku, quantity) => sim.admin.setProduct({ sku, price: (await sim.admin.product(sku)).price, stock: quantity }),
    readPrice: async (sku) => (await sim.admin.product(sku)).price,
    async shipments(externalId) {
      const shipped = await sim.admin.shipments(externalId);
      return shipped.map((s) => ({ trackingNumber: s.trackingNumber, lines: s.lines.map((l) => ({ lineId: l.lineNumber, quantity: l.quantity })) }));
    },
    async setFault(fault) {
      if (fault.kind === 'none') await sim.admin.faults({ reset: true });
      else if (fault.kind === 'rate_limit') await sim.admin.faults({ rateLimited: fault.count });
      else await sim.admin.faults({ serverErrors: fault.count });
    },
    async close() {
      await sim.close();
      await receiver.close();
    },
  };
});
