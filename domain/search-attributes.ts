import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// The dev server allows 10 custom Keyword attributes; these five are all channelsync uses.
export const SA_CHANNEL = defineSearchAttributeKey('Channel', SearchAttributeType.KEYWORD);
export const SA_ACCOUNT = defineSearchAttributeKey('Account', SearchAttributeType.KEYWORD);
export const SA_EXTERNAL_ORDER_ID = defineSearchAttributeKey('ExternalOrderId', SearchAttributeType.KEYWORD);
export const SA_ORDER_STATUS = defineSearchAttributeKey('OrderStatus', SearchAttributeType.KEYWORD);
export const SA_SKU = defineSearchAttributeKey('Sku', SearchAttributeType.KEYWORD);

export const CUSTOM_SEARCH_ATTRIBUTES = [SA_CHANNEL, SA_ACCOUNT, SA_EXTERNAL_ORDER_ID, SA_ORDER_STATUS, SA_SKU] as const;
