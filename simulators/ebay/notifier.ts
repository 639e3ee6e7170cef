import { createSign, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';

// Notification API deliveries: JSON envelope, ECDSA (P-256) over SHA-1 of the body, X-EBAY-SIGNATURE header
// = base64(JSON {alg, kid, signature, digest}). The public key is served per kid, PEM without line breaks.

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicPem: string;
}

export function newSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return { kid: randomUUID(), privateKey, publicPem: pem.replace(/\r?\n/g, '') };
}

export function signatureHeader(key: SigningKey, signedText: string): string {
  const signature = createSign('sha1').update(signedText).sign(key.privateKey).toString('base64');
  const header = { alg: 'ECDSA', kid: key.kid, signature, digest: 'SHA1' };
  return Buffer.from(JSON.stringify(header), 'utf8').toString('base64');
}

export interface Delivery {
  topic: string;
  orderId: string;
  notificationId: string;
  /** The exact bytes POSTed. */
  body: string;
  headers: Record<string, string>;
  attempts: number;
  status?: number;
  dropped: boolean;
}

export interface NotifierOptions {
  webhookUrl?: string;
  /** Answers a drop decision per delivery (fault injection). */
  shouldDrop: () => boolean;
  /** Sign the compact JSON but send it pretty-printed, as a check that receivers re-serialise like eBay's SDK. */
  prettyBody: () => boolean;
}

const RETRY_DELAYS_MS = [200, 1000, 3000];

export class Notifier {
  readonly deliveries: Delivery[] = [];
  keys: SigningKey[] = [newSigningKey()];
  private pending = new Set<Promise<void>>();
  private wakers = new Set<() => void>();
  private closed = false;

  constructor(private readonly options: NotifierOptions) {
    if (options.webhookUrl) assertLoopback(options.webhookUrl);
  }

  get currentKey(): SigningKey {
    return this.keys[this.keys.length - 1]!;
  }

  rotateKey(): SigningKey {
    const key = newSigningKey();
    this.keys.push(key);
    return key;
  }

  publish(input: { topic: string; orderId: string; data: Record<string, unknown> }): Delivery {
    const now = new Date().toISOString();
    const envelope = {
      metadata: { topic: input.topic, schemaVersion: '1.0', deprecated: false },
      notification: {
        notificationId: randomUUID(),
        eventDate: now,
        publishDate: now,
        publishAttemptCount: 1,
        data: input.data,
      },
    };
    const compact = JSON.stringify(envelope);
    const body = this.options.prettyBody() ? JSON.stringify(envelope, null, 2) : compact;
    const delivery: Delivery = {
      topic: input.topic,
      orderId: input.orderId,
      notificationId: envelope.notification.notificationId,
      body,
      headers: { 'content-type': 'application/json', 'x-ebay-signature': signatureHeader(this.currentKey, compact) },
      attempts: 0,
      dropped: this.options.shouldDrop(),
    };
    this.deliveries.push(delivery);
    if (this.options.webhookUrl && !delivery.dropped) this.track(this.deliver(delivery, envelope, 0));
    return delivery;
  }

  private track(p: Promise<void>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private async deliver(delivery: Delivery, envelope: { notification: { publishAttemptCount: number } }, retry: number): Promise<void> {
    if (this.closed || !this.options.webhookUrl) return;
    delivery.attempts++;
    if (retry > 0) {
      // A re-publish carries the same notificationId with publishAttemptCount raised, signed afresh.
      envelope.notification.publishAttemptCount = retry + 1;
      const compact = JSON.stringify(envelope);
      delivery.body = this.options.prettyBody() ? JSON.stringify(envelope, null, 2) : compact;
      delivery.headers['x-ebay-signature'] = signatureHeader(this.currentKey, compact);
    }
    try {
      const res = await fetch(this.options.webhookUrl, {
        method: 'POST', headers: delivery.headers, body: delivery.body, signal: AbortSignal.timeout(3000),
      });
      delivery.status = res.status;
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      delivery.status = 0;
    }
    const wait = RETRY_DELAYS_MS[retry];
    if (wait === undefined || this.closed) return;
    await this.sleep(wait);
    await this.deliver(delivery, envelope, retry + 1);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    [...this.wakers].forEach((wake) => wake());
    await Promise.allSettled([...this.pending]);
  }
}

function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host)) {
    throw new Error(`webhookUrl must be a loopback address, got ${host}`);
  }
}
