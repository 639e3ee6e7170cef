import { type DarazSettings } from './options';
import { pushSignature } from './signing';
import { type DarazState, type SimItem, type SimOrder, type SimReverseLine, type SimReverseOrder } from './state';

// Push messages (msg_type 0 orders, 10 reverse orders): ids and status only, signed, retried until a 200 or the
// attempts run out.

export interface PushRecord {
  orderId: string;
  body: string;
  authorization: string;
  attempts: number;
  delivered: boolean;
  dropped: boolean;
}

export class Pusher {
  readonly log: PushRecord[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly state: DarazState,
    private readonly settings: DarazSettings,
    private readonly keys: { appKey: string; appSecret: string },
  ) {}

  orderItems(order: SimOrder, items: SimItem[]): void {
    for (const item of items) {
      const seconds = Math.floor(item.updatedAt / 1000);
      this.send(order.orderId, 0, item.updatedAt, {
        order_status: item.status,
        trade_order_id: order.orderId,
        trade_order_line_id: item.orderItemId,
        status_update_time: seconds,
      });
    }
  }

  /** msg_type 10: a reverse order line changed status (return, refund-only or cancellation). */
  reverseLines(reverse: SimReverseOrder, lines: SimReverseLine[]): void {
    for (const line of lines) {
      this.send(reverse.orderId, 10, line.modifiedAt, {
        reverse_order_id: reverse.reverseOrderId,
        reverse_order_line_id: line.reverseOrderLineId,
        reverse_status: line.reverseStatus,
        trade_order_id: reverse.orderId,
        trade_order_line_id: line.orderItemId,
        status_update_time: Math.floor(line.modifiedAt / 1000),
      });
    }
  }

  private send(orderId: string, messageType: number, at: number, data: Record<string, unknown>): void {
    const message = {
      seller_id: '1000001',
      message_type: messageType,
      data,
      timestamp: this.settings.pushTimestampUnit === 'ms' ? at : Math.floor(at / 1000),
      site: this.settings.pushSite,
    };
    const body = JSON.stringify(message);
    const record: PushRecord = {
      orderId,
      body,
      authorization: pushSignature({ appKey: this.keys.appKey, secret: this.keys.appSecret, body }),
      attempts: 0,
      delivered: false,
      dropped: false,
    };
    this.log.push(record);
    if (this.state.faults.dropPushes > 0) {
      this.state.faults.dropPushes--;
      record.dropped = true;
      return;
    }
    if (this.settings.pushUrl) void this.attempt(record, this.settings.pushUrl);
  }

  private async attempt(record: PushRecord, url: string): Promise<void> {
    if (this.closed) return;
    record.attempts++;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: record.authorization },
        body: record.body,
        signal: AbortSignal.timeout(5000),
      });
      await response.arrayBuffer();
      if (response.status === 200) {
        record.delivered = true;
        return;
      }
    } catch {
      // Counted as a failed attempt; retried below.
    }
    if (record.attempts > this.settings.pushRetryAttempts || this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(record, url);
    }, this.settings.pushRetryIntervalMs);
    this.timers.add(timer);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
