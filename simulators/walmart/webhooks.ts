import { createHmac, randomUUID } from 'node:crypto';

// Outbound notifications: POST to the configured loopback URL, 3 attempts in total, optional HMAC header.

export interface WebhookConfig {
  url?: string;
  auth: 'none' | 'hmac';
  secret: string;
  digestEncoding: 'base64' | 'hex';
  /** authDetails.authHeaderName of the subscription. */
  headerName: string;
  retryDelayMs: number;
}

export interface DeliveryRecord {
  eventId: string;
  eventType: string;
  purchaseOrderId: string;
  attempts: number;
  status: 'delivered' | 'failed' | 'dropped' | 'no_url';
}

export class WebhookSender {
  readonly log: DeliveryRecord[] = [];
  private readonly pending = new Set<Promise<void>>();
  private dropNext = 0;
  private closed = false;

  constructor(private readonly config: WebhookConfig) {
    if (config.url) {
      const host = new URL(config.url).hostname;
      if (!['127.0.0.1', 'localhost', '[::1]'].includes(host)) throw new Error(`webhookUrl must be a loopback URL, got ${config.url}`);
    }
  }

  drop(count: number): void {
    this.dropNext = count;
  }

  send(event: { source: { eventType: string; eventId: string }; payload: { purchaseOrderId: string } }): void {
    const record: DeliveryRecord = {
      eventId: event.source.eventId,
      eventType: event.source.eventType,
      purchaseOrderId: event.payload.purchaseOrderId,
      attempts: 0,
      status: 'no_url',
    };
    this.log.push(record);
    if (!this.config.url) return;
    if (this.dropNext > 0) {
      this.dropNext--;
      record.status = 'dropped';
      return;
    }
    const job = this.deliver(this.config.url, JSON.stringify(event), record).finally(() => this.pending.delete(job));
    this.pending.add(job);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.pending]);
  }

  private async deliver(url: string, body: string, record: DeliveryRecord): Promise<void> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'wm_qos.correlation_id': randomUUID(),
    };
    if (this.config.auth === 'hmac') {
      headers[this.config.headerName] = createHmac('sha256', this.config.secret).update(body).digest(this.config.digestEncoding);
    }
    for (let attempt = 1; attempt <= 3 && !this.closed; attempt++) {
      record.attempts = attempt;
      try {
        const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(5000) });
        await res.arrayBuffer();
        if (res.status === 200) {
          record.status = 'delivered';
          return;
        }
      } catch {
        // Refused or timed out: counts as a failed attempt.
      }
      if (attempt < 3) await new Promise((r) => setTimeout(r, this.config.retryDelayMs * attempt));
    }
    record.status = 'failed';
  }
}
