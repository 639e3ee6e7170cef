// SP-API usage plans: one token bucket per (selling partner, application, operation). Rates and bursts
// are Amazon's defaults from the models (marketplaces.md §1.2, §1.5, §1.6); `rateScale` speeds them up for tests.

export const USAGE_PLANS = {
  getOrders: { rate: 0.0167, burst: 20 },
  getOrder: { rate: 0.5, burst: 30 },
  getOrderItems: { rate: 0.5, burst: 30 },
  confirmShipment: { rate: 2, burst: 10 },
  getListingsItem: { rate: 5, burst: 10 },
  patchListingsItem: { rate: 5, burst: 5 },
  createFeedDocument: { rate: 0.5, burst: 15 },
  createFeed: { rate: 0.0083, burst: 15 },
  getFeed: { rate: 2, burst: 15 },
  getFeedDocument: { rate: 0.0222, burst: 10 },
  createRestrictedDataToken: { rate: 1, burst: 10 },
  listFinancialEventsByOrderId: { rate: 0.5, burst: 30 },
  listFinancialEvents: { rate: 0.5, burst: 30 },
} as const;

export type Operation = keyof typeof USAGE_PLANS;

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<Operation, Bucket>();

  constructor(
    private readonly rateScale: number,
    private readonly now: () => number,
  ) {}

  /** Requests per second currently granted for the operation (what x-amzn-RateLimit-Limit echoes). */
  rate(op: Operation): number {
    return USAGE_PLANS[op].rate * this.rateScale;
  }

  /** Takes one token; false when the bucket is empty. */
  take(op: Operation): boolean {
    const { burst } = USAGE_PLANS[op];
    const now = this.now();
    const bucket = this.buckets.get(op) ?? { tokens: burst, updatedAt: now };
    // A clock moved back (admin clock control) refills nothing rather than draining the bucket.
    const refilled = Math.min(burst, bucket.tokens + (Math.max(0, now - bucket.updatedAt) / 1000) * this.rate(op));
    const ok = refilled >= 1;
    this.buckets.set(op, { tokens: ok ? refilled - 1 : refilled, updatedAt: now });
    return ok;
  }
}

/** Header value as Amazon prints it: a plain decimal number of requests per second. */
export function formatRate(rate: number): string {
  return String(Number(rate.toPrecision(6)));
}
