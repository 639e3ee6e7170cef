import { userError } from './errors';
import { createRecord, type Env } from './orm';
import { setOnHand } from './models/stock';

// Base data every database has, and the `demo` catalogue.

export interface DemoProduct {
  sku: string;
  name: string;
  barcode: string;
  listPrice: number;
  quantity: number;
}

/** The demo catalogue (all storable, in warehouse WH) plus the SHIPPING service product. */
export const DEMO_PRODUCTS: readonly DemoProduct[] = [
  { sku: 'TSHIRT-RED-M', name: 'T-Shirt Red M', barcode: '2000000000017', listPrice: 19.99, quantity: 50 },
  { sku: 'TSHIRT-BLUE-L', name: 'T-Shirt Blue L', barcode: '2000000000024', listPrice: 19.99, quantity: 40 },
  { sku: 'MUG-WHITE', name: 'Mug White', barcode: '2000000000031', listPrice: 12.5, quantity: 100 },
  { sku: 'CAP-BLACK', name: 'Cap Black', barcode: '2000000000048', listPrice: 15, quantity: 25 },
  { sku: 'SOCKS-3PK', name: 'Socks 3-Pack', barcode: '2000000000055', listPrice: 9.9, quantity: 5 },
];
export const DEMO_SKUS: readonly string[] = DEMO_PRODUCTS.map((p) => p.sku);
/** Service product the demo seed adds for shipping charges. */
export const DEMO_SHIPPING_SKU = 'SHIPPING';
/** Demo pricelist: MUG-WHITE fixed at 11.50, everything else 10% off list price. */
export const DEMO_PRICELIST_NAME = 'Marketplace';
/**
 * Demo pricelists in the demo's channel currencies (Daraz PKR, noon AED): orders in them are booked in that currency,
 * and their prices are the USD list price at the demo's rate (res.currency.rate, dated DEMO_RATE_DATE).
 */
export const DEMO_CURRENCY_PRICELISTS: readonly { name: string; currency: string }[] = [
  { name: 'Daraz (PKR)', currency: 'PKR' },
  { name: 'noon (AED)', currency: 'AED' },
];

/** Units of each demo currency for 1 USD (the company currency), from DEMO_RATE_DATE on. */
export const DEMO_RATES: Readonly<Record<string, number>> = { PKR: 278.5, AED: 3.6725 };
export const DEMO_RATE_DATE = '2024-01-01';

const COUNTRIES: [string, string][] = [
  ['US', 'United States'], ['GB', 'United Kingdom'], ['DE', 'Germany'], ['FR', 'France'], ['NL', 'Netherlands'],
  ['CA', 'Canada'], ['AU', 'Australia'], ['AE', 'United Arab Emirates'], ['SA', 'Saudi Arabia'], ['EG', 'Egypt'],
  ['PK', 'Pakistan'], ['BD', 'Bangladesh'], ['LK', 'Sri Lanka'], ['NP', 'Nepal'], ['MM', 'Myanmar'], ['IN', 'India'],
];

