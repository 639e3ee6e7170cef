import { type Channel } from './channels';
import { type Money, minorDigits } from './decimal';
import { type Fraction, ONE, HALF, HUNDRED, decimal, add, sub, mul, div, compare, floorDiv, show } from './fraction';

// Per-channel price rules as pure functions. All arithmetic is on exact fractions of big integers; the
// only rounding is the rule's own rounding step (and, for mode `none`, the currency's minor unit).
//
// Order of operations:
//   1. convert  the Odoo price (and cost) into the channel currency with the rate table;
//   2. adjust   by percent (markup "10", markdown "-15"), then add the fixed amount (channel currency);
//   3. round    with the rule's rounding (none / nearest / up / down to a step, or charm endings);
//   4. floor    if the rounded price is below the minimum price or the minimum margin over cost, the price
//               becomes the smallest price on the rounding grid that is at or above that floor.
// A rule that still ends at zero or below throws: listing an item for nothing is never what was meant. So does a
// margin rule without a cost above 0 (Odoo's standard_price unset): the margin cannot be checked.

export type RoundingDirection = 'nearest' | 'up' | 'down';

export type Rounding =
  | { mode: 'none' }
  /** To a multiple of `step` ("0.05", "1", "10"). Half-way rounds up. */
  | { mode: RoundingDirection; step: string }
  /**
   * Charm prices: the price ends in one of `endings` within each `period`, e.g. endings ["0.99"] with
   * period "1" gives 18.99, 19.99...; endings ["9.99"] with period "10" gives 19.99, 29.99...
   * `direction` picks the candidate below, above or nearest (ties go up).
   */
  | { mode: 'charm'; endings: readonly string[]; period: string; direction: RoundingDirection };

export interface PriceRule {
  channel: Channel;
  account: string;
  /** The channel's currency; prices are converted into it. */
  currency: string;
  /** Odoo pricelist (id or name) the base price is read from; absent = the product's list price. */
  pricelist?: number | string;
  /** Percent change: "10" is a 10 % markup, "-15" a 15 % markdown (above -100). */
  percent?: string;
  /** Added after the percent change, in the channel currency; may be negative. */
  fixed?: string;
  rounding: Rounding;
  /** Lowest price allowed, in the channel currency. */
  minPrice?: string;
  /**
   * Lowest gross margin allowed, as a percent of the selling price: (price − cost) / price >= this. The cost is
   * Odoo's standard_price; without one above 0 the channel gets no price.
   */
  minMarginPercent?: string;
}

/** Exchange rates: 1 unit of `base` buys `rates[c]` units of currency c. */
export interface RateTable {
  base: string;
  rates: Readonly<Record<string, string>>;
}

export interface ApplyPriceRuleInput {
  /** Odoo list price or pricelist price, in the Odoo currency. */
  base: Money;
  rule: PriceRule;
  rates: RateTable;
  /** Odoo cost of one unit (standard_price, company currency); minMarginPercent needs one above 0. */
  cost?: Money;
}

/** Each step of the calculation, as exact decimal text in the channel currency. */
export interface PriceSteps {
  converted: string;
  adjusted: string;
  rounded: string;
  /** The floor that applied (absent when there is none). */
  floor?: string;
  final: Money;
}

/** The price to list on the channel, in the channel currency. */
export function applyPriceRule(input: ApplyPriceRuleInput): Money {
  return priceSteps(input).final;
}

export function priceSteps(input: ApplyPriceRuleInput): PriceSteps {
  const { rule, rates } = input;
  const digits = minorDigits(rule.currency);
  checkRule(rule, digits);
  const converted = convert(decimal(input.base.amount), input.base.currency, rule.currency, rates);
  let adjusted = converted;
  if (rule.percent !== undefined) adjusted = mul(adjusted, add(ONE, div(decimal(rule.percent), HUNDRED)));
  if (rule.fixed !== undefined) adjusted = add(adjusted, decimal(rule.fixed));
  const rounded = roundPrice(adjusted, rule.rounding, digits);

  let floor: Fraction | undefined;
  if (rule.minPrice !== undefined) floor = decimal(rule.minPrice);
  if (rule.minMarginPercent !== undefined) {
    // No cost, no margin to keep: the channel gets no price rather than one that may sell at a loss.
    const where = `price rule ${rule.channel}/${rule.account} has minMarginPercent ${rule.minMarginPercent}`;
    if (!input.cost) throw new RangeError(`${where} but no cost was given (Odoo's standard_price): no price until there is one`);
    if (decimal(input.cost.amount).n <= 0n) {
      throw new RangeError(`${where} but the cost is ${input.cost.amount} ${input.cost.currency} (Odoo's standard_price is not set): no price until it is`);
    }
    const cost = convert(decimal(input.cost.amount), input.cost.currency, rule.currency, rates);
    // price >= cost / (1 − m/100)
    const byMargin = div(cost, sub(ONE, div(decimal(rule.minMarginPercent), HUNDRED)));
    if (!floor || compare(byMargin, floor) > 0) floor = byMargin;
  }
  let final = rounded;
  if (floor && compare(rounded, floor) < 0) final = roundPrice(floor, rule.rounding, digits, 'up');
  if (final.n <= 0n) {
    throw new RangeError(`price rule ${rule.channel}/${rule.account} gives ${show(final, digits)} ${rule.currency} for ${input.base.amount} ${input.base.currency}`);
  }
  return {
    converted: show(converted, Math.max(digits, 6)),
    adjusted: show(adjusted, Math.max(digits, 6)),
    rounded: show(rounded, digits),
    ...(floor ? { floor: show(floor, Math.max(digits, 6)) } : {}),
    final: { amount: show(final, digits), currency: rule.currency },
  };
}

