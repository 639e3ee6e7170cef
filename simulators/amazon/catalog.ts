import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { type AmazonStore, type FeedRecord, type SimListing } from './store';

// Listings attributes the connector writes (merchant stock and the offer price), applied the same way
// for patchListingsItem and for JSON_LISTINGS_FEED messages.

export const PatchOperation = z.object({
  op: z.enum(['add', 'replace', 'merge', 'delete']),
  path: z.string(),
  value: z.array(z.unknown()).optional(),
});
export type PatchOperation = z.infer<typeof PatchOperation>;

export const ListingsPatchRequest = z.object({ productType: z.string().min(1), patches: z.array(PatchOperation).min(1) });

const FulfillmentAvailability = z.array(
  z.object({ fulfillment_channel_code: z.string(), quantity: z.number().int().nonnegative().optional() }).passthrough(),
);

const PurchasableOffer = z.array(
  z
    .object({
      marketplace_id: z.string().optional(),
      currency: z.string().optional(),
      our_price: z.array(z.object({ schedule: z.array(z.object({ value_with_tax: z.number().nonnegative() })).min(1) })).min(1),
    })
    .passthrough(),
);

export interface Issue {
  code: string;
  message: string;
  severity: 'ERROR' | 'WARNING' | 'INFO';
  attributeNames?: string[];
  categories: string[];
}

const TOP_LEVEL = /^\/attributes\/([a-z0-9_]+)$/;

/** Checks patches without applying them; returns the issues Amazon would report. */
export function validatePatches(patches: readonly PatchOperation[]): Issue[] {
  const issues: Issue[] = [];
  for (const patch of patches) {
    const name = TOP_LEVEL.exec(patch.path)?.[1];
    if (!name) {
      issues.push({ code: '4000003', message: `Only top-level attributes can be patched: ${patch.path}`, severity: 'ERROR', categories: ['INVALID_ATTRIBUTE'] });
      continue;
    }
    if (patch.op === 'delete') continue;
    const schema = name === 'fulfillment_availability' ? FulfillmentAvailability : name === 'purchasable_offer' ? PurchasableOffer : undefined;
    if (schema && !schema.safeParse(patch.value ?? []).success) {
      issues.push({ code: '90220', message: `'${name}' has an invalid value.`, severity: 'ERROR', attributeNames: [name], categories: ['INVALID_ATTRIBUTE'] });
    }
  }
  return issues;
}

export function applyAttribute(listing: SimListing, name: string, value: unknown[] | undefined): void {
  if (name === 'fulfillment_availability') {
    const rows = FulfillmentAvailability.parse(value ?? []);
    // Only the merchant row (DEFAULT) is the seller's stock; AMAZON_* rows are FBA and ignored here.
    const merchant = rows.find((r) => r.fulfillment_channel_code === 'DEFAULT');
    if (merchant?.quantity !== undefined) listing.stock = merchant.quantity;
    return;
  }
  if (name === 'purchasable_offer') {
    const first = PurchasableOffer.parse(value ?? [])[0];
    const price = first?.our_price[0]?.schedule[0]?.value_with_tax;
    if (price !== undefined) listing.price = String(price);
    if (first?.currency) listing.currency = first.currency;
    return;
  }
  listing.attributes[name] = value;
}

export function applyPatches(listing: SimListing, patches: readonly PatchOperation[]): void {
  for (const patch of patches) {
    const name = TOP_LEVEL.exec(patch.path)?.[1];
    if (!name) continue;
    if (patch.op === 'delete') {
      if (name === 'fulfillment_availability') listing.stock = 0;
      else delete listing.attributes[name];
      continue;
    }
    applyAttribute(listing, name, patch.value);
  }
}

const FeedMessage = z
  .object({
    messageId: z.number().int(),
    sku: z.string().min(1),
    operationType: z.enum(['UPDATE', 'PARTIAL_UPDATE', 'PATCH', 'DELETE']),
    productType: z.string().optional(),
    attributes: z.record(z.string(), z.array(z.unknown())).optional(),
    patches: z.array(PatchOperation).optional(),
  })
  .passthrough();

const FeedDocument = z.object({
  header: z.object({ sellerId: z.string(), version: z.literal('2.0') }).passthrough(),
  messages: z.array(z.unknown()).max(25_000),
});

