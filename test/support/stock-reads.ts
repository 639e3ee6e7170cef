import { createChannelActivities } from '../../activities/channel-activities';
import { type ChannelAdapter, type StockReadResult } from '../../activities/marketplaces/types';

/** Reads stock through the readChannelStock activity (as the drift workflow does), with this one adapter registered. */
export function stockReadActivity(adapter: ChannelAdapter): (skus: string[]) => Promise<StockReadResult> {
  const activities = createChannelActivities({
    adapters: { get: (channel, account) => (channel === adapter.channel && account === adapter.account ? adapter : undefined), all: () => [adapter] },
  });
  return (skus) => activities.readChannelStock({ channel: adapter.channel, account: adapter.account, skus });
}
