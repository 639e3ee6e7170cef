// `npm run temporal:dev`: the Temporal dev server with channelsync's search attributes, state kept in
// .data/temporal.sqlite across restarts, Web UI on 8233. Stops on Ctrl-C.
import { join } from 'node:path';
import { startDevServer } from './lib/dev-server';

async function main(): Promise<void> {
  const port = Number(process.env.TEMPORAL_PORT ?? 7233);
  const uiPort = Number(process.env.TEMPORAL_UI_PORT ?? 8233);
  const dbFile = process.env.TEMPORAL_DB_FILE ?? join(__dirname, '..', '.data', 'temporal.sqlite');
  const server = await startDevServer({ port, uiPort, dbFile, logLevel: 'warn' });
  console.log(`Temporal dev server on ${server.address}, Web UI ${server.uiUrl}, data in ${dbFile}`);
  console.log('Search attributes: Channel, Account, ExternalOrderId, OrderStatus, Sku (Keyword). Ctrl-C to stop.');
  const stop = () => {
    server.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