export function seedBase(env: Env, logins: string[]): void {
  const usd = createRecord(env, 'res.currency', { name: 'USD', symbol: '$', decimal_places: 2 });
  // Odoo ships most currencies archived; an operator activates the ones the company trades in.
  const currencies: [string, string, boolean][] = [
    ['EUR', '€', true], ['GBP', '£', true], ['AED', 'AED', true], ['SAR', 'SAR', true], ['PKR', 'Rs', true], ['BDT', '৳', true],
    ['EGP', 'E£', false], ['LKR', 'Rs', false], ['NPR', 'Rs', false],
  ];
  for (const [name, symbol, active] of currencies) createRecord(env, 'res.currency', { name, symbol, decimal_places: 2, active });
  for (const [code, name] of COUNTRIES) createRecord(env, 'res.country', { code, name });
  createRecord(env, 'res.company', { name: 'My Company', currency_id: usd });
  createRecord(env, 'res.users', { name: 'OdooBot', login: '__system__' });
  for (const login of logins) createRecord(env, 'res.users', { name: login, login });
  createRecord(env, 'uom.uom', { name: 'Units' });
  // Odoo's product.product_category_all: the default category of every product.
  createRecord(env, 'product.category', { name: 'All' });
  createRecord(env, 'account.tax', { name: '15%', amount: 15 });
  createRecord(env, 'stock.location', { name: 'Partners', usage: 'view' });
  createRecord(env, 'stock.location', { name: 'Customers', usage: 'customer', location_id: 1 });
  createRecord(env, 'stock.location', { name: 'Inventory adjustment', usage: 'inventory' });
  const whView = createRecord(env, 'stock.location', { name: 'WH', usage: 'view' });
  const whStock = createRecord(env, 'stock.location', { name: 'Stock', usage: 'internal', location_id: whView });
  createRecord(env, 'stock.warehouse', { name: 'My Warehouse', code: 'WH', lot_stock_id: whStock, company_id: 1 });
  // Odoo's "Virtual Locations/Scrap", the default destination of stock.scrap.
  createRecord(env, 'stock.location', { name: 'Scrap', usage: 'inventory', scrap_location: true });
  createRecord(env, 'delivery.carrier', { name: 'Standard Delivery' });
}

export interface NewProduct {
  sku: string;
  name: string;
  barcode?: string;
  listPrice: number;
  storable?: boolean;
  quantity?: number;
  warehouse?: string;
}

export function warehouseStock(env: Env, code = 'WH'): number {
  const wh = env.store.all('stock.warehouse').find((w) => w.code === code);
  if (!wh) throw userError(`No warehouse with code ${code}`);
  return wh.lot_stock_id as number;
}

/** Creates template + variant with the version's storable flag, and sets on-hand stock. */
export function addProduct(env: Env, p: NewProduct): { productId: number; templateId: number } {
  const storable = p.storable ?? true;
  const flag =
    env.profile.storableFlag === 'is_storable' ? { type: 'consu', is_storable: storable } : { type: storable ? 'product' : 'consu' };
  const templateId = createRecord(env, 'product.template', { name: p.name, list_price: p.listPrice, ...flag });
  const variant = env.store.all('product.product').find((v) => v.product_tmpl_id === templateId)!;
  variant.default_code = p.sku;
  variant.barcode = p.barcode ?? false;
  if (storable && p.quantity !== undefined) setOnHand(env, variant.id, warehouseStock(env, p.warehouse), p.quantity);
  return { productId: variant.id, templateId };
}

export function seedDemo(env: Env): void {
  const ids = DEMO_PRODUCTS.map((p) => addProduct(env, { ...p, storable: true }));
  const shipping = createRecord(env, 'product.template', { name: 'Shipping', list_price: 0, type: 'service' });
  const shippingVariant = env.store.all('product.product').find((v) => v.product_tmpl_id === shipping)!;
  shippingVariant.default_code = DEMO_SHIPPING_SKU;
  const mug = ids[2]!;
  createRecord(env, 'product.pricelist', {
    name: DEMO_PRICELIST_NAME,
    item_ids: [
      [0, 0, { applied_on: '0_product_variant', product_id: mug.productId, compute_price: 'fixed', fixed_price: 11.5 }],
      [0, 0, { applied_on: '3_global', compute_price: 'percentage', percent_price: 10 }],
    ],
  });
  for (const list of DEMO_CURRENCY_PRICELISTS) addPricelist(env, list);
  const company = env.store.all('res.company')[0]?.id ?? false;
  for (const [name, rate] of Object.entries(DEMO_RATES)) {
    const currency = env.store.all('res.currency').find((c) => c.name === name)!;
    createRecord(env, 'res.currency.rate', { name: DEMO_RATE_DATE, rate, currency_id: currency.id, company_id: company });
  }
}

/** A pricelist (no rules) in an existing currency, as an operator creates it in Sales > Products > Pricelists. */
export function addPricelist(env: Env, input: { name: string; currency: string }): number {
  const currency = env.store.all('res.currency').find((c) => c.name === input.currency);
  if (!currency) throw userError(`No currency ${input.currency}`);
  return createRecord(env, 'product.pricelist', { name: input.name, currency_id: currency.id });
}
