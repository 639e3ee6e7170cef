import { type ResolvedChannel } from '../../config/channels';
import { type Channel } from '../../domain';
import { type ChannelAdapter } from './types';

export type AdapterFactory = (channel: ResolvedChannel) => ChannelAdapter;

export interface AdapterRegistry {
  get(channel: Channel, account: string): ChannelAdapter | undefined;
  all(): ChannelAdapter[];
}

/** Builds one adapter per configured channel account; a channel without a factory is a config error. */
export function createAdapterRegistry(
  channels: ResolvedChannel[],
  factories: Partial<Record<Channel, AdapterFactory>>,
): AdapterRegistry {
  const adapters = new Map<string, ChannelAdapter>();
  for (const entry of channels) {
    const factory = factories[entry.channel];
    if (!factory) throw new Error(`no adapter for channel ${entry.channel} (account ${entry.account})`);
    adapters.set(`${entry.channel}/${entry.account}`, factory(entry));
  }
  return {
    get: (channel, account) => adapters.get(`${channel}/${account}`),
    all: () => [...adapters.values()],
  };
}
