#!/usr/bin/env node
// `npm run setup:temporal`: idempotent; prints the CLI path. Fast when cached.
import { ensureTemporalCli } from './temporal-cli.mjs';

try {
  const path = await ensureTemporalCli();
  console.log(`[setup-temporal] Temporal CLI: ${path}`);
} catch (err) {
  console.error(err.message);
  process.exit(1);
}
