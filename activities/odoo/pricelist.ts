import { type Money, minorDigits } from '../../domain/decimal';
import { type Fraction, HALF, HUNDRED, ONE, add, compare, decimal, div, floorDiv, mul, show, sub } from '../../domain/fraction';

// The price of one unit of a product on an Odoo pricelist, computed the way Odoo's product.pricelist.item does
// (_compute_price / _compute_base_price, 16 to 18), from records read over RPC. Pure and zod-free: the activity
// reads, this computes, exactly (Odoo's floats come in as their decimal text).
//
//   rule      the first applicable rule of the pricelist in Odoo's order (applied_on, min_quantity desc,
//             categ_id desc, id desc): its product, template and category (or an ancestor of the product's)
//             match or are empty, date_start <= now <= date_end where set, min_quantity <= 1;
//   base      list price (lst_price), cost (standard_price), or the price on another pricelist, converted from
//             its currency to the pricelist's with Odoo's rates (res.currency.rate) when they differ;
//   price     fixed: fixed_price; percentage: base − percent_price %; formula: base − price_discount %, rounded
//             to a multiple of price_round, + price_surcharge, then kept within base + price_min_margin and
//             base + price_max_margin (each only when set). No rule: the base (list price) converted.
//
// Later releases rename the percentage kinds (compute_price `discount` / `markup`, both on price_discount): they
// are computed like a formula. A kind Odoo has but this does not know, a missing rate, or pricelists based on each
// other give a problem instead of a price: a wrong price on a channel is worse than none.

export interface PricelistRule {
  id: number;
  /** 0_product_variant, 1_product, 2_product_category or 3_global. */
  appliedOn: string;
  productId?: number;
  templateId?: number;
  categoryId?: number;
  /** The category's complete_name ("All / Saleable"): Odoo orders category rules by it. */
  categoryName?: string;
  minQuantity: number;
  /** Naive UTC "YYYY-MM-DD HH:MM:SS", as Odoo stores datetimes; absent when open. */
  dateStart?: string;
  dateEnd?: string;
  /** fixed, percentage or formula (discount / markup in later releases). */
  computePrice: string;
  /** list_price, standard_price or pricelist. */
  base: string;
  basePricelistId?: number;
  /** Decimal text; "0" when Odoo has 0.0 (or the release has no such field). */
  fixedPrice: string;
  percentPrice: string;
  priceDiscount: string;
  priceRound: string;
  priceSurcharge: string;
  priceMinMargin: string;
  priceMaxMargin: string;
}

export interface OdooPricelist {
  id: number;
  name: string;
  currency: string;
  rules: PricelistRule[];
}

export interface PricelistProduct {
  productId: number;
  templateId?: number;
  /** The product's category and all its ancestors. */
  categoryIds: number[];
  /** lst_price (list price with variant extras), decimal text in the company currency. */
  listPrice: string;
  /** standard_price, decimal text in the company currency. */
  cost: string;
}

export interface OdooRates {
  /** The company currency: list price and cost are in it. */
  company: string;
  /**
   * res.currency.rate `rate` per currency (units of it for one unit of the rate-1 currency), the latest dated at
   * or before the pricing date. A currency missing here has no such rate; the company currency then counts as 1.
   */
  rates: Readonly<Record<string, string>>;
}

export interface PricelistPriceInput {
  pricelistId: number;
  /** The pricelist and every pricelist its rules are based on. */
  pricelists: ReadonlyMap<number, OdooPricelist>;
  product: PricelistProduct;
  rates: OdooRates;
  /** Naive UTC "YYYY-MM-DD HH:MM:SS": rule dates are compared with it. */
  now: string;
}

export type PricelistPrice = { price: Money; ruleId?: number } | { problem: string };

class PricelistProblem extends Error {}

/** The pricelist's price for one unit in the pricelist currency (at its minor unit), or why there is none. */
export function pricelistPrice(input: PricelistPriceInput): PricelistPrice {
  const list = input.pricelists.get(input.pricelistId);
  if (!list) return { problem: `pricelist ${input.pricelistId} was not read` };
  try {
    const { value, rule } = priceOn(list, input, []);
    const digits = minorDigits(list.currency);
    return { price: { amount: show(value, digits), currency: list.currency }, ...(rule ? { ruleId: rule.id } : {}) };
  } catch (err) {
    if (err instanceof PricelistProblem) return { problem: err.message };
    throw err;
  }
}

/** The rule Odoo applies to one unit of the product at `now`, if any. */
export function applicableRule(list: OdooPricelist, product: PricelistProduct, now: string): PricelistRule | undefined {
  const fits = (r: PricelistRule) =>
    (r.productId === undefined || r.productId === product.productId) &&
    (r.templateId === undefined || r.templateId === product.templateId) &&
    (r.categoryId === undefined || product.categoryIds.includes(r.categoryId)) &&
    (r.dateStart === undefined || r.dateStart <= now) &&
    (r.dateEnd === undefined || r.dateEnd >= now) &&
    r.minQuantity <= 1;
  return list.rules.filter(fits).sort(odooOrder)[0];
}

