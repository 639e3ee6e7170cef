import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { ChannelEvent } from '../../../domain';
import { ChannelError } from '../errors';
import { header } from '../signatures';
import { type ParseResult, type VerifyResult, type WebhookRequest } from '../types';
import { NotificationEnvelope, SignatureHeader } from './schemas';

// Notification API pushes: X-EBAY-SIGNATURE = base64(JSON {alg, kid, signature, digest}); ECDSA over SHA-1,
// checked with eBay's public key for that kid. Keys are fetched asynchronously (prepare) and verified against
// synchronously (verify), so the gateway awaits `prepareWebhook` before calling `verifyWebhook`.

const KEY_TTL_MS = 60 * 60_000;
const UNKNOWN_KID_TTL_MS = 5 * 60_000;

type SignatureParts = { ok: true; kid: string; signature: Buffer } | { ok: false; reason: string };

export function decodeSignatureHeader(request: WebhookRequest): SignatureParts {
  const raw = header(request.headers, 'x-ebay-signature');
  if (!raw) return { ok: false, reason: 'missing X-EBAY-SIGNATURE header' };
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(raw, 'base64').toString('utf8'));
  } catch {
    return { ok: false, reason: 'X-EBAY-SIGNATURE is not base64 JSON' };
  }
  const parsed = SignatureHeader.safeParse(decoded);
  if (!parsed.success) return { ok: false, reason: 'X-EBAY-SIGNATURE lacks alg/kid/signature/digest' };
  const { alg, digest, kid, signature } = parsed.data;
  if (alg.toUpperCase() !== 'ECDSA' || digest.toUpperCase() !== 'SHA1') {
    return { ok: false, reason: `unsupported signature scheme ${alg}/${digest}` };
  }
  return { ok: true, kid, signature: Buffer.from(signature, 'base64') };
}

/** eBay serves the PEM on one line; node needs the line breaks around the base64 body. */
export function pemFromEbay(key: string): string {
  const body = key
    .replace(/-----BEGIN PUBLIC KEY-----/, '')
    .replace(/-----END PUBLIC KEY-----/, '')
    .replace(/\s+/g, '');
  const lines = body.match(/.{1,64}/g) ?? [];
  return `-----BEGIN PUBLIC KEY-----\n${lines.join('\n')}\n-----END PUBLIC KEY-----\n`;
}

type CachedKey = { key: KeyObject | null; expiresAt: number };

/** Public keys by kid; `null` marks a kid eBay says does not exist (kept briefly, then asked again). */
export class PublicKeyCache {
  private readonly keys = new Map<string, CachedKey>();
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(private readonly fetchKey: (kid: string) => Promise<string | null>) {}

  lookup(kid: string, now = Date.now()): KeyObject | null | undefined {
    const entry = this.keys.get(kid);
    if (!entry || entry.expiresAt <= now) return undefined;
    return entry.key;
  }

  /** Makes `lookup(kid)` answer; throws ChannelError when eBay cannot be asked right now. */
  ensure(kid: string): Promise<void> {
    if (this.lookup(kid) !== undefined) return Promise.resolve();
    const running = this.inFlight.get(kid);
    if (running) return running;
    const job = (async () => {
      const pem = await this.fetchKey(kid);
      let key: KeyObject | null = null;
      if (pem !== null) {
        try {
          key = createPublicKey(pemFromEbay(pem));
        } catch (err) {
          throw new ChannelError(`eBay public key ${kid} is not a valid PEM: ${(err as Error).message}`, 'protocol');
        }
      }
      this.keys.set(kid, { key, expiresAt: Date.now() + (key ? KEY_TTL_MS : UNKNOWN_KID_TTL_MS) });
    })().finally(() => this.inFlight.delete(kid));
    this.inFlight.set(kid, job);
    return job;
  }
}

export function verifyEbaySignature(request: WebhookRequest, keys: PublicKeyCache): VerifyResult {
  const parts = decodeSignatureHeader(request);
  if (!parts.ok) return parts;
  const key = keys.lookup(parts.kid);
  if (key === undefined) return { ok: false, reason: `public key ${parts.kid} not loaded (await prepareWebhook first)` };
  if (key === null) return { ok: false, reason: `unknown public key id ${parts.kid}` };
  if (verify('sha1', request.rawBody, key, parts.signature)) return { ok: true };
  // eBay's own SDK verifies JSON.stringify(JSON.parse(body)); accept that form too in case eBay's bytes differ.
  let reserialised: string;
  try {
    reserialised = JSON.stringify(JSON.parse(request.rawBody.toString('utf8')));
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  return verify('sha1', Buffer.from(reserialised, 'utf8'), key, parts.signature)
    ? { ok: true }
    : { ok: false, reason: 'ECDSA signature does not match the body' };
}

export function parseEbayNotification(request: WebhookRequest): ParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(request.rawBody.toString('utf8'));
  } catch {
    return { ok: false, message: 'eBay notification body is not JSON', issues: [] };
  }
  const envelope = NotificationEnvelope.safeParse(raw);
  if (!envelope.success) return { ok: false, message: 'eBay notification envelope', issues: envelope.error.issues };
  const { metadata, notification } = envelope.data;
  const orderId = notification.data?.orderId;
  // Topics without an order (account deletion, authorization revocation, test pushes) carry nothing to sync.
  if (typeof orderId !== 'string' || orderId.length === 0) return { ok: true, events: [] };
  // Order topics (ORDER_CONFIRMATION, ITEM_MARKED_SHIPPED) only point at the order: the workflow fetches it.
  const event = ChannelEvent.safeParse({
    type: 'order.notified',
    topic: metadata.topic,
    channel: 'ebay',
    account: request.account,
    externalId: orderId,
    // Re-published deliveries keep the notificationId, so it is the event's identity.
    eventId: notification.notificationId,
    occurredAt: notification.eventDate,
    source: 'webhook',
  });
  if (!event.success) return { ok: false, message: 'eBay notification does not map to an event', issues: event.error.issues };
  return { ok: true, events: [event.data] };
}
