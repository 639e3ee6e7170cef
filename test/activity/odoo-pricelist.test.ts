import { type Client } from '@temporalio/client';
import { z } from 'zod';
import { createInventoryActivities } from '../../activities/inventory-activities';
import { type OdooClient, type OdooOperations } from '../../activities/odoo';
import { type Rules } from '../../config/rules';
import { applyPriceRule, type PriceRule } from '../../domain';
import { DEMO_RATES, type OdooSimulator } from '../../simulators/odoo';
import { useOdooSimulator } from '../support/odoo';

// Prices as Odoo computes them for a pricelist in another currency than the company's (USD): the list price
// converted with Odoo's own rates (res.currency.rate), the pricelist's rules, and the cost (standard_price) a
// margin floor keeps above. The simulator holds the records; the client reads them over HTTP.

const Id = z.object({ id: z.number().int() });
const today = () => new Date().toISOString().slice(0, 10);
const dayFrom = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe.each([16, 17, 18, 19] as const)('Odoo %i pricelist prices', (version) => {
  const bed = useOdooSimulator(version);
  let sim: OdooSimulator;
  let client: OdooClient;
  let ops: OdooOperations;
  beforeAll(() => ({ sim, client, ops } = bed));

  const idOf = async (model: string, domain: unknown[]) => (await client.searchRead({ model, domain, fields: ['id'], limit: 1, context: { active_test: false } }, Id))[0]!.id;
  const productId = (sku: string) => idOf('product.product', [['default_code', '=', sku]]);
  const currencyId = (name: string) => idOf('res.currency', [['name', '=', name]]);
  const companyId = () => idOf('res.company', []);

  it('converts the USD list price into a PKR pricelist with Odoo\'s rate, not a USD figure labelled PKR', async () => {
    expect(DEMO_RATES.PKR).toBe(278.5);
    const prices = await ops.readPrices({ skus: ['TSHIRT-RED-M', 'MUG-WHITE'], pricelist: 'Daraz (PKR)' });
    // 19.99 × 278.5 = 5567.215 → 5567.22; 12.50 × 278.5 = 3481.25.
    expect(prices.find((p) => p.sku === 'TSHIRT-RED-M')).toMatchObject({
      listPrice: { amount: '19.99', currency: 'USD' },
      price: { amount: '5567.22', currency: 'PKR' },
    });
    expect(prices.find((p) => p.sku === 'MUG-WHITE')?.price).toEqual({ amount: '3481.25', currency: 'PKR' });
  });

  it('takes the latest rate dated today or earlier, the company\'s before one shared by all companies', async () => {
    const aed = await currencyId('AED');
    const company = await companyId();
    const price = async () => (await ops.readPrices({ skus: ['TSHIRT-RED-M'], pricelist: 'noon (AED)' }))[0]!.price;
    // Demo: 3.6725 (company, 2024-01-01) → 19.99 × 3.6725 = 73.413275.
    expect(await price()).toEqual({ amount: '73.41', currency: 'AED' });
    await client.create({ model: 'res.currency.rate', values: { name: dayFrom(-1), rate: 4, currency_id: aed, company_id: false } });
    expect(await price()).toEqual({ amount: '73.41', currency: 'AED' });
    await client.create({ model: 'res.currency.rate', values: { name: dayFrom(1), rate: 5, currency_id: aed, company_id: company } });
    expect(await price()).toEqual({ amount: '73.41', currency: 'AED' });
    await client.create({ model: 'res.currency.rate', values: { name: today(), rate: 3.7, currency_id: aed, company_id: company } });
    // 19.99 × 3.7 = 73.963.
    expect(await price()).toEqual({ amount: '73.96', currency: 'AED' });
  });

  it('applies the pricelist\'s rules as Odoo does: category formula on cost, percentage, dates', async () => {
    const eur = await currencyId('EUR');
    await client.create({ model: 'res.currency.rate', values: { name: '2024-06-01', rate: 0.92, currency_id: eur, company_id: await companyId() } });
    const all = await idOf('product.category', [['name', '=', 'All']]);
    const drinkware = await client.create({ model: 'product.category', values: { name: 'Drinkware', parent_id: all } });
    const mug = await productId('MUG-WHITE');
    await client.write({ model: 'product.product', ids: [mug], values: { categ_id: drinkware, standard_price: 6 } });
    const [shirt] = await client.searchRead(
      { model: 'product.product', domain: [['default_code', '=', 'TSHIRT-RED-M']], fields: ['product_tmpl_id'] },
      z.object({ id: z.number(), product_tmpl_id: z.tuple([z.number(), z.string()]) }),
    );
    await client.create({
      model: 'product.pricelist',
      values: {
        name: 'Wholesale EUR',
        currency_id: eur,
        item_ids: [
          [0, 0, { applied_on: '3_global', compute_price: 'percentage', percent_price: 5 }],
          [0, 0, { applied_on: '2_product_category', categ_id: drinkware, compute_price: 'formula', base: 'standard_price', price_discount: -50, price_round: 0.5 }],
          // Over: never applies again.
          [0, 0, { applied_on: '1_product', product_tmpl_id: shirt!.product_tmpl_id[0], compute_price: 'fixed', fixed_price: 1, date_start: '2024-01-01 00:00:00', date_end: '2024-12-31 23:59:59' }],
        ],
      },
    });
    const prices = await ops.readPrices({ skus: ['MUG-WHITE', 'TSHIRT-RED-M'], pricelist: 'Wholesale EUR' });
    // Mug (Drinkware): cost 6 USD = 5.52 EUR, +50 % = 8.28, to a multiple of 0.5 = 8.50.
    expect(prices.find((p) => p.sku === 'MUG-WHITE')?.price).toEqual({ amount: '8.50', currency: 'EUR' });
    // T-shirt (All): 19.99 USD = 18.3908 EUR, −5 % = 17.47126.
    expect(prices.find((p) => p.sku === 'TSHIRT-RED-M')?.price).toEqual({ amount: '17.47', currency: 'EUR' });
  });

  it('names the problem, and gives no price, for a pricelist whose currency has no rate in Odoo', async () => {
    await client.create({ model: 'product.pricelist', values: { name: 'Saudi (SAR)', currency_id: await currencyId('SAR') } });
    const [row] = await ops.readPrices({ skus: ['SOCKS-3PK'], pricelist: 'Saudi (SAR)' });
    expect(row!.price).toBeUndefined();
    expect(row!.problem).toBe('pricelist Saudi (SAR): Odoo has no exchange rate for SAR dated today or earlier (Accounting > Configuration > Currencies)');
    expect(row!.listPrice).toEqual({ amount: '9.90', currency: 'USD' });
  });

  it('reads standard_price with the prices (one product read) and a margin rule floors on it', async () => {
    const cap = await productId('CAP-BLACK');
    // More decimals than USD has: the cost stays exact.
    await client.write({ model: 'product.product', ids: [cap], values: { standard_price: 9.375 } });
    const margin: PriceRule = {
      channel: 'shopify',
      account: 'us',
      currency: 'USD',
      rounding: { mode: 'charm', endings: ['0.99'], period: '1', direction: 'nearest' },
      minMarginPercent: '50',
    };
    const daraz: PriceRule = { channel: 'daraz', account: 'pk', currency: 'PKR', pricelist: 'Daraz (PKR)', rounding: { mode: 'none' } };
    const rules: Rules = { allocation: [], prices: [margin, daraz], rates: { base: 'USD', rates: { PKR: '278.5' } }, kits: {} };
    const activities = createInventoryActivities({
      client: {} as Client,
      taskQueue: 'unused',
      pushTaskQueue: 'unused',
      odoo: ops,
      rules,
      adapters: { get: () => undefined, all: () => [] },
    });
    const before = (await sim.admin.calls()).length;
    const [reading] = await activities.readOdooInventory({ skus: ['CAP-BLACK'] });
    const productReads = (await sim.admin.calls()).slice(before).filter((c) => c.model === 'product.product');
    // readStock (one per warehouse) and one read per pricelist key: the cost comes with the prices.
    expect(productReads).toHaveLength(3);
    expect(reading!.prices).toMatchObject({
      sku: 'CAP-BLACK',
      prices: { '': { amount: '15.00', currency: 'USD' }, 'Daraz (PKR)': { amount: '4177.50', currency: 'PKR' } },
      cost: { amount: '9.375', currency: 'USD' },
    });
    // What the workflow does with it: 15.00 → .99 nearest 14.99, below cost / (1 − 50 %) = 18.75 → 18.99.
    const { prices, cost } = reading!.prices;
    expect(applyPriceRule({ base: prices['']!, rule: margin, rates: rules.rates!, ...(cost ? { cost } : {}) })).toEqual({ amount: '18.99', currency: 'USD' });
    // The Daraz channel lists the PKR pricelist price as Odoo has it.
    expect(applyPriceRule({ base: prices['Daraz (PKR)']!, rule: daraz, rates: rules.rates! })).toEqual({ amount: '4177.50', currency: 'PKR' });
  });
});