interface ReportIssue {
  messageId: number;
  sku?: string;
  code: string;
  severity: 'ERROR' | 'WARNING';
  message: string;
}

/** Runs a JSON_LISTINGS_FEED to completion and stores the processing report as a document. */
export function processFeed(store: AmazonStore, feed: FeedRecord): void {
  const input = store.documents.get(feed.inputFeedDocumentId)?.content;
  const issues: ReportIssue[] = [];
  let parsed: z.infer<typeof FeedDocument> | undefined;
  try {
    const result = FeedDocument.safeParse(JSON.parse(input ?? ''));
    if (result.success) parsed = result.data;
  } catch {
    parsed = undefined;
  }
  if (!parsed || parsed.header.sellerId !== store.sellerId) {
    feed.status = 'FATAL';
    issues.push({ messageId: 0, code: '100001', severity: 'ERROR', message: 'The feed document is not a valid JSON_LISTINGS_FEED for this seller.' });
    finishFeed(store, feed, issues, { processed: 0, accepted: 0, invalid: 0 });
    return;
  }
  let accepted = 0;
  let invalid = 0;
  for (const raw of parsed.messages) {
    const msg = FeedMessage.safeParse(raw);
    const messageId = typeof (raw as { messageId?: unknown })?.messageId === 'number' ? (raw as { messageId: number }).messageId : 0;
    if (!msg.success) {
      invalid++;
      issues.push({ messageId, code: '4000001', severity: 'ERROR', message: 'The message does not match the listings feed schema.' });
      continue;
    }
    const { sku, operationType } = msg.data;
    const listing = store.listings.get(sku);
    if (operationType === 'DELETE') {
      store.listings.delete(sku);
      accepted++;
      continue;
    }
    if (!listing) {
      invalid++;
      issues.push({ messageId, sku, code: '18', severity: 'ERROR', message: `SKU ${sku} has no listing for this seller.` });
      continue;
    }
    const patches: PatchOperation[] =
      operationType === 'PATCH'
        ? (msg.data.patches ?? [])
        : Object.entries(msg.data.attributes ?? {}).map(([name, value]) => ({ op: 'replace' as const, path: `/attributes/${name}`, value }));
    const problems = validatePatches(patches);
    if (problems.length > 0) {
      invalid++;
      problems.forEach((p) => issues.push({ messageId, sku, code: p.code, severity: 'ERROR', message: p.message }));
      continue;
    }
    applyPatches(listing, patches);
    accepted++;
  }
  feed.status = 'DONE';
  finishFeed(store, feed, issues, { processed: parsed.messages.length, accepted, invalid });
}

function finishFeed(
  store: AmazonStore,
  feed: FeedRecord,
  issues: ReportIssue[],
  counts: { processed: number; accepted: number; invalid: number },
): void {
  const report = {
    header: { sellerId: store.sellerId, version: '2.0', feedId: feed.feedId },
    issues,
    summary: {
      errors: issues.filter((i) => i.severity === 'ERROR').length,
      warnings: issues.filter((i) => i.severity === 'WARNING').length,
      messagesProcessed: counts.processed,
      messagesAccepted: counts.accepted,
      messagesInvalid: counts.invalid,
    },
  };
  const id = `amzn1.tortuga.4.na.${randomUUID()}`;
  store.documents.set(id, {
    feedDocumentId: id,
    contentType: 'application/json; charset=UTF-8',
    content: JSON.stringify(report),
    signature: randomUUID().replace(/-/g, ''),
    expiresAt: Number.POSITIVE_INFINITY,
  });
  feed.resultFeedDocumentId = id;
  feed.endedAt = store.now();
}

/** Moves feeds along their lifecycle by simulator time; called before every request. */
export function settleFeeds(store: AmazonStore): void {
  const now = store.now();
  for (const feed of store.feeds.values()) {
    if (feed.status !== 'IN_QUEUE' && feed.status !== 'IN_PROGRESS') continue;
    const due = feed.createdAt + store.faults.feedProcessingMs;
    if (now >= feed.createdAt + store.faults.feedProcessingMs / 2 && feed.status === 'IN_QUEUE') {
      feed.status = 'IN_PROGRESS';
      feed.startedAt = now;
    }
    if (now >= due) {
      feed.startedAt ??= now;
      processFeed(store, feed);
    }
  }
}
