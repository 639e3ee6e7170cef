import { z } from 'zod';
import { type ResolvedChannel } from '../../config/channels';
import { formatIssues } from '../../config/issues';
import { type Channel } from '../../domain';
import { createAmazonAdapter } from './amazon';
import { createDarazAdapter } from './daraz';
import { createEbayAdapter } from './ebay';
import { createNoonAdapter, NoonKeyFile } from './noon';
import { type AdapterFactory } from './registry';
import { createShopifyAdapter } from './shopify';
import { createWalmartAdapter } from './walmart';
import { createWooCommerceAdapter } from './woocommerce';

// Per-channel settings and secrets, checked when the adapter is built at start-up.

function settingsOf<T extends z.ZodType>(schema: T, entry: ResolvedChannel): z.infer<T> {
  const parsed = schema.safeParse({ ...entry.settings, ...entry.secrets });
  if (!parsed.success) {
    throw new Error(`channel ${entry.channel}/${entry.account} is misconfigured:\n${formatIssues(parsed.error.issues, ['settings|secrets'])}`);
  }
  return parsed.data;
}

const ShopifyConfig = z.object({
  shopDomain: z.string().regex(/^[a-z0-9-]+\.myshopify\.com$/, 'expected <shop>.myshopify.com'),
  apiVersion: z.string().regex(/^\d{4}-\d{2}$/).default('2026-07'),
  locationId: z.string().optional(),
  accessToken: z.string().min(1),
  webhookSecret: z.string().min(1),
});

const WooCommerceConfig = z.object({
  consumerKey: z.string().min(1),
  consumerSecret: z.string().min(1),
  webhookSecret: z.string().min(1),
});

const Url = z.string().url();
const Ms = z.number().int().positive();

const AmazonConfig = z.object({
  /** LWA token endpoint; the SP-API host itself is the entry's apiUrl. */
  lwaEndpoint: Url.default('https://api.amazon.com/auth/o2/token'),
  sellerId: z.string().min(1),
  marketplaceId: z.string().min(1),
  queueUrl: Url.optional(),
  overlapMs: Ms.optional(),
  feedThreshold: z.number().int().positive().optional(),
  pii: z.boolean().optional(),
  productType: z.string().min(1).optional(),
  timeoutMs: Ms.optional(),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  refreshToken: z.string().min(1),
});

const EbayConfig = z.object({
  /** OAuth host (https://api.ebay.com in production); the REST host is the entry's apiUrl. */
  identityUrl: Url,
  marketplaceId: z.string().min(1).optional(),
  minRetryAfterMs: Ms.optional(),
  timeoutMs: Ms.optional(),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  refreshToken: z.string().min(1),
});

const WalmartConfig = z.object({
  digestEncoding: z.enum(['base64', 'hex']).optional(),
  webhookHeader: z.string().min(1).optional(),
  timeoutMs: Ms.optional(),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  webhookSecret: z.string().min(1).optional(),
});

const DarazConfig = z.object({
  country: z.enum(['PK', 'BD', 'LK', 'NP']),
  authBaseUrl: Url.optional(),
  partnerId: z.string().min(1).optional(),
  batchSize: z.number().int().min(1).max(50).optional(),
  timeoutMs: Ms.optional(),
  appKey: z.string().min(1),
  appSecret: z.string().min(1),
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  /** Unknown expiry (the default) makes the first call refresh, which yields a pair with known expiries. */
  accessExpiresAt: z.string().datetime({ offset: true }).default('1970-01-01T00:00:00Z'),
  refreshExpiresAt: z.string().datetime({ offset: true }).default('9999-12-31T00:00:00Z'),
});

/** A secret holding JSON (noon's key file, its webhook header map), checked by the schema given. */
function jsonSecret<T extends z.ZodType>(schema: T) {
  return z.string().transform((text, ctx): z.infer<T> => {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'expected JSON' });
      return z.NEVER;
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', message: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') });
      return z.NEVER;
    }
    return parsed.data;
  });
}

const NoonConfig = z.object({
  country: z.enum(['AE', 'SA', 'EG']),
  warehouseCode: z.string().min(1),
  userAgent: z.string().min(1).optional(),
  batchSize: z.number().int().positive().optional(),
  countryCodeCase: z.enum(['upper', 'lower']).optional(),
  timeoutMs: Ms.optional(),
  /** The service-account key file's JSON (key_id, private_key, project_code). */
  key: jsonSecret(NoonKeyFile),
  /** JSON object: header name -> value configured on the Event Notifications destination. */
  webhookCredentials: jsonSecret(z.record(z.string().min(1), z.string().min(1))),
});

export const ADAPTER_FACTORIES: Partial<Record<Channel, AdapterFactory>> = {
  shopify: (entry) => createShopifyAdapter({ account: entry.account, adminUrl: entry.apiUrl, ...settingsOf(ShopifyConfig, entry) }),
  woocommerce: (entry) => createWooCommerceAdapter({ account: entry.account, siteUrl: entry.apiUrl, ...settingsOf(WooCommerceConfig, entry) }),
  amazon: (entry) => createAmazonAdapter({ account: entry.account, endpoint: entry.apiUrl, ...settingsOf(AmazonConfig, entry) }),
  ebay: (entry) => createEbayAdapter({ account: entry.account, apiUrl: entry.apiUrl, ...settingsOf(EbayConfig, entry) }),
  walmart: (entry) => createWalmartAdapter({ account: entry.account, apiUrl: entry.apiUrl, ...settingsOf(WalmartConfig, entry) }),
  daraz: (entry) => {
    const { accessToken, refreshToken, accessExpiresAt, refreshExpiresAt, ...rest } = settingsOf(DarazConfig, entry);
    // Refreshed tokens live in memory only: a restart starts again from the configured pair.
    return createDarazAdapter({ account: entry.account, baseUrl: entry.apiUrl, ...rest, tokens: { accessToken, refreshToken, accessExpiresAt, refreshExpiresAt } });
  },
  noon: (entry) => createNoonAdapter({ account: entry.account, baseUrl: entry.apiUrl, ...settingsOf(NoonConfig, entry) }),
};
