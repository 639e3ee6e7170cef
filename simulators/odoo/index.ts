// A stateful Odoo 16/17/18/19 external API on 127.0.0.1: POST /jsonrpc (common/object/db), GET /web/version,
// POST /json/2/<model>/<method> (19 only), and /_admin/ controls (products, stock, delivery validation,
// invoices, faults, sale-order views, records, call log, notifications, state save/load, reset).
export { startOdooSimulator, type OdooSimulator, type OdooSimulatorOptions } from './server';
export { type OdooAdmin } from './admin-client';
export { type SaleOrderView, type StockLevelView, type PartnerView } from './admin';
export { type FaultSettings } from './faults';
export { DEMO_PRODUCTS, DEMO_SKUS, DEMO_SHIPPING_SKU, DEMO_PRICELIST_NAME, DEMO_CURRENCY_PRICELISTS, DEMO_RATES, DEMO_RATE_DATE, type DemoProduct } from './seed';
export { type SimVersion } from './versions';
