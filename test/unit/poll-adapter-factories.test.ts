import { ADAPTER_FACTORIES } from '../../activities/marketplaces/factories';
import { createAdapterRegistry } from '../../activities/marketplaces/registry';
import { type ResolvedChannel } from '../../config/channels';
import { ACKNOWLEDGING_CHANNELS, CHANNELS } from '../../domain/channel-names';

// The factories the pollers' adapters are built by: settings + secrets from config, checked by zod.

const NOON_KEY = JSON.stringify({ key_id: 'k1', private_key: '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n', project_code: 'PRJ1' });

const entries: ResolvedChannel[] = [
  {
    channel: 'amazon', account: 'amz-us', apiUrl: 'http://127.0.0.1:1',
    settings: { sellerId: 'A2SELLER', marketplaceId: 'ATVPDKIKX0DER', lwaEndpoint: 'http://127.0.0.1:1/auth/o2/token' },
    secrets: { clientId: 'id', clientSecret: 'secret', refreshToken: 'Atzr|r' },
  },
  {
    channel: 'ebay', account: 'eb-us', apiUrl: 'http://127.0.0.1:2',
    settings: { identityUrl: 'http://127.0.0.1:2', marketplaceId: 'EBAY_US' },
    secrets: { clientId: 'id', clientSecret: 'secret', refreshToken: 'v^1.1#r' },
  },
  { channel: 'walmart', account: 'wm-us', apiUrl: 'http://127.0.0.1:3', settings: {}, secrets: { clientId: 'id', clientSecret: 'secret' } },
  {
    channel: 'daraz', account: 'pk-main', apiUrl: 'http://127.0.0.1:4/rest',
    settings: { country: 'PK' },
    secrets: { appKey: '500000', appSecret: 'secret', accessToken: 'a', refreshToken: 'r' },
  },
  {
    channel: 'noon', account: 'ae-main', apiUrl: 'http://127.0.0.1:5',
    settings: { country: 'AE', warehouseCode: 'WH-AE-DXB1' },
    secrets: { key: NOON_KEY, webhookCredentials: JSON.stringify({ 'x-noon-token': 't' }) },
  },
];

describe('adapter factories for the polled channels', () => {
  it('builds one adapter per configured account', () => {
    const registry = createAdapterRegistry(entries, ADAPTER_FACTORIES);
    for (const entry of entries) {
      const adapter = registry.get(entry.channel, entry.account);
      expect(adapter?.channel).toBe(entry.channel);
      expect(adapter?.account).toBe(entry.account);
    }
  });

  it.each([
    ['amazon', { refreshToken: undefined }, /amazon\/amz-us is misconfigured[\s\S]*refreshToken/],
    ['ebay', { identityUrl: 'not a url' }, /ebay\/eb-us is misconfigured[\s\S]*identityUrl/],
    ['walmart', { clientSecret: '' }, /walmart\/wm-us is misconfigured[\s\S]*clientSecret/],
    ['daraz', { country: 'IN' }, /daraz\/pk-main is misconfigured[\s\S]*country/],
    ['noon', { key: '{"key_id":"k1"}' }, /noon\/ae-main is misconfigured[\s\S]*key[\s\S]*private_key/],
    ['noon', { webhookCredentials: 'not json' }, /noon\/ae-main is misconfigured[\s\S]*webhookCredentials[\s\S]*expected JSON/],
  ] as const)('refuses a bad %s entry and says which field', (channel, change, message) => {
    const entry = entries.find((e) => e.channel === channel)!;
    const secrets = { ...entry.secrets };
    const settings = { ...entry.settings };
    for (const [field, value] of Object.entries(change)) {
      const bag = field in secrets ? secrets : settings;
      if (value === undefined) delete bag[field];
      else bag[field] = value;
    }
    expect(() => ADAPTER_FACTORIES[channel]!({ ...entry, settings, secrets: secrets as Record<string, string> })).toThrow(message);
  });
});

describe('configured rates', () => {
  it('replace only the classes given, and leave the adapter working as itself', () => {
    const amazon = entries[0]!;
    const plain = createAdapterRegistry([amazon], ADAPTER_FACTORIES).get('amazon', 'amz-us')!;
    const tuned = createAdapterRegistry([{ ...amazon, rates: { catalog: 12, orders: 0.25 } }], ADAPTER_FACTORIES).get('amazon', 'amz-us')!;
    expect(tuned.capabilities.rateClasses).toEqual({ ...plain.capabilities.rateClasses, catalog: { perSecond: 12 }, orders: { perSecond: 0.25 } });
    expect(tuned.capabilities.stockBatchSize).toBe(plain.capabilities.stockBatchSize);
    expect(tuned.channel).toBe('amazon');
    expect(tuned.account).toBe('amz-us');
    expect(typeof tuned.pushStock).toBe('function');
    // The adapter's own defaults are untouched for other accounts.
    expect(createAdapterRegistry([amazon], ADAPTER_FACTORIES).get('amazon', 'amz-us')!.capabilities.rateClasses.catalog).toEqual(plain.capabilities.rateClasses.catalog);
  });
});

describe('order acknowledgement', () => {
  it('is asked of exactly the channels whose adapters acknowledge (the workflow reads the domain list)', () => {
    const all: ResolvedChannel[] = [
      ...entries,
      { channel: 'shopify', account: 'shop', apiUrl: 'http://127.0.0.1:6', settings: { shopDomain: 'shop.myshopify.com' }, secrets: { accessToken: 't', webhookSecret: 's' } },
      { channel: 'woocommerce', account: 'woo', apiUrl: 'http://127.0.0.1:7', settings: {}, secrets: { consumerKey: 'ck', consumerSecret: 'cs', webhookSecret: 's' } },
    ];
    const registry = createAdapterRegistry(all, ADAPTER_FACTORIES);
    const acknowledging = registry.all().filter((a) => a.capabilities.acknowledgesOrders).map((a) => a.channel).sort();
    expect(registry.all()).toHaveLength(CHANNELS.length);
    expect(acknowledging).toEqual([...ACKNOWLEDGING_CHANNELS].sort());
  });
});
