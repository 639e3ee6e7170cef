import { z } from 'zod';

export const CHANNELS = ['shopify', 'woocommerce', 'amazon', 'ebay', 'walmart', 'daraz', 'noon'] as const;
export const Channel = z.enum(CHANNELS);
export type Channel = z.infer<typeof Channel>;

/** An account is the operator's own short name for one seller account on one channel. */
export const AccountName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'account names are lower-case letters, digits and dashes (max 63)');
