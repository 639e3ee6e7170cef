import { createHmac } from 'node:crypto';

// WooCommerce webhooks as class-wc-webhook.php delivers them: queued per (webhook, resource) so rapid changes
// coalesce into one delivery built at send time, signed body, no retries, auto-disable after repeated
// failures, an unsigned form-encoded ping on creation, and a delivery id that only changes once a second.

export type WebhookStatus = 'active' | 'paused' | 'disabled';

export interface SimWebhook {
  id: number;
  name: string;
  topic: string;
  deliveryUrl: string;
  secret: string;
  status: WebhookStatus;
  failureCount: number;
  createdMs: number;
  modifiedMs: number;
}

export interface DeliveryRecord {
  webhookId: number;
  kind: 'ping' | 'delivery';
  topic: string;
  resourceId?: number;
  deliveryId?: string;
  outcome: 'delivered' | 'failed' | 'dropped';
  responseCode?: number;
  error?: string;
  at: string;
  headers: Record<string, string>;
  body: string;
}

export interface WebhookHubOptions {
  siteUrl: string;
  /** How long a queued delivery waits (Action Scheduler lag); changes inside the window coalesce. */
  coalesceMs: number;
  timeoutMs: number;
  /** Builds the resource's current REST JSON at delivery time; undefined if it no longer exists. */
  render(resource: string, id: number): unknown;
  /** Returns true when a dropped-webhook fault consumes this delivery. */
  takeDrop(): boolean;
}

/** WordPress's secret salt for wp_hash(); fixed per simulator process. */
const SALT = `sim-salt-${process.pid}`;

/** Max consecutive failures tolerated (woocommerce_max_webhook_delivery_failures). */
export const MAX_DELIVERY_FAILURES = 5;

export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1';
  } catch {
    return false;
  }
}

