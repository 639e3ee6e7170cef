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
  // The server is a child of the SDK's native runtime and dies with this process; a pending promise does
  // not keep Node alive, a timer does.
  const keepAlive = setInterval(() => undefined, 60_000);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(keepAlive);
  await server.stop();
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);
