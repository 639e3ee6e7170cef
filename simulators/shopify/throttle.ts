// Shopify's two leaky buckets: GraphQL calculated cost (points) and REST request count.

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/** GraphQL: the bucket must hold the requested cost before a query runs; unused points come back after. */
export class CostBucket {
  private available: number;
  private at = Date.now();

  constructor(
    readonly maximum: number,
    readonly restoreRate: number,
  ) {
    this.available = maximum;
  }

  private refill(): void {
    const now = Date.now();
    this.available = Math.min(this.maximum, this.available + ((now - this.at) / 1000) * this.restoreRate);
    this.at = now;
  }

  status(): ThrottleStatus {
    this.refill();
    return { maximumAvailable: this.maximum, currentlyAvailable: Math.floor(this.available), restoreRate: this.restoreRate };
  }

  take(cost: number): boolean {
    this.refill();
    if (cost > this.available) return false;
    this.available -= cost;
    return true;
  }

  refund(points: number): void {
    this.refill();
    this.available = Math.min(this.maximum, this.available + points);
  }

  /** A throttle storm: the bucket is empty right now. */
  drain(): void {
    this.refill();
    this.available = 0;
  }
}

/** REST: each call adds one drop; the bucket leaks `leakPerSecond`; a full bucket answers 429. */
export class RequestBucket {
  private used = 0;
  private at = Date.now();

  constructor(
    readonly size: number,
    readonly leakPerSecond: number,
  ) {}

  private leak(): void {
    const now = Date.now();
    this.used = Math.max(0, this.used - ((now - this.at) / 1000) * this.leakPerSecond);
    this.at = now;
  }

  /** Returns the `X-Shopify-Shop-Api-Call-Limit` value, or undefined when the call must be refused. */
  take(): string | undefined {
    this.leak();
    if (this.used + 1 > this.size) return undefined;
    this.used += 1;
    return `${Math.ceil(this.used)}/${this.size}`;
  }

  fill(): void {
    this.leak();
    this.used = this.size;
  }

  header(): string {
    this.leak();
    return `${Math.ceil(this.used)}/${this.size}`;
  }
}