/** `amount` from one currency into another, exact; throws when a rate is missing. */
export function convertAmount(input: { amount: string; from: string; to: string; rates: RateTable; digits?: number }): string {
  const value = convert(decimal(input.amount), input.from, input.to, input.rates);
  return show(value, input.digits ?? minorDigits(input.to));
}

function convert(value: Fraction, from: string, to: string, rates: RateTable): Fraction {
  if (from === to) return value;
  return div(mul(value, rateOf(to, rates)), rateOf(from, rates));
}

function rateOf(currency: string, rates: RateTable): Fraction {
  if (currency === rates.base) return ONE;
  const text = rates.rates[currency];
  if (text === undefined) throw new RangeError(`no exchange rate for ${currency} (base ${rates.base})`);
  const rate = decimal(text);
  if (rate.n <= 0n) throw new RangeError(`exchange rate for ${currency} must be above 0, got ${text}`);
  return rate;
}

function roundPrice(value: Fraction, rounding: Rounding, digits: number, force?: 'up'): Fraction {
  const unit: Fraction = { n: 1n, d: 10n ** BigInt(digits) };
  switch (rounding.mode) {
    case 'none':
      return toMultiple(value, unit, force ?? 'nearest');
    case 'nearest':
    case 'up':
    case 'down':
      return toMultiple(value, decimal(rounding.step), force ?? rounding.mode);
    case 'charm':
      return charm(value, rounding, force ?? rounding.direction);
  }
}

function charm(value: Fraction, rounding: Extract<Rounding, { mode: 'charm' }>, direction: RoundingDirection): Fraction {
  const period = decimal(rounding.period);
  const below: Fraction[] = [];
  const above: Fraction[] = [];
  for (const text of rounding.endings) {
    const ending = decimal(text);
    // Largest k·period + ending that is <= value, and the next one up.
    const k = floorDiv(sub(value, ending), period);
    const down = add(mul({ n: k, d: 1n }, period), ending);
    below.push(down);
    above.push(compare(down, value) === 0 ? down : add(down, period));
  }
  const lowestAbove = above.reduce((a, b) => (compare(a, b) <= 0 ? a : b));
  const positiveBelow = below.filter((c) => c.n > 0n);
  if (direction === 'up' || positiveBelow.length === 0) return lowestAbove;
  const highestBelow = positiveBelow.reduce((a, b) => (compare(a, b) >= 0 ? a : b));
  if (direction === 'down') return highestBelow;
  return compare(sub(value, highestBelow), sub(lowestAbove, value)) < 0 ? highestBelow : lowestAbove;
}

function toMultiple(value: Fraction, step: Fraction, direction: RoundingDirection): Fraction {
  const ratio = div(value, step);
  let k = floorDiv(value, step);
  const exact = compare(mul({ n: k, d: 1n }, step), value) === 0;
  if (!exact) {
    if (direction === 'up') k += 1n;
    else if (direction === 'nearest' && compare(sub(ratio, { n: k, d: 1n }), HALF) >= 0) k += 1n;
  }
  return mul({ n: k, d: 1n }, step);
}

function checkRule(rule: PriceRule, digits: number): void {
  const where = `price rule ${rule.channel}/${rule.account}`;
  const fitsCurrency = (name: string, text: string): void => {
    if ((text.split('.')[1]?.length ?? 0) > digits) {
      throw new RangeError(`${where}: ${name} ${text} has more decimals than ${rule.currency} allows (${digits})`);
    }
  };
  if (rule.percent !== undefined && compare(decimal(rule.percent), { n: -100n, d: 1n }) <= 0) {
    throw new RangeError(`${where}: percent must be above -100, got ${rule.percent}`);
  }
  if (rule.minMarginPercent !== undefined) {
    const m = decimal(rule.minMarginPercent);
    if (m.n < 0n || compare(m, HUNDRED) >= 0) throw new RangeError(`${where}: minMarginPercent must be in [0, 100), got ${rule.minMarginPercent}`);
  }
  const r = rule.rounding;
  if (r.mode === 'nearest' || r.mode === 'up' || r.mode === 'down') {
    if (decimal(r.step).n <= 0n) throw new RangeError(`${where}: rounding step must be above 0`);
    fitsCurrency('rounding step', r.step);
  }
  if (r.mode === 'charm') {
    const period = decimal(r.period);
    if (period.n <= 0n) throw new RangeError(`${where}: charm period must be above 0`);
    fitsCurrency('charm period', r.period);
    if (r.endings.length === 0) throw new RangeError(`${where}: charm rounding needs at least one ending`);
    for (const e of r.endings) {
      fitsCurrency('charm ending', e);
      const ending = decimal(e);
      if (ending.n < 0n || compare(ending, period) >= 0) throw new RangeError(`${where}: charm ending ${e} must be in [0, ${r.period})`);
    }
  }
}
