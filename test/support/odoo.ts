import { createOdooClient, createOdooOrderOperations, type OdooClient, type OdooOperations } from '../../activities/odoo';
import { type OdooSimulator, startOdooSimulator } from '../../simulators/odoo';

export interface OdooTestBed {
  sim: OdooSimulator;
  client: OdooClient;
  ops: OdooOperations;
}

/**
 * A demo-seeded Odoo simulator of one version with the real client and order operations over HTTP, started before
 * the enclosing describe's tests and closed after them. Read the fields inside hooks and tests, not at declaration.
 */
export function useOdooSimulator(version: 16 | 17 | 18 | 19): OdooTestBed {
  const bed = {} as OdooTestBed;
  beforeAll(async () => {
    bed.sim = await startOdooSimulator({ version, seed: 'demo' });
    bed.client = createOdooClient({ url: bed.sim.url, database: bed.sim.database, login: bed.sim.login, secret: bed.sim.apiKey, version: 'auto', timeoutMs: 5000 });
    bed.ops = createOdooOrderOperations(bed.client);
  });
  afterAll(async () => bed.sim?.close());
  return bed;
}
