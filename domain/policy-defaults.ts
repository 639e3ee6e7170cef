// OrderPolicy's defaults as plain values. policy.ts builds its schema defaults from them; the order workflow falls
// back on them for fields that a policy recorded in an older history lacks, without loading zod.

export const ORDER_POLICY_DEFAULTS = {
  pendingPaymentTimeout: '7 days',
  returnWindow: '30 days',
  deliveryPollInterval: '10 minutes',
  stuckAfter: '2 days',
  feedsInventory: false,
  shipByWarning: '12 hours',
  totalTolerance: '0.01',
  returns: { rule: 'channel' },
  historyEventLimit: 5000,
} as const;
