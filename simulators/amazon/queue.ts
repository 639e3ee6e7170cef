import { createHash, randomUUID } from 'node:crypto';

// Stand-in for the seller's SQS standard queue that Amazon publishes ORDER_CHANGE into: at-least-once,
// no ordering, a visibility timeout, and deletes that need the latest receipt handle.

interface QueuedMessage {
  messageId: string;
  body: string;
  invisibleUntil: number;
  receiveCount: number;
  receiptHandle?: string;
}

export interface ReceivedMessage {
  MessageId: string;
  ReceiptHandle: string;
  MD5OfBody: string;
  Body: string;
  Attributes: { ApproximateReceiveCount: string };
}

export const DEFAULT_VISIBILITY_TIMEOUT_S = 30;

export class SqsQueue {
  private readonly messages: QueuedMessage[] = [];

  constructor(
    private readonly now: () => number,
    /** Standard queues hand out messages in no particular order; tests may switch that off. */
    private readonly shuffle: () => boolean,
  ) {}

  send(body: string): string {
    const messageId = randomUUID();
    this.messages.push({ messageId, body, invisibleUntil: 0, receiveCount: 0 });
    return messageId;
  }

  receive(input: { max: number; visibilityTimeoutS: number }): ReceivedMessage[] {
    const now = this.now();
    const visible = this.messages.filter((m) => m.invisibleUntil <= now);
    if (this.shuffle()) visible.sort(() => Math.random() - 0.5);
    return visible.slice(0, input.max).map((m) => {
      m.receiveCount += 1;
      m.invisibleUntil = now + input.visibilityTimeoutS * 1000;
      m.receiptHandle = `${m.messageId}#${randomUUID()}`;
      return {
        MessageId: m.messageId,
        ReceiptHandle: m.receiptHandle,
        MD5OfBody: createHash('md5').update(m.body).digest('hex'),
        Body: m.body,
        Attributes: { ApproximateReceiveCount: String(m.receiveCount) },
      };
    });
  }

  /** 'deleted' | 'stale' (SQS answers success but keeps the message) | 'invalid'. */
  delete(receiptHandle: string): 'deleted' | 'stale' | 'invalid' {
    const messageId = receiptHandle.split('#')[0];
    const index = this.messages.findIndex((m) => m.messageId === messageId);
    if (index < 0) return receiptHandle.includes('#') ? 'stale' : 'invalid';
    if (this.messages[index]!.receiptHandle !== receiptHandle) return 'stale';
    this.messages.splice(index, 1);
    return 'deleted';
  }

  stats(): { visible: number; inFlight: number } {
    const now = this.now();
    const visible = this.messages.filter((m) => m.invisibleUntil <= now).length;
    return { visible, inFlight: this.messages.length - visible };
  }

  bodies(): string[] {
    return this.messages.map((m) => m.body);
  }
}
