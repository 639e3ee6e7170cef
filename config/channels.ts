import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { AccountName, Channel, channelKey, DEFAULT_ORDER_POLICY, OrderPolicy } from '../domain';
import { checkRulesConfig, type Rules } from './rules';
import { ConfigError } from './env';
import { formatIssues } from './issues';

// channels.yaml describes channels and rules. Secrets never live in it: each secret field names the
// environment variable that holds the value, and the loader resolves them (listing every missing one).

const EnvVarName = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'name of an environment variable (A-Z, 0-9, _)');

const OdooSection = z
  .object({
    url: z.string().url(),
    database: z.string().min(1),
    login: z.string().min(1),
    secretEnv: EnvVarName.default('ODOO_SECRET'),
    version: z.union([z.literal('auto'), z.literal(16), z.literal(17), z.literal(18), z.literal(19)]).default('auto'),
    timeoutMs: z.number().int().positive().default(30_000),
  })
  .strict();

const PerSecond = z.number().positive('calls per second must be above 0').max(1000);
const RateOverrides = z.object({ orders: PerSecond.optional(), fulfilment: PerSecond.optional(), catalog: PerSecond.optional() }).strict();
export type RateOverrides = z.infer<typeof RateOverrides>;

const ChannelEntry = z
  .object({
    channel: Channel,
    account: AccountName,
    enabled: z.boolean().default(true),
    /** Vendor endpoint base (real service or simulator). */
    apiUrl: z.string().url(),
    /** Channel-specific, non-secret settings (shop domain, marketplace id, api version...). */
    settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
    /** Secret name -> environment variable holding it, e.g. { webhookSecret: SHOPIFY_DEMO_WEBHOOK_SECRET }. */
    secrets: z.record(z.string(), EnvVarName).default({}),
    /** Timers of the order lifecycle for this account (defaults in domain/policy.ts). */
    orders: OrderPolicy.default(DEFAULT_ORDER_POLICY),
    /**
     * Calls per second per operation class, over the adapter's defaults: the seller's own quota (Shopify Plus,
     * Amazon's per-seller rates, what a WooCommerce host tolerates). The server enforces it for all workers.
     */
    rates: RateOverrides.optional(),
  })
  .strict();

const ChannelsFile = z
  .object({
    odoo: OdooSection,
    channels: z.array(ChannelEntry).default([]),
    /** Allocation and price rules; checked by config/rules.ts (see there for the shape). */
    rules: z.unknown().optional(),
  })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.channels.forEach((c, i) => {
      const key = `${c.channel}/${c.account}`;
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['channels', i, 'account'], message: `duplicate channel account ${key}` });
      seen.add(key);
    });
  });

export interface ResolvedChannel {
  channel: Channel;
  account: string;
  apiUrl: string;
  settings: Record<string, string | number | boolean>;
  secrets: Record<string, string>;
  /** Lifecycle timers; absent means the defaults. */
  orders?: OrderPolicy;
  /** Calls per second per operation class over the adapter's defaults. */
  rates?: RateOverrides;
}

export interface ChannelsConfig {
  odoo: Omit<z.infer<typeof OdooSection>, 'secretEnv'> & { secret: string };
  channels: ResolvedChannel[];
  rules: Rules;
}

/** Parses and validates YAML text; every problem is reported at once with its path. */
export function parseChannelsConfig(text: string, env: NodeJS.ProcessEnv, source = 'channels config'): ChannelsConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`${source}: not valid YAML: ${(err as Error).message}`);
  }
  const parsed = ChannelsFile.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${source} is invalid:\n${formatIssues(parsed.error.issues)}`);
  const problems: string[] = [];
  const secretOf = (path: string, name: string): string => {
    const value = env[name];
    if (!value) problems.push(`  - ${path}: environment variable ${name} is not set`);
    return value ?? '';
  };
  const file = parsed.data;
  const { secretEnv, ...odoo } = file.odoo;
  const rules = checkRulesConfig({ raw: file.rules ?? {}, channelKeys: file.channels.map((c) => channelKey(c.channel, c.account)) });
  if (!rules.ok) problems.push(...rules.problems.map((p) => `  - ${p}`));
  const config: ChannelsConfig = {
    odoo: { ...odoo, secret: secretOf('odoo.secretEnv', secretEnv) },
    channels: file.channels
      .filter((c) => c.enabled)
      .map((c, i) => ({
        channel: c.channel,
        account: c.account,
        apiUrl: c.apiUrl,
        settings: c.settings,
        orders: c.orders,
        ...(c.rates ? { rates: c.rates } : {}),
        secrets: Object.fromEntries(
          Object.entries(c.secrets).map(([key, name]) => [key, secretOf(`channels.${i}.secrets.${key}`, name)]),
        ),
      })),
    rules: rules.ok ? rules.rules : { allocation: [], prices: [], kits: {} },
  };
  if (problems.length > 0) throw new ConfigError(`${source} is invalid:\n${problems.join('\n')}`);
  return config;
}

export function loadChannelsConfig(path: string, env: NodeJS.ProcessEnv = process.env): ChannelsConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read ${path}: ${(err as Error).message}`);
  }
  return parseChannelsConfig(text, env, path);
}

export function findChannel(config: ChannelsConfig, channel: Channel, account: string): ResolvedChannel | undefined {
  return config.channels.find((c) => c.channel === channel && c.account === account);
}
