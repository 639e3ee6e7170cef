import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../config';
import { AllocationRuleConfig, KitConfig, PriceRuleConfig, RateTableConfig, checkRulesConfig, parseRulesConfig } from '../../config/rules';
import { applyPriceRule } from '../../domain/pricing';
import { computeTargets } from '../../domain/allocation';

function rulesSection(yaml: string): unknown {
  return (parseYaml(yaml) as { rules?: unknown }).rules;
}

function problems(yaml: string, channelKeys?: string[]): string {
  try {
    parseRulesConfig({ raw: rulesSection(yaml), source: 'channels.yaml', ...(channelKeys ? { channelKeys } : {}) });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected the config to be refused');
}

const GOOD = `
rules:
  rates: { base: EUR, rates: { USD: "1.0845", JPY: 161.53 } }
  allocation:
    - { channel: shopify, account: demo-shop, warehouses: [WH, EU2], buffer: 2, sharePercent: 60, priority: 1 }
    - { channel: amazon, account: eu, max: 50 }
    - { channel: amazon, account: eu, skus: [MUG-RED], buffer: 5, min: 1, max: 10 }
  prices:
    - channel: shopify
      account: demo-shop
      currency: USD
      pricelist: Shopify USD
      percent: 10
      fixed: "-0.50"
      rounding: { mode: charm, endings: ["0.99", "0.95"] }
      minPrice: "4.99"
      minMarginPercent: 20
    - { channel: amazon, account: eu, currency: EUR, pricelist: 7, rounding: { mode: up, step: "0.10" } }
  kits:
    - { sku: GIFT-BOX, components: [{ sku: MUG-RED, quantity: 2 }, { sku: TEA-50, quantity: 1 }] }
`;

describe('rules config: a good file', () => {
  const rules = parseRulesConfig({ raw: rulesSection(GOOD), channelKeys: ['shopify/demo-shop', 'amazon/eu'] });

  it('turns into domain rules with defaults filled in and decimals kept as text', () => {
    expect(rules.allocation).toEqual([
      { channel: 'shopify', account: 'demo-shop', warehouses: ['WH', 'EU2'], buffer: 2, sharePercent: '60', min: 0, priority: 1 },
      { channel: 'amazon', account: 'eu', buffer: 0, min: 0, max: 50, priority: 100 },
      { channel: 'amazon', account: 'eu', skus: ['MUG-RED'], buffer: 5, min: 1, max: 10, priority: 100 },
    ]);
    expect(rules.prices[0]).toEqual({
      channel: 'shopify',
      account: 'demo-shop',
      currency: 'USD',
      pricelist: 'Shopify USD',
      percent: '10',
      fixed: '-0.50',
      rounding: { mode: 'charm', endings: ['0.99', '0.95'], period: '1', direction: 'nearest' },
      minPrice: '4.99',
      minMarginPercent: '20',
    });
    expect(rules.prices[1]).toEqual({ channel: 'amazon', account: 'eu', currency: 'EUR', pricelist: 7, rounding: { mode: 'up', step: '0.10' } });
    expect(rules.rates).toEqual({ base: 'EUR', rates: { USD: '1.0845', JPY: '161.53' } });
    expect(rules.kits).toEqual({ 'GIFT-BOX': [{ sku: 'MUG-RED', quantity: 2 }, { sku: 'TEA-50', quantity: 1 }] });
  });

  it('feeds the domain functions directly', () => {
    const targets = computeTargets({ sku: 'MUG-RED', freeByWarehouse: { WH: 20, EU2: 2 }, pendingByChannel: {}, rules: rules.allocation });
    // Shopify: (22 − 2) × 60 % = 12, priority 1; Amazon's MUG-RED rule: 22 − 5 buffer, max 10.
    expect(targets).toEqual({ 'shopify/demo-shop': 12, 'amazon/eu': 10 });
    const price = applyPriceRule({ base: { amount: '20.00', currency: 'EUR' }, rule: rules.prices[0]!, rates: rules.rates!, cost: { amount: '10', currency: 'EUR' } });
    // 20 EUR → 21.69 USD, +10 % → 23.859, −0.50 → 23.359; the nearest .99/.95 endings are 22.99 (0.369 away) and 23.95 (0.591).
    expect(price).toEqual({ amount: '22.99', currency: 'USD' });
  });

  it('accepts an absent section', () => {
    expect(parseRulesConfig({ raw: undefined })).toEqual({ allocation: [], prices: [], kits: {} });
  });
});

describe('rules config: bad files list every problem with its path', () => {
  it('reports field problems in every section at once', () => {
    const message = problems(`
rules:
  rates: { base: EUR, rates: { USD: "0", eur: "1" } }
  allocation:
    - { channel: shopify, account: demo-shop, buffer: -1, min: 1.5, sharePercent: 120 }
    - { channel: amazon, account: eu, min: 5, max: 2, warehouses: [] }
    - { channel: ebay, account: main, warehouses: [WH, WH], bufer: 3 }
  prices:
    - { channel: shopify, account: demo-shop, currency: usd, percent: -100 }
    - { channel: amazon, account: eu, currency: USD, minPrice: "1.999", minMarginPercent: 100, rounding: { mode: charm, endings: ["1.50"] } }
    - { channel: ebay, account: main, currency: USD, rounding: { mode: sideways } }
  kits:
    - { sku: BOX, components: [] }
    - { sku: PAIR, components: [{ sku: SOCK, quantity: 0 }, { sku: PAIR, quantity: 1 }] }
`);
    const expected = [
      /rules\.rates\.rates\.USD: exchange rate must be above 0/,
      /rules\.rates\.rates\.eur/,
      /rules\.allocation\.0\.buffer: buffer must not be negative/,
      /rules\.allocation\.0\.min: min must be a whole number/,
      /rules\.allocation\.0\.sharePercent: sharePercent must be at most 100/,
      /rules\.allocation\.1\.min: min \(5\) is above max \(2\)/,
      /rules\.allocation\.1\.warehouses: warehouses, when given, must list at least one/,
      /rules\.allocation\.2\.warehouses\.1: warehouse WH is listed twice/,
      /rules\.allocation\.2: Unrecognized key.*bufer/,
      /rules\.prices\.0\.currency: expected an ISO 4217 currency code/,
      /rules\.prices\.0\.percent: percent must be above -100/,
      /rules\.prices\.1\.minPrice: 1\.999 has more decimals than USD allows \(2\)/,
      /rules\.prices\.1\.minMarginPercent: minMarginPercent must be below 100/,
      /rules\.prices\.1\.rounding\.endings\.0: ending 1\.50 must be below the period 1/,
      /rules\.prices\.2\.rounding(\.mode)?: rounding mode must be one of none, nearest, up, down, charm/,
      /rules\.kits\.0\.components: a kit needs at least one component/,
      /rules\.kits\.1\.components\.0\.quantity: quantity must be at least 1/,
      /rules\.kits\.1\.components\.1\.sku: a kit cannot contain itself/,
    ];
    for (const pattern of expected) expect(message).toMatch(pattern);
    expect(message.startsWith('channels.yaml is invalid:')).toBe(true);
  });

  it('reports clashes between entries, even next to a malformed entry', () => {
    const message = problems(`
rules:
  allocation:
    - { channel: shopify, account: demo-shop }
    - { channel: shopify, account: demo-shop, buffer: 1 }
    - { channel: shopify, account: demo-shop, skus: [MUG, TEA] }
    - { channel: shopify, account: demo-shop, skus: [TEA] }
    - { channel: nowhere, account: x }
  prices:
    - { channel: shopify, account: demo-shop, currency: USD }
    - { channel: shopify, account: demo-shop, currency: EUR }
  kits:
    - { sku: BOX, components: [{ sku: PAIR, quantity: 1 }] }
    - { sku: PAIR, components: [{ sku: SOCK, quantity: 2 }] }
    - { sku: PAIR, components: [{ sku: SOCK, quantity: 3 }] }
`);
    for (const pattern of [
      /rules\.allocation\.1: a second general allocation rule for shopify\/demo-shop/,
      /rules\.allocation\.3\.skus: SKU TEA already has a rule for shopify\/demo-shop \(allocation\.2\)/,
      /rules\.allocation\.4\.channel/,
      /rules\.prices\.0\.currency: USD needs a rates table/,
      /rules\.prices\.1: a second price rule for shopify\/demo-shop/,
      /rules\.kits\.2\.sku: kit PAIR is defined twice/,
      /rules\.kits\.0\.components\.0\.sku: component PAIR is itself a kit/,
    ]) {
      expect(message).toMatch(pattern);
    }
  });

  it('refuses currencies missing from the rate table and rounding finer than the currency', () => {
    const message = problems(`
rules:
  rates: { base: EUR, rates: { JPY: "161.53", USD: "1.08", EUR: "1.1" } }
  prices:
    - { channel: shopify, account: demo-shop, currency: GBP }
    - { channel: amazon, account: jp, currency: JPY, rounding: { mode: charm, endings: ["0.99"] } }
    - { channel: ebay, account: main, currency: JPY, rounding: { mode: nearest, step: "0.5" } }
`);
    expect(message).toMatch(/rules\.prices\.0\.currency: no exchange rate for GBP in rates/);
    expect(message).toMatch(/rules\.prices\.1\.rounding\.endings\.0: 0\.99 has more decimals than JPY allows \(0\)/);
    expect(message).toMatch(/rules\.prices\.2\.rounding\.step: 0\.5 has more decimals than JPY/);
    expect(message).toMatch(/rules\.rates\.rates\.EUR: the base currency's rate must be 1/);
  });

  it('refuses rules for channel accounts that are not configured', () => {
    const message = problems(GOOD, ['shopify/demo-shop']);
    expect(message).toMatch(/rules\.allocation\.1: no channel account amazon\/eu is configured/);
    expect(message).toMatch(/rules\.prices\.1: no channel account amazon\/eu is configured/);
    expect(message).not.toMatch(/allocation\.0/);
  });

  it('reports without throwing, unknown channel accounts included, for the channels loader to merge', () => {
    const raw = rulesSection(`
rules:
  allocation:
    - { channel: ebay, account: main, buffer: -1 }
    - { channel: noon, account: ae }
`);
    expect(checkRulesConfig({ raw, channelKeys: ['ebay/main'] })).toEqual({
      ok: false,
      problems: ['rules.allocation.0.buffer: buffer must not be negative', 'rules.allocation.1: no channel account noon/ae is configured'],
    });
    expect(checkRulesConfig({ raw: undefined })).toEqual({ ok: true, rules: { allocation: [], prices: [], kits: {} } });
  });

  it('refuses a section that is not a mapping, and unknown keys', () => {
    expect(problems('rules: [1, 2]')).toMatch(/rules: /);
    expect(problems('rules: { allocations: [] }')).toMatch(/rules: Unrecognized key.*allocations/);
  });
});

describe('rules config: each schema on its own', () => {
  it('refuses negative buffers and accepts the smallest valid rule', () => {
    expect(AllocationRuleConfig.safeParse({ channel: 'ebay', account: 'main', buffer: -3 }).success).toBe(false);
    expect(AllocationRuleConfig.parse({ channel: 'ebay', account: 'main' })).toEqual({ channel: 'ebay', account: 'main', buffer: 0, min: 0, priority: 100 });
  });

  it('keeps numbers written in YAML as exact decimal text', () => {
    expect(PriceRuleConfig.parse({ channel: 'ebay', account: 'main', currency: 'USD', percent: 12.5, minPrice: 0.3 })).toMatchObject({ percent: '12.5', minPrice: '0.3' });
    expect(PriceRuleConfig.safeParse({ channel: 'ebay', account: 'main', currency: 'USD', percent: '1e3' }).success).toBe(false);
    expect(RateTableConfig.parse({ base: 'EUR' })).toEqual({ base: 'EUR', rates: {} });
  });

  it('refuses repeated kit components', () => {
    const result = KitConfig.safeParse({ sku: 'BOX', components: [{ sku: 'A', quantity: 1 }, { sku: 'A', quantity: 2 }] });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['components.1.sku', 'component A is listed twice']]);
  });
});
