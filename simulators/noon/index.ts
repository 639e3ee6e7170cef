import Fastify from 'fastify';
import { type NoonContext, registerApi } from './api';
import { registerAdmin } from './admin';
import { assertLoopbackUrl, defaultNoonSettings, type NoonSimulatorOptions } from './options';
import { generateServiceKey, NoonState } from './state';
import { Notifier } from './webhooks';

export { type NoonSimulatorOptions, type NoonWebhookDestination, NoonSettings } from './options';
export { generateServiceKey, type ServiceKey } from './state';

// noon Partner API gateway (identity, FBPI, stock, pricing) for one project, with Event Notifications.

export interface NoonSimulator {
  url: string;
  /** The service-account key file a partner downloads (RSA key generated at start). */
  credentials: { key_id: string; private_key: string; project_code: string; channel_identifier: string };
  warehouses: string[];
  close(): Promise<void>;
}

export async function startNoonSimulator(options: NoonSimulatorOptions = {}): Promise<NoonSimulator> {
  const settings = { ...defaultNoonSettings(), ...options.settings };
  const projectCode = options.projectCode ?? 'PRJ12345';
  const warehouses = options.warehouses ?? ['WH-AE-DXB1', 'WH-SA-RUH1'];
  const key = options.serviceKey ?? (await generateServiceKey());
  const state = new NoonState();
  for (const p of options.products ?? []) {
    const product = state.product(p.partnerSku);
    product.stock.set(warehouses[0]!, p.qty);
    for (const [country, price] of Object.entries(p.prices ?? {})) {
      product.prices.set(country as 'AE' | 'SA' | 'EG', { price, msrp: null, isActive: true });
    }
  }
  const destinations = [...(options.webhooks ?? [])];
  if (destinations.length > 5) throw new Error('noon allows at most 5 webhook destinations per project');
  destinations.forEach((d) => assertLoopbackUrl(d.url));
  const notifier = new Notifier(state, settings, destinations, projectCode);
  const ctx: NoonContext = { state, settings, key, projectCode, warehouses, notifier };

  const app = Fastify({ logger: false });
  registerApi(app, ctx);
  registerAdmin(app, ctx);
  const url = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  return {
    url,
    credentials: {
      key_id: key.keyId,
      private_key: key.privateKeyPem,
      project_code: projectCode,
      channel_identifier: `svc-sim@p${projectCode}.idp.noon.partners`,
    },
    warehouses,
    close: async () => {
      notifier.close();
      await app.close();
    },
  };
}
