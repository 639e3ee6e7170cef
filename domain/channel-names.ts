// Channel names and the account-name pattern without zod, for code that workflows import (ids.ts).

export const CHANNELS = ['shopify', 'woocommerce', 'amazon', 'ebay', 'walmart', 'daraz', 'noon'] as const;

export const ACCOUNT_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export const MAX_EXTERNAL_ID_LENGTH = 200;
