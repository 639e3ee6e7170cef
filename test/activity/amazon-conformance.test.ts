import { createAmazonAdapter } from '../../activities/marketplaces/amazon';
import { startAmazonSimulator } from '../../simulators/amazon';
import { runConformanceSuite } from '../support/conformance';

const SKUS = ['AMZ-CONF-1', 'AMZ-CONF-2', 'AMZ-CONF-3'];

runConformanceSuite('amazon', async () => {
  // rateScale speeds Amazon's usage plans up (getOrders is 1 request/minute in production).
  const sim = await startAmazonSimulator({ rateScale: 100, products: SKUS.map((sku) => ({ sku, price: '9.99', stock: 50 })) });
  const adapter = createAmazonAdapter({ account: 'amazon-conformance', ...sim.credentials });
  return {
    adapter,
    skus: SKUS,
    currency: 'USD',
    // getOrders never lists orders changed in the last two minutes (Amazon's rule, enforced by the
    // simulator), so the suite's orders are placed 150 s ago; the adapter's poll overlap reaches them.
    createOrder: (input) =>
      sim.admin.createOrder({ status: 'Unshipped', fulfillmentChannel: 'MFN', currency: input.currency, lines: input.lines, ageMs: 150_000 }),
    readStock: async (sku) => (await sim.admin.readProduct(sku)).stock,
    setStock: async (sku, quantity) => void (await sim.admin.addProduct({ sku, price: (await sim.admin.readProduct(sku)).price, stock: quantity })),
    readPrice: async (sku) => (await sim.admin.readProduct(sku)).price,
    shipments: async (id) =>
      (await sim.admin.shipments(id)).map((s) => ({
        trackingNumber: s.trackingNumber,
        lines: s.orderItems.map((i) => ({ lineId: i.orderItemId, quantity: i.quantity })),
      })),
    setFault: async (fault) => {
      if (fault.kind === 'rate_limit') await sim.admin.setFaults({ throttles: fault.count });
      else if (fault.kind === 'server_error') await sim.admin.setFaults({ serverErrors: fault.count });
      else await sim.admin.setFaults({ throttles: 0, serverErrors: 0 });
    },
    close: () => sim.close(),
  };
});
