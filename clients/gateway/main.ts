// The webhook gateway process: `npm run gateway`.
import { loadChannelsConfig, loadEnv } from '../../config';
import { createLogger } from '../../config/logger';
import { startGatewayApp } from './app';

async function main(): Promise<void> {
  const env = loadEnv();
  const config = loadChannelsConfig(env.CHANNELSYNC_CONFIG);
  const logger = createLogger({ level: env.LOG_LEVEL, name: 'channelsync-gateway' });
  const app = await startGatewayApp({ env, config, logger });
  const stop = () => {
    app.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
