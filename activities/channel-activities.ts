import { type AdapterRegistry } from './marketplaces/registry';
import { type Channel, type CanonicalOrder } from '../domain';
import { withFailureMapping } from './failures';
import { ChannelError } from './marketplaces/errors';
import {
  type ChannelAdapter,
  type ConfirmShipmentInput,
  type OrderPage,
  type PriceUpdate,
  type PushResult,
  type StockReadResult,
  type StockUpdate,
} from './marketplaces/types';

// Marketplace calls as activities. They run on the task queue of their (channel account, operation class),
// whose server-side dispatch rate is the channel's quota shared by every worker process.

export interface ChannelTarget {
  channel: Channel;
  account: string;
}

export function createChannelActivities(deps: { adapters: AdapterRegistry }) {
  const adapter = (target: ChannelTarget): ChannelAdapter => {
    const found = deps.adapters.get(target.channel, target.account);
    if (!found) throw new Error(`no adapter configured for ${target.channel}/${target.account}`);
    return found;
  };
  return withFailureMapping({
    async getChannelOrder(input: ChannelTarget & { externalId: string }): Promise<CanonicalOrder> {
      return adapter(input).getOrder({ externalId: input.externalId });
    },
    async listChannelOrders(input: ChannelTarget & { since: string; cursor?: string; limit?: number }): Promise<OrderPage> {
      return adapter(input).listOrdersChangedSince({ since: input.since, cursor: input.cursor, limit: input.limit });
    },
    async acknowledgeChannelOrder(input: ChannelTarget & { externalId: string }): Promise<void> {
      await adapter(input).acknowledgeOrder({ externalId: input.externalId });
    },
    async confirmChannelShipment(input: ChannelTarget & { shipment: ConfirmShipmentInput }): Promise<{ shipmentRef: string }> {
      return adapter(input).confirmShipment(input.shipment);
    },
    async cancelChannelOrder(input: ChannelTarget & { externalId: string; reason: string; lineIds?: string[] }): Promise<void> {
      await adapter(input).cancelOrder({ externalId: input.externalId, reason: input.reason, lineIds: input.lineIds });
    },
    async pushChannelStock(input: ChannelTarget & { items: StockUpdate[] }): Promise<PushResult> {
      return adapter(input).pushStock({ items: input.items });
    },
    async pushChannelPrices(input: ChannelTarget & { items: PriceUpdate[] }): Promise<PushResult> {
      return adapter(input).pushPrices({ items: input.items });
    },
    /** What the channel shows for these SKUs now (runs on the account's catalog queue, inside its quota). */
    async readChannelStock(input: ChannelTarget & { skus: string[] }): Promise<StockReadResult> {
      const found = adapter(input);
      if (!found.readStock) throw new ChannelError(`${input.channel} cannot read stock back`, 'rejected');
      return found.readStock({ skus: input.skus });
    },
  });
}

export type ChannelActivities = ReturnType<typeof createChannelActivities>;
