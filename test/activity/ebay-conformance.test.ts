import { createEbayAdapter } from '../../activities/marketplaces/ebay';
import { startEbaySimulator } from '../../simulators/ebay';
import { runConformanceSuite } from '../support/conformance';

runConformanceSuite('ebay', async () => {
  const skus = ['EB-MUG-01', 'EB-TEE-02', 'EB-CAP-03', 'EB-BAG-04'];
  const sim = await startEbaySimulator({ products: skus.map((sku) => ({ sku, price: '9.99', stock: 500 })) });
  const adapter = createEbayAdapter({
    account: 'ebay-main',
    apiUrl: sim.url,
    identityUrl: sim.url,
    ...sim.credentials,
  });
  return {
    adapter,
    skus,
    currency: 'USD',
    createOrder: async (input) => (await sim.admin.createOrder(input)).orderId,
    signedWebhook: async (externalId) => {
      const [delivery] = await sim.admin.notifications(externalId);
      if (!delivery) throw new Error(`no notification recorded for ${externalId}`);
      const request = { rawBody: Buffer.from(delivery.body, 'utf8'), headers: delivery.headers, account: 'ebay-main' };
      // What the gateway does before the synchronous verify: load the key named by the header's kid.
      await adapter.prepareWebhook(request);
      return request;
    },
    readStock: (sku) => sim.admin.stock(sku),
    setStock: async (sku, quantity) => void (await sim.admin.setProduct(sku, { price: await sim.admin.price(sku), stock: quantity })),
    readPrice: (sku) => sim.admin.price(sku),
    shipments: async (externalId) =>
      (await sim.admin.fulfillments(externalId)).map((f) => ({
        trackingNumber: f.shipmentTrackingNumber,
        lines: f.lineItems.map((l) => ({ lineId: l.lineItemId, quantity: l.quantity })),
      })),
    setFault: async (fault) => {
      if (fault.kind === 'rate_limit') await sim.admin.setFaults({ rateLimits: fault.count });
      else if (fault.kind === 'server_error') await sim.admin.setFaults({ serverErrors: fault.count });
      else await sim.admin.setFaults({});
    },
    close: () => sim.close(),
  };
});
