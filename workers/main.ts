// The worker process: `npm run worker`.
import { loadChannelsConfig, loadEnv } from '../config';
import { createLogger } from '../config/logger';
import { startWorkerApp } from './app';

async function main(): Promise<void> {
  const env = loadEnv();
  const config = loadChannelsConfig(env.CHANNELSYNC_CONFIG);
  const logger = createLogger({ level: env.LOG_LEVEL, name: 'channelsync-worker' });
  const app = await startWorkerApp({ env, config, logger });
  await app.done;
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
