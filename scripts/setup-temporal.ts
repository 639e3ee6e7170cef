// `npm run setup:temporal`: idempotent; prints the CLI path. Fast when cached.
import { ensureTemporalCli } from './lib/temporal-cli';

ensureTemporalCli().then(
  (exe) => console.log(`[setup-temporal] Temporal CLI: ${exe.type === 'existing-path' ? exe.path : 'downloaded by the Temporal SDK'}`),
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);
