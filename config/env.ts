import { z } from 'zod';
import { formatIssues } from './issues';

// The only place that reads process.env. Everything else receives these values through factories.

const Env = z.object({
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_UI_URL: z.string().url().default('http://127.0.0.1:8233'),
  /** Task queue of the order, poll and watermark workflows (one per deployment). */
  ORDERS_TASK_QUEUE: z.string().min(1).default('channelsync-orders'),
  /** on: the worker creates/updates the poller and reconciliation Schedules at start. */
  SCHEDULES: z.enum(['on', 'off']).default('on'),
  CHANNELSYNC_CONFIG: z.string().default('config/channels.example.yaml'),
  GATEWAY_HOST: z.string().default('127.0.0.1'),
  GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Largest webhook body accepted, in bytes. */
  GATEWAY_BODY_LIMIT: z.coerce.number().int().positive().default(1_048_576),
  /** Events Temporal could not take wait here (fsynced) until it is back; "off" answers 503 instead. */
  GATEWAY_SPOOL_DIR: z.string().min(1).default('.data/spool'),
  GATEWAY_SPOOL_RETRY_MS: z.coerce.number().int().positive().default(5_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ALERT_WEBHOOK_URL: z.string().url().optional(),
  /** Shared secret Odoo's automation rule sends in x-channelsync-odoo-token; unset: no /webhooks/odoo route. */
  ODOO_NOTIFY_SECRET: z.string().min(16, 'ODOO_NOTIFY_SECRET must be at least 16 characters').optional(),
  ODOO_SECRET: z.string().min(1, 'ODOO_SECRET (Odoo password or API key of the bot user) is required').optional(),
});
export type Env = z.infer<typeof Env>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = Env.safeParse(source);
  if (!parsed.success) throw new ConfigError(`Invalid environment:\n${formatIssues(parsed.error.issues)}`);
  return parsed.data;
}
