// Channel names and the account-name pattern without zod, for code that workflows import (ids.ts).

export const CHANNELS = ['shopify', 'woocommerce', 'amazon', 'ebay', 'walmart', 'daraz', 'noon'] as const;

/**
 * Channels whose imported orders must be acknowledged (Walmart POs, noon items). Workflows read this list; the
 * adapters' `acknowledgesOrders` capability says the same (a unit test holds them together).
 */
export const ACKNOWLEDGING_CHANNELS: readonly (typeof CHANNELS)[number][] = ['walmart', 'noon'];

export const ACCOUNT_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export const MAX_EXTERNAL_ID_LENGTH = 200;
