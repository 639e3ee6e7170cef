import { z } from 'zod';
import { type ResolvedChannel } from '../../config/channels';
import { formatIssues } from '../../config/issues';
import { type Channel } from '../../domain';
import { type AdapterFactory } from './registry';
import { createShopifyAdapter } from './shopify';
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

export const ADAPTER_FACTORIES: Partial<Record<Channel, AdapterFactory>> = {
  shopify: (entry) => createShopifyAdapter({ account: entry.account, adminUrl: entry.apiUrl, ...settingsOf(ShopifyConfig, entry) }),
  woocommerce: (entry) => createWooCommerceAdapter({ account: entry.account, siteUrl: entry.apiUrl, ...settingsOf(WooCommerceConfig, entry) }),
};
