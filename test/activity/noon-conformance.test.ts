import { createNoonAdapter } from '../../activities/marketplaces/noon';
import { startNoonSimulator } from '../../simulators/noon';
import { noonAdmin } from '../../simulators/noon/admin-client';
import { type ConformanceHarness, runConformanceSuite } from '../support/conformance';

const SKUS = ['NN-DATES', 'NN-OUD', 'NN-KAHWA'];

// noon pushes are not signed (credential headers only), so the harness offers no signedWebhook.
jest.setTimeout(60_000);

runConformanceSuite('noon', async (): Promise<ConformanceHarness> => {
  const sim = await startNoonSimulator({ products: SKUS.map((partnerSku) => ({ partnerSku, qty: 100, prices: { AE: 49.5 } })) });
  const admin = noonAdmin(sim.url);
  const warehouse = sim.warehouses[0]!;
  const adapter = createNoonAdapter({
    account: 'ae-main',
    baseUrl: sim.url,
    key: sim.credentials,
    country: 'AE',
    warehouseCode: warehouse,
    webhookCredentials: { 'x-channelsync-token': 'conformance' },
  });
  return {
    adapter,
    skus: SKUS,
    currency: 'AED',
    createOrder: async ({ lines }) => (await admin.createOrder({ lines, country: 'AE' })).fbpi_order_nr,
    readStock: async (sku) => (await admin.product(sku)).stock[warehouse] ?? -1,
    setStock: async (sku, quantity) => void (await admin.putProduct(sku, { qty: quantity })),
    readPrice: async (sku) => String((await admin.product(sku)).prices.AE?.price),
    shipments: async (externalId) => {
      const order = await admin.order(externalId);
      return (await admin.shipments(externalId)).map((s) => {
        const skus = s.itemNrs.map((nr) => order.items.find((i) => i.mpItemNr === nr)!.partnerSku);
        const lines = [...new Set(skus)].map((sku) => ({ lineId: sku, quantity: skus.filter((x) => x === sku).length }));
        return { trackingNumber: s.awbs[0]!.awb_nr, lines };
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