// _order = "applied_on, min_quantity desc, categ_id desc, id desc"; categ_id sorts by the category's complete_name
// (PostgreSQL puts empty values first when descending).
function odooOrder(a: PricelistRule, b: PricelistRule): number {
  if (a.appliedOn !== b.appliedOn) return a.appliedOn < b.appliedOn ? -1 : 1;
  if (a.minQuantity !== b.minQuantity) return b.minQuantity - a.minQuantity;
  const an = a.categoryName;
  const bn = b.categoryName;
  if (an !== bn) {
    if (an === undefined) return -1;
    if (bn === undefined) return 1;
    return an > bn ? -1 : 1;
  }
  return b.id - a.id;
}

function priceOn(list: OdooPricelist, input: PricelistPriceInput, path: OdooPricelist[]): { value: Fraction; rule?: PricelistRule } {
  const here = [...path, list];
  if (path.some((p) => p.id === list.id)) throw new PricelistProblem(`pricelists are based on each other: ${here.map((p) => p.name).join(' → ')}`);
  const rule = applicableRule(list, input.product, input.now);
  if (!rule) return { value: basePrice(undefined, list, input, here) };
  const kind = rule.computePrice;
  if (kind === 'fixed') return { value: decimal(rule.fixedPrice), rule };
  const base = basePrice(rule, list, input, here);
  if (kind === 'percentage') return { value: sub(base, mul(base, div(decimal(rule.percentPrice), HUNDRED))), rule };
  if (kind !== 'formula' && kind !== 'discount' && kind !== 'markup') {
    throw new PricelistProblem(`rule ${rule.id} of pricelist ${list.name} computes its price by "${kind}", which channelsync does not compute`);
  }
  let price = sub(base, mul(base, div(decimal(rule.priceDiscount), HUNDRED)));
  const step = decimal(rule.priceRound);
  if (step.n !== 0n) price = roundHalfUp(price, step);
  const surcharge = decimal(rule.priceSurcharge);
  if (surcharge.n !== 0n) price = add(price, surcharge);
  const minMargin = decimal(rule.priceMinMargin);
  if (minMargin.n !== 0n) {
    const low = add(base, minMargin);
    if (compare(price, low) < 0) price = low;
  }
  const maxMargin = decimal(rule.priceMaxMargin);
  if (maxMargin.n !== 0n) {
    const high = add(base, maxMargin);
    if (compare(price, high) > 0) price = high;
  }
  return { value: price, rule };
}

/** _compute_base_price: in the pricelist's currency. */
function basePrice(rule: PricelistRule | undefined, list: OdooPricelist, input: PricelistPriceInput, path: OdooPricelist[]): Fraction {
  let value: Fraction;
  let from: string;
  if (rule?.base === 'pricelist' && rule.basePricelistId !== undefined) {
    const other = input.pricelists.get(rule.basePricelistId);
    if (!other) throw new PricelistProblem(`pricelist ${rule.basePricelistId} (the base of rule ${rule.id} of ${list.name}) was not read`);
    value = priceOn(other, input, path).value;
    from = other.currency;
  } else if (rule?.base === 'standard_price') {
    value = decimal(input.product.cost);
    from = input.rates.company;
  } else {
    value = decimal(input.product.listPrice);
    from = input.rates.company;
  }
  return from === list.currency ? value : div(mul(value, rate(list.currency, input.rates)), rate(from, input.rates));
}

function rate(currency: string, rates: OdooRates): Fraction {
  const text = rates.rates[currency];
  if (text === undefined) {
    if (currency === rates.company) return ONE;
    // Odoo itself would take 1.0 here and price a PKR list in USD figures: refused instead.
    throw new PricelistProblem(`Odoo has no exchange rate for ${currency} dated today or earlier (Accounting > Configuration > Currencies)`);
  }
  const value = decimal(text);
  if (value.n <= 0n) throw new PricelistProblem(`Odoo's exchange rate for ${currency} is ${text}`);
  return value;
}

/** tools.float_round(value, precision_rounding=step): the nearest multiple of step, halves away from zero. */
function roundHalfUp(value: Fraction, step: Fraction): Fraction {
  const unit = step.n < 0n ? { n: -step.n, d: step.d } : step;
  const negative = value.n < 0n;
  const abs = negative ? { n: -value.n, d: value.d } : value;
  const k = floorDiv(add(div(abs, unit), HALF), ONE);
  const rounded = mul({ n: k, d: 1n }, unit);
  return negative ? { n: -rounded.n, d: rounded.d } : rounded;
}
