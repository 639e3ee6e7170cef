import { createDarazAdapter } from '../../activities/marketplaces/daraz';
import { startDarazSimulator } from '../../simulators/daraz';
import { darazAdmin } from '../../simulators/daraz/admin-client';
import { type ConformanceHarness, runConformanceSuite } from '../support/conformance';

const SKUS = ['DZ-TEA', 'DZ-MUG', 'DZ-RICE'];
const FAR = new Date(Date.now() + 30 * 86_400_000).toISOString();

jest.setTimeout(60_000);

runConformanceSuite('daraz', async (): Promise<ConformanceHarness> => {
  const sim = await startDarazSimulator({
    country: 'PK',
    accessToken: 'conformance-token',
    products: SKUS.map((sellerSku) => ({ sellerSku, price: '100.00', quantity: 500 })),
  });
  const admin = darazAdmin(sim.url);
  const adapter = createDarazAdapter({
    account: 'pk-main',
    country: 'PK',
    baseUrl: sim.restUrl,
    appKey: sim.appKey,
    appSecret: sim.appSecret,
    tokens: { accessToken: 'conformance-token', refreshToken: 'unused', accessExpiresAt: FAR, refreshExpiresAt: FAR },
  });
  return {
    adapter,
    skus: SKUS,
    currency: 'PKR',
    createOrder: async ({ lines }) => (await admin.createOrder({ lines })).order_id,
    signedWebhook: async (externalId) => {
      const [push] = await admin.pushes(externalId);
      if (!push) throw new Error(`no push recorded for ${externalId}`);
      return { rawBody: Buffer.from(push.body, 'utf8'), headers: { authorization: push.authorization }, account: 'pk-main' };
    },
    readStock: async (sku) => (await admin.product(sku)).quantity,
    setStock: async (sku, quantity) => void (await admin.putProduct(sku, { quantity })),
    readPrice: async (sku) => (await admin.product(sku)).price,
    shipments: async (externalId) => {
      const order = await admin.order(externalId);
      return (await admin.packages(externalId)).map((p) => {
        const skus = p.itemIds.map((id) => order.items.find((i) => i.orderItemId === id)!.sku);
        const lines = [...new Set(skus)].map((sku) => ({ lineId: sku, quantity: skus.filter((s) => s === sku).length }));
        return { trackingNumber: p.trackingNumber, lines };
      });
    },
    setFault: async (fault) => {
      if (fault.kind === 'rate_limit') await admin.faults({ rateLimit: fault.count });
      else if (fault.kind === 'server_error') await admin.faults({ serverError: fault.count });
      else await admin.faults({ rateLimit: 0, serverError: 0 });
    },
    close: () => sim.close(),
  };
});
