import { createHmac, randomUUID } from 'node:crypto';

// Shopify's HTTPS webhook delivery: every header the official validator reads, base64 HMAC-SHA256 over the
// exact bytes sent, 1 try + 8 retries with exponential backoff over about four hours (scaled for tests),
// and switches for dropped, duplicated and reordered deliveries.

export const SHOPIFY_WEBHOOK_HEADERS = {
  topic: 'X-Shopify-Topic',
  hmac: 'X-Shopify-Hmac-Sha256',
  shopDomain: 'X-Shopify-Shop-Domain',
  apiVersion: 'X-Shopify-API-Version',
  webhookId: 'X-Shopify-Webhook-Id',
  triggeredAt: 'X-Shopify-Triggered-At',
  eventId: 'X-Shopify-Event-Id',
} as const;

/** Retries after the first try; their delays double and add up to four hours at scale 1. */
export const RETRIES = 8;
const FOUR_HOURS_MS = 4 * 60 * 60 * 1000;
const FIRST_RETRY_MS = FOUR_HOURS_MS / (2 ** RETRIES - 1);
const TIMEOUT_MS = 5000;

export interface DeliveryAttempt {
  at: string;
  status?: number;
  error?: string;
}

export interface Delivery {
  webhookId: string;
  eventId: string;
  topic: string;
  triggeredAt: string;
  /** Exact bytes that are (or would be) sent. */
  rawBody: Buffer;
  /** Header names as Shopify spells them. */
  headers: Record<string, string>;
  state: 'pending' | 'delivered' | 'failed' | 'dropped' | 'held' | 'no_endpoint';
  attempts: DeliveryAttempt[];
  /** Set on copies made by redeliver/duplicate. */
  copyOf?: string;
}

export interface WebhookFaults {
  /** The next n deliveries are lost (never sent). */
  drop: number;
  /** Every delivery is also sent a second time: same Event-Id, new Webhook-Id. */
  duplicate: boolean;
  /** Deliveries wait until release() (then go out in the order asked for). */
  hold: boolean;
}

export class WebhookSender {
  readonly deliveries: Delivery[] = [];
  readonly faults: WebhookFaults = { drop: 0, duplicate: false, hold: false };
  private readonly timers = new Set<NodeJS.Timeout>();
  private inflight = 0;
  private waiters: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly options: {
      secret: string;
      shopDomain: string;
      apiVersion: string;
      url?: string;
      retryScale: number;
    },
  ) {
    if (options.url) assertLoopback(options.url);
  }

  setUrl(url: string | undefined): void {
    if (url) assertLoopback(url);
    this.options.url = url;
  }

  /** A signed delivery, built but not sent and not recorded. */
  build(input: { topic: string; payload: unknown; eventId?: string; webhookId?: string }): Delivery {
    const rawBody = Buffer.from(JSON.stringify(input.payload), 'utf8');
    const triggeredAt = new Date().toISOString();
    const webhookId = input.webhookId ?? randomUUID();
    const eventId = input.eventId ?? randomUUID();
    const h = SHOPIFY_WEBHOOK_HEADERS;
    return {
      webhookId,
      eventId,
      topic: input.topic,
      triggeredAt,
      rawBody,
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'Shopify-Captain-Hook',
        [h.topic]: input.topic,
        [h.hmac]: createHmac('sha256', this.options.secret).update(rawBody).digest('base64'),
        [h.shopDomain]: this.options.shopDomain,
        [h.apiVersion]: this.options.apiVersion,
        [h.webhookId]: webhookId,
        [h.triggeredAt]: triggeredAt,
        [h.eventId]: eventId,
      },
      state: 'pending',
      attempts: [],
    };
  }

  emit(input: { topic: string; payload: unknown }): Delivery {
    const delivery = this.build(input);
    this.deliveries.push(delivery);
    if (this.faults.drop > 0) {
      this.faults.drop--;
      delivery.state = 'dropped';
      return delivery;
    }
    this.dispatch(delivery);
    if (this.faults.duplicate) this.copy(delivery, true);
    return delivery;
  }

  /** Sends the same bytes again: same Webhook-Id and Event-Id (newWebhookId: a duplicate as Shopify makes them). */
  copy(original: Delivery, newWebhookId = false): Delivery {
    const webhookId = newWebhookId ? randomUUID() : original.webhookId;
    const copy: Delivery = {
      ...original,
      webhookId,
      headers: { ...original.headers, [SHOPIFY_WEBHOOK_HEADERS.webhookId]: webhookId },
      state: 'pending',
      attempts: [],
      copyOf: original.webhookId,
    };
    this.deliveries.push(copy);
    this.dispatch(copy);
    return copy;
  }

  find(webhookId: string): Delivery | undefined {
    return this.deliveries.find((d) => d.webhookId === webhookId && !d.copyOf) ?? this.deliveries.find((d) => d.webhookId === webhookId);
  }

  /** Sends held deliveries; `reverse` gives out-of-order arrival. */
  release(order: 'fifo' | 'reverse' = 'fifo'): void {
    this.faults.hold = false;
    const held = this.deliveries.filter((d) => d.state === 'held');
    if (order === 'reverse') held.reverse();
    if (!held.length) return;
    // One after the other, so the receiver sees exactly the order asked for.
    this.inflight++;
    void (async () => {
      for (const d of held) {
        d.state = 'pending';
        await this.attempt(d, 0);
      }
      this.inflight--;
      this.settle();
    })();
  }

  /** Resolves once nothing is being sent or waiting for a retry. */
  idle(): Promise<void> {
    if (this.inflight === 0 && this.timers.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.settle();
  }

  private dispatch(delivery: Delivery): void {
    if (!this.options.url) {
      delivery.state = 'no_endpoint';
      return;
    }
    if (this.faults.hold) {
      delivery.state = 'held';
      return;
    }
    void this.attempt(delivery, 0);
  }

  private async attempt(delivery: Delivery, retry: number): Promise<void> {
    const url = this.options.url;
    if (this.closed || !url) return;
    this.inflight++;
    const record: DeliveryAttempt = { at: new Date().toISOString() };
    delivery.attempts.push(record);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.rawBody,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      record.status = response.status;
      await response.arrayBuffer().catch(() => undefined);
    } catch (err) {
      record.error = (err as Error).message;
    }
    this.inflight--;
    if (record.status !== undefined && record.status >= 200 && record.status < 300) {
      delivery.state = 'delivered';
    } else if (retry < RETRIES && !this.closed) {
      // Retries carry the original payload and headers, as Shopify's do.
      const delay = FIRST_RETRY_MS * 2 ** retry * this.options.retryScale;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.attempt(delivery, retry + 1);
      }, delay);
      this.timers.add(timer);
    } else {
      delivery.state = 'failed';
    }
    this.settle();
  }

  private settle(): void {
    if (this.inflight === 0 && this.timers.size === 0) {
      const waiters = this.waiters;
      this.waiters = [];
      waiters.forEach((w) => w());
    }
  }
}

function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host)) {
    throw new Error(`webhook URL must be a loopback address, got ${host}`);
  }
}
