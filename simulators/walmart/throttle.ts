// Token bucket per API, refilled one token at a time (Walmart refills gradually, e.g. 20/hour = one per 3 min).

export type ApiGroup =
  | 'token'
  | 'orders'
  | 'orderUpdates'
  | 'inventory'
  | 'price'
  | 'inventoryFeed'
  | 'priceFeed'
  | 'feedStatus';

export interface BucketLimit {
  capacity: number;
  /** Tokens added per minute. */
  perMinute: number;
}

// Numbers from the rate-limit table in the contract (third-party transcription, see §5.5).
export const DEFAULT_LIMITS: Record<ApiGroup, BucketLimit> = {
  token: { capacity: 30, perMinute: 30 },
  orders: { capacity: 5000, perMinute: 5000 },
  orderUpdates: { capacity: 60, perMinute: 60 },
  inventory: { capacity: 200, perMinute: 200 },
  price: { capacity: 100, perMinute: 100 / 60 },
  inventoryFeed: { capacity: 50, perMinute: 50 / 60 },
  priceFeed: { capacity: 10, perMinute: 10 / 60 },
  feedStatus: { capacity: 5000, perMinute: 5000 },
};

export interface TakeResult {
  allowed: boolean;
  remaining: number;
  /** Epoch ms at which the next token arrives. */
  nextReplenishment: number;
}

class Bucket {
  private tokens: number;
  private last: number;
  constructor(private readonly limit: BucketLimit) {
    this.tokens = limit.capacity;
    this.last = Date.now();
  }

  take(now: number): TakeResult {
    const msPerToken = 60_000 / this.limit.perMinute;
    const earned = Math.floor((now - this.last) / msPerToken);
    if (earned > 0) {
      this.tokens = Math.min(this.limit.capacity, this.tokens + earned);
      this.last = this.tokens === this.limit.capacity ? now : this.last + earned * msPerToken;
    }
    const nextReplenishment = Math.ceil(this.last + msPerToken);
    if (this.tokens < 1) return { allowed: false, remaining: 0, nextReplenishment };
    this.tokens -= 1;
    return { allowed: true, remaining: this.tokens, nextReplenishment };
  }
}

export class Throttle {
  private readonly buckets = new Map<ApiGroup, Bucket>();
  constructor(private readonly limits: Record<ApiGroup, BucketLimit>) {}

  take(group: ApiGroup, now = Date.now()): TakeResult {
    let bucket = this.buckets.get(group);
    if (!bucket) {
      bucket = new Bucket(this.limits[group]);
      this.buckets.set(group, bucket);
    }
    return bucket.take(now);
  }
}
