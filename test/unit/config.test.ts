import { ConfigError, loadEnv, parseChannelsConfig } from '../../config';

const YAML = `
odoo:
  url: http://127.0.0.1:8069
  database: channelsync
  login: bot
channels:
  - channel: shopify
    account: demo-shop
    apiUrl: http://127.0.0.1:8071
    settings: { shopDomain: demo-shop.myshopify.com }
    secrets: { webhookSecret: SHOP_SECRET, accessToken: SHOP_TOKEN }
`;

describe('channels config', () => {
  it('resolves secrets from the environment', () => {
    const config = parseChannelsConfig(YAML, { ODOO_SECRET: 'pw', SHOP_SECRET: 's3cr3t', SHOP_TOKEN: 'tok' });
    expect(config.odoo).toMatchObject({ url: 'http://127.0.0.1:8069', secret: 'pw', version: 'auto' });
    expect(config.channels[0]).toMatchObject({ channel: 'shopify', account: 'demo-shop', secrets: { webhookSecret: 's3cr3t', accessToken: 'tok' } });
  });

  it('lists every missing secret at once', () => {
    expect(() => parseChannelsConfig(YAML, {})).toThrow(ConfigError);
    try {
      parseChannelsConfig(YAML, {});
    } catch (err) {
      const text = (err as Error).message;
      expect(text).toContain('odoo.secretEnv: environment variable ODOO_SECRET is not set');
      expect(text).toContain('channels.0.secrets.webhookSecret: environment variable SHOP_SECRET is not set');
      expect(text).toContain('channels.0.secrets.accessToken: environment variable SHOP_TOKEN is not set');
    }
  });

  it('refuses secrets written into the YAML and reports every problem with its path', () => {
    const bad = `
odoo: { url: not-a-url, database: x, login: bot, password: hunter2 }
channels:
  - { channel: amazonx, account: A B, apiUrl: http://x }
  - { channel: shopify, account: one, apiUrl: http://x, webhookSecret: inline }
`;
    let message = '';
    try {
      parseChannelsConfig(bad, {});
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/odoo\.url/);
    expect(message).toMatch(/odoo: Unrecognized key.*password/);
    expect(message).toMatch(/channels\.0\.channel/);
    expect(message).toMatch(/channels\.0\.account/);
    expect(message).toMatch(/channels\.1: Unrecognized key.*webhookSecret/);
  });

  it('refuses duplicate channel accounts', () => {
    const dup = YAML + YAML.split('channels:\n')[1];
    expect(() => parseChannelsConfig(dup, { ODOO_SECRET: 'x', SHOP_SECRET: 'x', SHOP_TOKEN: 'x' })).toThrow(/duplicate channel account shopify\/demo-shop/);
  });

  it('takes per-account rates and refuses a rate that is not a positive number or names an unknown class', () => {
    const env = { ODOO_SECRET: 'x', SHOP_SECRET: 'x', SHOP_TOKEN: 'x' };
    const withRates = (rates: string) => `${YAML}    rates: ${rates}\n`;
    expect(parseChannelsConfig(withRates('{ catalog: 10, orders: 0.5 }'), env).channels[0]!.rates).toEqual({ catalog: 10, orders: 0.5 });
    expect(parseChannelsConfig(YAML, env).channels[0]!.rates).toBeUndefined();
    expect(() => parseChannelsConfig(withRates('{ catalog: 0 }'), env)).toThrow(/channels\.0\.rates\.catalog[\s\S]*above 0/);
    expect(() => parseChannelsConfig(withRates('{ listings: 3 }'), env)).toThrow(/channels\.0\.rates/);
  });
});

describe('environment', () => {
  it('applies defaults and rejects bad values with their names', () => {
    expect(loadEnv({}).TEMPORAL_ADDRESS).toBe('127.0.0.1:7233');
    expect(() => loadEnv({ GATEWAY_PORT: 'abc', LOG_LEVEL: 'loud' })).toThrow(/GATEWAY_PORT[\s\S]*LOG_LEVEL/);
  });
});
