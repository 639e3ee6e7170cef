import { type NoonSettings, type NoonWebhookDestination } from './options';
import { type NoonState } from './state';

// Event Notifications: at-least-once POSTs carrying only the order number, with the configured credential
// headers; failures are retried and every attempt is kept in a delivery log.

export interface DeliveryRecord {
  orderNr: string;
  eventType: string;
  destination: string;
  body: string;
  headers: Record<string, string>;
  attempts: number;
  lastStatus: number | null;
  delivered: boolean;
  dropped: boolean;
}

export class Notifier {
  readonly log: DeliveryRecord[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly state: NoonState,
    private readonly settings: NoonSettings,
    readonly destinations: NoonWebhookDestination[],
    private readonly projectCode: string,
  ) {}

  publish(orderNr: string, eventType: string): void {
    const body = JSON.stringify({
      event_schema_version: 1,
      event_type: eventType,
      metadata: { published_at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), project_code: this.projectCode },
      payload: { order_nr: orderNr },
    });
    for (const destination of this.destinations) {
      if (destination.eventTypes && !destination.eventTypes.includes(eventType)) continue;
      const copies = this.settings.duplicateDeliveries ? 2 : 1;
      for (let copy = 0; copy < copies; copy++) {
        const record: DeliveryRecord = {
          orderNr,
          eventType,
          destination: destination.url,
          body,
          headers: { 'content-type': 'application/json', 'user-agent': 'noon-event-notifications/1', ...destination.credentials },
          attempts: 0,
          lastStatus: null,
          delivered: false,
          dropped: false,
        };
        this.log.push(record);
        if (this.state.faults.dropWebhooks > 0) {
          this.state.faults.dropWebhooks--;
          record.dropped = true;
          continue;
        }
        void this.attempt(record);
      }
    }
  }

  private async attempt(record: DeliveryRecord): Promise<void> {
    if (this.closed) return;
    record.attempts++;
    try {
      const response = await fetch(record.destination, {
        method: 'POST',
        headers: record.headers,
        body: record.body,
        signal: AbortSignal.timeout(5000),
      });
      await response.arrayBuffer();
      record.lastStatus = response.status;
      if (response.status >= 200 && response.status < 300) {
        record.delivered = true;
        return;
      }
    } catch {
      record.lastStatus = null;
    }
    if (this.closed || record.attempts > this.settings.webhookRetryAttempts) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(record);
    }, this.settings.webhookRetryIntervalMs);
    this.timers.add(timer);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
