import { type z } from 'zod';
import { CanonicalOrder, ChannelEvent, InvalidInstantError } from '../../domain';
import { ChannelError } from './errors';
import { type ChannelAdapter, type OrderPage, type ParseResult, type WebhookRequest } from './types';

// Every order and event an adapter hands out passes the domain schemas here, for every adapter the registry
// builds: timestamps leave in the one canonical form (domain/instant.ts) the order workflow compares as
// strings, and anything the schemas refuse (a zone-less time, say) is refused by name, whichever adapter let it
// through. The adapters' own mappings may already have parsed; parsing canonical values again changes nothing.

function issuesText(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

function where(adapter: ChannelAdapter): string {
  return `${adapter.channel}/${adapter.account}`;
}

/** The order as the domain defines it, or a protocol ChannelError naming what does not fit. */
export function canonicalOrderFrom(adapter: ChannelAdapter, order: unknown): CanonicalOrder {
  const parsed = CanonicalOrder.safeParse(order);
  if (parsed.success) return parsed.data;
  const id = (order as { externalId?: unknown } | null)?.externalId;
  throw new ChannelError(`${where(adapter)}: order ${String(id ?? '?')} does not map to a canonical order: ${issuesText(parsed.error.issues)}`, 'protocol');
}

/** A mapping's refusal of a timestamp is the vendor's fault: retrying the same payload will not help. */
async function refusingBadInstants<T>(adapter: ChannelAdapter, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof InvalidInstantError) throw new ChannelError(`${where(adapter)}: ${err.message}`, 'protocol');
    throw err;
  }
}

function canonicalEvents(adapter: ChannelAdapter, result: ParseResult): ParseResult {
  if (!result.ok) return result;
  const events: ChannelEvent[] = [];
  for (const [index, event] of result.events.entries()) {
    const parsed = ChannelEvent.safeParse(event);
    if (!parsed.success) {
      return {
        ok: false,
        message: `${where(adapter)}: event does not map to a canonical event: ${issuesText(parsed.error.issues)}`,
        issues: parsed.error.issues.map((i) => ({ ...i, path: ['events', index, ...i.path] })),
      };
    }
    events.push(parsed.data);
  }
  return { ok: true, events };
}

/** The adapter with its orders and webhook events checked and normalised by the domain schemas. */
export function withCanonicalOutput(adapter: ChannelAdapter): ChannelAdapter {
  // Everything else (capabilities, the other methods, channel extras like Amazon's queue) comes through the prototype.
  const checked = Object.create(adapter) as ChannelAdapter;
  const methods: Pick<ChannelAdapter, 'getOrder' | 'listOrdersChangedSince' | 'parseWebhook'> = {
    getOrder: async (input) => canonicalOrderFrom(adapter, await refusingBadInstants(adapter, () => adapter.getOrder(input))),
    listOrdersChangedSince: async (input): Promise<OrderPage> => {
      const page = await refusingBadInstants(adapter, () => adapter.listOrdersChangedSince(input));
      return { ...page, orders: page.orders.map((order) => canonicalOrderFrom(adapter, order)) };
    },
    parseWebhook: (request: WebhookRequest): ParseResult => {
      try {
        return canonicalEvents(adapter, adapter.parseWebhook(request));
      } catch (err) {
        if (err instanceof InvalidInstantError) return { ok: false, message: `${where(adapter)}: ${err.message}`, issues: [] };
        throw err;
      }
    },
  };
  for (const [name, value] of Object.entries(methods)) Object.defineProperty(checked, name, { value, enumerable: true });
  return checked;
}
