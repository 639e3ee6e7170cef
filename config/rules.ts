import { z } from 'zod';
import { AccountName, Channel, CurrencyCode, minorDigits, numberToDecimal } from '../domain';
import { type AllocationRule, type KitComponent, channelKey } from '../domain/allocation';
import { type PriceRule, type RateTable, type Rounding } from '../domain/pricing';
import { ConfigError } from './env';

// The `rules:` section of channels.yaml: allocation, prices, exchange rates and kits. Parsed once at start,
// every problem listed with its path, then turned into the plain domain rule types the workflows receive.
//
// rules:
//   rates: { base: EUR, rates: { USD: "1.0845", GBP: "0.8571" } }
//   allocation:
//     - { channel: shopify, account: demo-shop, warehouses: [WH], buffer: 2, sharePercent: 60, priority: 1 }
//     - { channel: ebay, account: main, skus: [MUG-RED], max: 5 }
//   prices:
//     - channel: shopify
//       account: demo-shop
//       currency: USD
//       pricelist: Shopify USD
//       percent: "10"
//       rounding: { mode: charm, endings: ["0.99"] }
//       minPrice: "4.99"
//   kits:
//     - { sku: GIFT-BOX, components: [{ sku: MUG-RED, quantity: 2 }, { sku: TEA-50, quantity: 1 }] }

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** A decimal written as a quoted string ("19.99") or a plain YAML number; kept as exact text. */
const Decimal = z
  .union([z.string(), z.number()])
  .transform((value, ctx) => {
    const text = typeof value === 'number' ? (Number.isFinite(value) ? numberToDecimal(value) : '') : value.trim();
    if (!DECIMAL.test(text)) {
      ctx.addIssue({ code: 'custom', message: `expected a decimal number such as "19.99", got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return text;
  });

const positive = (what: string) => Decimal.refine((t) => !t.startsWith('-') && /[1-9]/.test(t), `${what} must be above 0`);
const nonNegative = (what: string) => Decimal.refine((t) => !t.startsWith('-'), `${what} must not be negative`);
const wholeUnits = (what: string) =>
  z.number({ error: `${what} must be a whole number` }).int(`${what} must be a whole number`).min(0, `${what} must not be negative`);

const Sku = z.string().trim().min(1, 'SKU must not be empty');
const Warehouse = z.string().trim().min(1, 'warehouse must not be empty');

const noDuplicates = (what: string) => (list: readonly string[], ctx: z.RefinementCtx) => {
  const seen = new Set<string>();
  list.forEach((item, i) => {
    if (seen.has(item)) ctx.addIssue({ code: 'custom', path: [i], message: `${what} ${item} is listed twice` });
    seen.add(item);
  });
};

export const AllocationRuleConfig = z
  .strictObject({
    channel: Channel,
    account: AccountName,
    /** Only for these SKUs; overrides the channel account's rule without `skus`. */
    skus: z.array(Sku).min(1, 'skus, when given, must list at least one SKU').superRefine(noDuplicates('SKU')).optional(),
    /** Warehouses (Odoo warehouse codes) that feed the channel, first claimed first; absent = all. */
    warehouses: z.array(Warehouse).min(1, 'warehouses, when given, must list at least one').superRefine(noDuplicates('warehouse')).optional(),
    buffer: wholeUnits('buffer').default(0),
    sharePercent: positive('sharePercent')
      .refine((t) => Number(t) <= 100, 'sharePercent must be at most 100')
      .optional(),
    min: wholeUnits('min').default(0),
    max: wholeUnits('max').optional(),
    priority: z.number().int('priority must be a whole number').min(0, 'priority must not be negative').default(100),
  })
  .superRefine((rule, ctx) => {
    if (rule.max !== undefined && rule.min > rule.max) {
      ctx.addIssue({ code: 'custom', path: ['min'], message: `min (${rule.min}) is above max (${rule.max})` });
    }
  });
export type AllocationRuleConfig = z.infer<typeof AllocationRuleConfig>;

const Direction = z.enum(['nearest', 'up', 'down']);

const RoundingConfig = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('none') }),
  z.strictObject({ mode: Direction, step: positive('rounding step') }),
  z.strictObject({
    mode: z.literal('charm'),
    endings: z.array(nonNegative('charm ending')).min(1, 'charm rounding needs at least one ending, e.g. ["0.99"]'),
    period: positive('charm period').default('1'),
    direction: Direction.default('nearest'),
  }),
], { error: 'rounding mode must be one of none, nearest, up, down, charm' });

export const PriceRuleConfig = z
  .strictObject({
    channel: Channel,
    account: AccountName,
    currency: CurrencyCode,
    /** Odoo pricelist id or name the base price comes from. */
    pricelist: z.union([z.number().int().positive(), z.string().trim().min(1)]).optional(),
    percent: Decimal.refine((t) => Number(t) > -100, 'percent must be above -100 (a markdown cannot reach 100 %)').optional(),
    fixed: Decimal.optional(),
    rounding: RoundingConfig.default({ mode: 'none' }),
    minPrice: positive('minPrice').optional(),
    minMarginPercent: nonNegative('minMarginPercent')
      .refine((t) => Number(t) < 100, 'minMarginPercent must be below 100')
      .optional(),
  })
  .superRefine((rule, ctx) => {
    // Amounts must fit the channel currency's minor unit, or the rounding grid could not be listed.
    const digits = minorDigits(rule.currency);
    const fits = (path: (string | number)[], text: string | undefined) => {
      if (text !== undefined && (text.split('.')[1]?.length ?? 0) > digits) {
        ctx.addIssue({ code: 'custom', path, message: `${text} has more decimals than ${rule.currency} allows (${digits})` });
      }
    };
    fits(['fixed'], rule.fixed);
    fits(['minPrice'], rule.minPrice);
    const r = rule.rounding;
    if (r.mode === 'nearest' || r.mode === 'up' || r.mode === 'down') fits(['rounding', 'step'], r.step);
    if (r.mode === 'charm') {
      fits(['rounding', 'period'], r.period);
      r.endings.forEach((e, i) => {
        fits(['rounding', 'endings', i], e);
        if (Number(e) >= Number(r.period)) {
          ctx.addIssue({ code: 'custom', path: ['rounding', 'endings', i], message: `ending ${e} must be below the period ${r.period}` });
        }
      });
    }
  });
export type PriceRuleConfig = z.infer<typeof PriceRuleConfig>;

export const RateTableConfig = z
  .strictObject({
    base: CurrencyCode,
    /** Units of each currency that one unit of `base` buys. */
    rates: z.record(CurrencyCode, positive('exchange rate')).default({}),
  })
  .superRefine((table, ctx) => {
    const own = table.rates[table.base];
    if (own !== undefined && Number(own) !== 1) {
      ctx.addIssue({ code: 'custom', path: ['rates', table.base], message: `the base currency's rate must be 1, got ${own}` });
    }
  });
export type RateTableConfig = z.infer<typeof RateTableConfig>;

export const KitConfig = z
  .strictObject({
    sku: Sku,
    components: z
      .array(z.strictObject({ sku: Sku, quantity: z.number().int('quantity must be a whole number').min(1, 'quantity must be at least 1') }))
      .min(1, 'a kit needs at least one component'),
  })
  .superRefine((kit, ctx) => {
    const seen = new Set<string>();
    kit.components.forEach((c, i) => {
      if (c.sku === kit.sku) ctx.addIssue({ code: 'custom', path: ['components', i, 'sku'], message: 'a kit cannot contain itself' });
      if (seen.has(c.sku)) ctx.addIssue({ code: 'custom', path: ['components', i, 'sku'], message: `component ${c.sku} is listed twice` });
      seen.add(c.sku);
    });
  });
export type KitConfig = z.infer<typeof KitConfig>;

export const RulesConfig = z
  .strictObject({
    rates: RateTableConfig.optional(),
    allocation: z.array(AllocationRuleConfig).default([]),
    prices: z.array(PriceRuleConfig).default([]),
    kits: z.array(KitConfig).default([]),
  })
  .superRefine((rules, ctx) => {
    const indexed = <T>(list: readonly T[]) => list.map((item, i) => [i, item] as const);
    const sections = { rates: rules.rates, allocation: indexed(rules.allocation), prices: indexed(rules.prices), kits: indexed(rules.kits) };
    for (const issue of crossIssues(sections)) ctx.addIssue({ code: 'custom', ...issue });
  });
export type RulesConfig = z.infer<typeof RulesConfig>;

interface Sections {
  /** null when a rates table is given but invalid: currency checks are then skipped. */
  rates: RateTableConfig | undefined | null;
  allocation: readonly (readonly [number, AllocationRuleConfig])[];
  prices: readonly (readonly [number, PriceRuleConfig])[];
  kits: readonly (readonly [number, KitConfig])[];
}

interface Problem {
  path: (string | number)[];
  message: string;
}

/** Checks across entries; runs on whatever entries are valid, so one broken entry does not hide the rest. */
function crossIssues(rules: Sections): Problem[] {
  const problems: Problem[] = [];
  // Two rules must never apply to the same channel account and SKU.
  const general = new Set<string>();
  const specific = new Map<string, number>();
  for (const [i, rule] of rules.allocation) {
    const key = channelKey(rule.channel, rule.account);
    if (!rule.skus) {
      if (general.has(key)) problems.push({ path: ['allocation', i], message: `a second general allocation rule for ${key}` });
      general.add(key);
      continue;
    }
    for (const sku of rule.skus) {
      const first = specific.get(`${key} ${sku}`);
      if (first !== undefined) problems.push({ path: ['allocation', i, 'skus'], message: `SKU ${sku} already has a rule for ${key} (allocation.${first})` });
      else specific.set(`${key} ${sku}`, i);
    }
  }
  const priced = new Set<string>();
  for (const [i, rule] of rules.prices) {
    const key = channelKey(rule.channel, rule.account);
    if (priced.has(key)) problems.push({ path: ['prices', i], message: `a second price rule for ${key}` });
    priced.add(key);
    if (rules.rates === null) continue;
    if (!rules.rates) {
      problems.push({ path: ['prices', i, 'currency'], message: `${rule.currency} needs a rates table (rules.rates), even if only { base: ${rule.currency} }` });
    } else if (rule.currency !== rules.rates.base && !(rule.currency in rules.rates.rates)) {
      problems.push({ path: ['prices', i, 'currency'], message: `no exchange rate for ${rule.currency} in rates` });
    }
  }
  const kits = new Map<string, number>();
  for (const [i, kit] of rules.kits) {
    if (kits.has(kit.sku)) problems.push({ path: ['kits', i, 'sku'], message: `kit ${kit.sku} is defined twice` });
    else kits.set(kit.sku, i);
  }
  for (const [i, kit] of rules.kits) {
    kit.components.forEach((c, j) => {
      if (kits.has(c.sku)) problems.push({ path: ['kits', i, 'components', j, 'sku'], message: `component ${c.sku} is itself a kit; list its parts instead` });
    });
  }
  return problems;
}

/** The valid entries of a `rules:` value that failed to parse as a whole. */
function validEntries(raw: unknown): Sections {
  const record = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const each = <T>(schema: z.ZodType<T>, value: unknown): (readonly [number, T])[] =>
    Array.isArray(value)
      ? value.flatMap((item, i) => {
          const parsed = schema.safeParse(item);
          return parsed.success ? [[i, parsed.data] as const] : [];
        })
      : [];
  const rates = record.rates === undefined ? undefined : RateTableConfig.safeParse(record.rates);
  return {
    rates: rates === undefined ? undefined : rates.success ? rates.data : null,
    allocation: each(AllocationRuleConfig, record.allocation),
    prices: each(PriceRuleConfig, record.prices),
    kits: each(KitConfig, record.kits),
  };
}

/** The domain form of the rules, ready to pass into workflows. */
export interface Rules {
  allocation: AllocationRule[];
  prices: PriceRule[];
  /** Present whenever there are price rules (the schema insists). */
  rates?: RateTable;
  kits: Record<string, KitComponent[]>;
}

export function toRules(config: RulesConfig): Rules {
  return {
    allocation: config.allocation.map((r) => ({
      channel: r.channel,
      account: r.account,
      ...(r.skus ? { skus: r.skus } : {}),
      ...(r.warehouses ? { warehouses: r.warehouses } : {}),
      buffer: r.buffer,
      ...(r.sharePercent !== undefined ? { sharePercent: r.sharePercent } : {}),
      min: r.min,
      ...(r.max !== undefined ? { max: r.max } : {}),
      priority: r.priority,
    })),
    prices: config.prices.map((r) => ({
      channel: r.channel,
      account: r.account,
      currency: r.currency,
      ...(r.pricelist !== undefined ? { pricelist: r.pricelist } : {}),
      ...(r.percent !== undefined ? { percent: r.percent } : {}),
      ...(r.fixed !== undefined ? { fixed: r.fixed } : {}),
      rounding: toRounding(r.rounding),
      ...(r.minPrice !== undefined ? { minPrice: r.minPrice } : {}),
      ...(r.minMarginPercent !== undefined ? { minMarginPercent: r.minMarginPercent } : {}),
    })),
    ...(config.rates ? { rates: { base: config.rates.base, rates: { ...config.rates.rates } } } : {}),
    kits: Object.fromEntries(config.kits.map((k) => [k.sku, k.components.map((c) => ({ sku: c.sku, quantity: c.quantity }))])),
  };
}

function toRounding(r: PriceRuleConfig['rounding']): Rounding {
  switch (r.mode) {
    case 'none':
      return { mode: 'none' };
    case 'charm':
      return { mode: 'charm', endings: r.endings, period: r.period, direction: r.direction };
    default:
      return { mode: r.mode, step: r.step };
  }
}

export interface CheckRulesInput {
  /** The parsed YAML value of `rules:` (undefined when the section is absent). */
  raw: unknown;
  /** Configured channel accounts ("<channel>/<account>"); rules naming any other are refused. */
  channelKeys?: readonly string[];
}

export type RulesCheck = { ok: true; rules: Rules } | { ok: false; problems: string[] };

/**
 * Validates the `rules:` section without throwing, so the channels loader can list these problems next to
 * its own. Each problem reads "rules.<path>: <message>".
 */
export function checkRulesConfig(input: CheckRulesInput): RulesCheck {
  const parsed = RulesConfig.safeParse(input.raw ?? {});
  const issues: Problem[] = [];
  if (!parsed.success) {
    issues.push(...parsed.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: i.message })));
  }
  // zod skips the cross-entry checks once an entry is malformed: run them on the valid entries as well.
  const sections = validEntries(input.raw ?? {});
  if (!parsed.success) issues.push(...crossIssues(sections));
  if (input.channelKeys) {
    const known = new Set(input.channelKeys);
    for (const section of ['allocation', 'prices'] as const) {
      for (const [i, rule] of sections[section]) {
        const key = channelKey(rule.channel, rule.account);
        if (!known.has(key)) issues.push({ path: [section, i], message: `no channel account ${key} is configured` });
      }
    }
  }
  const lines = [...new Set(issues.map((i) => `${['rules', ...i.path].join('.')}: ${i.message}`))];
  if (!parsed.success || lines.length > 0) return { ok: false, problems: lines };
  return { ok: true, rules: toRules(parsed.data) };
}

/** Validates the `rules:` section and returns the domain rules; throws ConfigError listing every problem. */
export function parseRulesConfig(input: CheckRulesInput & { source?: string }): Rules {
  const result = checkRulesConfig(input);
  if (!result.ok) throw new ConfigError(`${input.source ?? 'channels config'} is invalid:\n${result.problems.map((p) => `  - ${p}`).join('\n')}`);
  return result.rules;
}
