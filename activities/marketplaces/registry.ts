import { type RateOverrides, type ResolvedChannel } from '../../config/channels';
import { type Channel } from '../../domain';
import { withCanonicalOutput } from './canonical-output';
import { type ChannelAdapter } from './types';

export type AdapterFactory = (channel: ResolvedChannel) => ChannelAdapter;

export interface AdapterRegistry {
  get(channel: Channel, account: string): ChannelAdapter | undefined;
  all(): ChannelAdapter[];
}

/**
 * Builds one adapter per configured channel account; a channel without a factory is a config error. Every adapter's
 * orders and events leave through the domain schemas (canonical timestamps), so no adapter can skip them.
 */
export function createAdapterRegistry(
  channels: ResolvedChannel[],
  factories: Partial<Record<Channel, AdapterFactory>>,
): AdapterRegistry {
  const adapters = new Map<string, ChannelAdapter>();
  for (const entry of channels) {
    const factory = factories[entry.channel];
    if (!factory) throw new Error(`no adapter for channel ${entry.channel} (account ${entry.account})`);
    const adapter = withCanonicalOutput(factory(entry));
    adapters.set(`${entry.channel}/${entry.account}`, entry.rates ? withRates(adapter, entry.rates) : adapter);
  }
  return {
    get: (channel, account) => adapters.get(`${channel}/${account}`),
    all: () => [...adapters.values()],
  };
}

/** The adapter with the configured rates over its own (the workers give each queue its class's rate). */
function withRates(adapter: ChannelAdapter, rates: RateOverrides): ChannelAdapter {
  const rateClasses = { ...adapter.capabilities.rateClasses };
  for (const operation of ['orders', 'fulfilment', 'catalog'] as const) {
    const perSecond = rates[operation];
    if (perSecond !== undefined) rateClasses[operation] = { perSecond };
  }
  // Everything else (methods included) comes from the adapter itself, through the prototype.
  const configured = Object.create(adapter) as ChannelAdapter;
  Object.defineProperty(configured, 'capabilities', { value: { ...adapter.capabilities, rateClasses }, enumerable: true });
  return configured;
}