export function signBody(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

export class WebhookHub {
  readonly webhooks = new Map<number, SimWebhook>();
  readonly deliveries: DeliveryRecord[] = [];
  private nextId = 1;
  /** Queued jobs by `${webhookId}:${resourceId}` (the coalescing key). */
  private readonly queued = new Map<string, NodeJS.Timeout>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly aborter = new AbortController();

  constructor(private readonly options: WebhookHubOptions) {}

  /** Saves a webhook and, when active, pings its URL (unsigned). The ping result is only logged. */
  async create(input: { name?: string; topic: string; deliveryUrl: string; secret: string; status?: WebhookStatus }): Promise<SimWebhook> {
    const now = Date.now();
    const webhook: SimWebhook = {
      id: this.nextId++,
      name: input.name ?? `Webhook ${input.topic}`,
      topic: input.topic,
      deliveryUrl: input.deliveryUrl,
      secret: input.secret,
      status: input.status ?? 'active',
      failureCount: 0,
      createdMs: now,
      modifiedMs: now,
    };
    this.webhooks.set(webhook.id, webhook);
    if (webhook.status === 'active') await this.track(this.ping(webhook));
    return webhook;
  }

  update(id: number, patch: { status?: WebhookStatus; deliveryUrl?: string; secret?: string; name?: string }): SimWebhook | undefined {
    const webhook = this.webhooks.get(id);
    if (!webhook) return undefined;
    // Re-activating clears the failure streak, otherwise the next failure would disable it again at once.
    if (patch.status === 'active' && webhook.status !== 'active') webhook.failureCount = 0;
    Object.assign(webhook, Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)));
    webhook.modifiedMs = Date.now();
    return webhook;
  }

  remove(id: number): SimWebhook | undefined {
    const webhook = this.webhooks.get(id);
    this.webhooks.delete(id);
    return webhook;
  }

  /** Called on every store change; queues one job per matching webhook unless one is already queued. */
  notify(resource: string, event: string, resourceId: number): void {
    const topic = `${resource}.${event}`;
    for (const webhook of this.webhooks.values()) {
      if (webhook.status !== 'active' || webhook.topic !== topic) continue;
      const key = `${webhook.id}:${resourceId}`;
      if (this.queued.has(key)) continue;
      let release!: () => void;
      const done = new Promise<void>((resolve) => (release = resolve));
      const timer = setTimeout(() => {
        this.queued.delete(key);
        this.deliver(webhook.id, resource, event, resourceId).finally(release);
      }, this.options.coalesceMs);
      this.queued.set(key, timer);
      void this.track(done);
    }
  }

  /** Resolves once every queued and in-flight delivery has finished. */
  async flush(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  close(): void {
    for (const timer of this.queued.values()) clearTimeout(timer);
    this.queued.clear();
    this.aborter.abort();
  }

  private track(work: Promise<void>): Promise<void> {
    this.inflight.add(work);
    return work.finally(() => this.inflight.delete(work));
  }

  private async ping(webhook: SimWebhook): Promise<void> {
    const body = new URLSearchParams({ webhook_id: String(webhook.id) }).toString();
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': this.userAgent() };
    const result = await this.post(webhook.deliveryUrl, headers, body);
    this.deliveries.push({
      webhookId: webhook.id,
      kind: 'ping',
      topic: webhook.topic,
      // The admin only accepts exactly 200 for a ping.
      outcome: result.status === 200 ? 'delivered' : 'failed',
      responseCode: result.status,
      error: result.error,
      at: new Date().toISOString(),
      headers,
      body,
    });
  }

  private async deliver(webhookId: number, resource: string, event: string, resourceId: number): Promise<void> {
    const webhook = this.webhooks.get(webhookId);
    if (!webhook || webhook.status !== 'active') return;
    const payload = event === 'deleted' ? { id: resourceId } : this.options.render(resource, resourceId);
    if (payload === undefined) return;
    const body = JSON.stringify(payload).trim();
    const now = Date.now();
    // wp_hash(webhook id . time()): the same for every delivery of this webhook within one second.
    const deliveryId = createHmac('md5', SALT).update(`${webhook.id}${Math.floor(now / 1000)}`).digest('hex');
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': this.userAgent(),
      'x-wc-webhook-source': `${this.options.siteUrl}/`,
      'x-wc-webhook-topic': webhook.topic,
      'x-wc-webhook-resource': resource,
      'x-wc-webhook-event': event,
      'x-wc-webhook-signature': signBody(webhook.secret, body),
      'x-wc-webhook-id': String(webhook.id),
      'x-wc-webhook-delivery-id': deliveryId,
    };
    const record: DeliveryRecord = {
      webhookId: webhook.id,
      kind: 'delivery',
      topic: webhook.topic,
      resourceId,
      deliveryId,
      outcome: 'dropped',
      at: new Date(now).toISOString(),
      headers,
      body,
    };
    this.deliveries.push(record);
    if (this.options.takeDrop()) return;
    const result = await this.post(webhook.deliveryUrl, headers, body);
    record.responseCode = result.status;
    record.error = result.error;
    const ok = result.status !== undefined && result.status >= 200 && result.status <= 302;
    record.outcome = ok ? 'delivered' : 'failed';
    if (ok) {
      webhook.failureCount = 0;
    } else if (webhook.failureCount > MAX_DELIVERY_FAILURES) {
      webhook.status = 'disabled';
    } else {
      webhook.failureCount++;
    }
  }

  private async post(url: string, headers: Record<string, string>, body: string): Promise<{ status?: number; error?: string }> {
    if (!isLoopbackUrl(url)) return { error: 'delivery URL is not loopback; the simulator sends nothing off this machine' };
    try {
      const signal = AbortSignal.any([this.aborter.signal, AbortSignal.timeout(this.options.timeoutMs)]);
      const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal });
      await response.arrayBuffer();
      return { status: response.status };
    } catch (err) {
      return { error: (err as Error).message };
    }
  }

  private userAgent(): string {
    return 'WooCommerce/9.4.2 Hookshot (WordPress/6.7.1)';
  }
}
