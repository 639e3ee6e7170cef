import { startDevServer } from '../../scripts/lib/dev-server';

// One real Temporal dev server for the whole run; tests connect with TEMPORAL_TEST_ADDRESS.
export default async function globalSetup(): Promise<void> {
  const server = await startDevServer({ port: 0, uiPort: false });
  process.env.TEMPORAL_TEST_ADDRESS = server.address;
  (globalThis as { __temporalDevServer?: typeof server }).__temporalDevServer = server;
}
