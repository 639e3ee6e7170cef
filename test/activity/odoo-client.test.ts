import { createOdooClient, createOdooOrderOperations, type OdooClient, OdooError, type OdooOperations } from '../../activities/odoo';
import { caught } from '../support/errors';
import { money, ODOO_BINDING_MODULE, odooClientOrderRef, odooOrderBindingName } from '../../domain';
import { DEMO_PRICELIST_NAME, DEMO_SKUS, type OdooSimulator } from '../../simulators/odoo';
import { orderKey, sampleOrder } from '../fixtures/odoo/orders';
import { useOdooSimulator } from '../support/odoo';

// Contract tests: the real client over HTTP against the simulator, once per Odoo version.

describe.each([16, 17, 18, 19] as const)('Odoo %i client contract', (version) => {
  const bed = useOdooSimulator(version);
  let sim: OdooSimulator;
  let client: OdooClient;
  let ops: OdooOperations;
  beforeAll(() => ({ sim, client, ops } = bed));
  afterEach(async () => {
    await sim.admin.clearFaults();
  });

  async function confirmedOrder() {
    const key = orderKey('C');
    const order = sampleOrder(key);
    const customer = await ops.ensureCustomer({ order });
    const ref = await ops.ensureSaleOrder({ key, order, customer });
    return { key, order, ref: await ops.confirmSaleOrder({ saleOrderId: ref.saleOrderId }) };
  }

  it('detects the version once and picks the protocol', async () => {
    expect(await client.version()).toBe(version);
    expect(await client.protocol()).toBe(version >= 19 ? 'json2' : 'jsonrpc');
    const fm = await client.fields();
    expect(fm.saleLine.tax).toBe(version >= 19 ? 'tax_ids' : 'tax_id');
  });

  it('authenticates with the password too on JSON-RPC versions', async () => {
    if (version >= 19) return expect(await caught(createOdooClient({ url: sim.url, database: sim.database, login: sim.login, secret: sim.password, version }).search({ model: 'res.partner', domain: [] }), OdooError)).toMatchObject({ kind: 'access' });
    const byPassword = createOdooClient({ url: sim.url, database: sim.database, login: sim.login, secret: sim.password, version });
    expect(await byPassword.search({ model: 'res.country', domain: [['code', '=', 'US']] })).toHaveLength(1);
  });

  it('finds products by SKU and by barcode, with storable flag and list price', async () => {
    const bySku = await ops.findProductsBySku({ skus: [...DEMO_SKUS, '2000000000048', 'NOPE'] });
    expect(Object.keys(bySku).sort()).toEqual([...DEMO_SKUS, '2000000000048'].sort());
    expect(bySku['2000000000048']).toBe(bySku['CAP-BLACK']);
    expect(bySku.NOPE).toBeUndefined();
    const products = await ops.findProducts({ skus: ['MUG-WHITE'], barcodes: ['2000000000017'] });
    expect(products.map((p) => p.sku).sort()).toEqual(['MUG-WHITE', 'TSHIRT-RED-M']);
    expect(products.every((p) => p.storable)).toBe(true);
    expect(products.find((p) => p.sku === 'MUG-WHITE')?.listPrice).toEqual(money('12.50', 'USD'));
    const shipping = await ops.findProducts({ skus: ['SHIPPING'] });
    expect(shipping[0]?.storable).toBe(false);
  });

  it('ensureCustomer matches by e-mail (any case), else by name and address, and makes child contacts once', async () => {
    const key = orderKey('P');
    const order = sampleOrder(key);
    const first = await ops.ensureCustomer({ order });
    expect(new Set([first.partnerId, first.invoicePartnerId, first.shippingPartnerId]).size).toBe(3);
    const again = await ops.ensureCustomer({ order: { ...order, customer: { ...order.customer, email: order.customer.email!.toUpperCase() } } });
    expect(again).toEqual(first);
    const partners = await sim.admin.records('res.partner');
    const children = partners.filter((p) => Array.isArray(p.parent_id) && p.parent_id[0] === first.partnerId);
    expect(children.map((c) => c.type).sort()).toEqual(['delivery', 'invoice']);

    const anon = sampleOrder(orderKey('P'), { customer: { name: 'No Mail Person' }, billingAddress: undefined });
    const a1 = await ops.ensureCustomer({ order: anon });
    const a2 = await ops.ensureCustomer({ order: anon });
    expect(a2).toEqual(a1);
    expect(a1.invoicePartnerId).toBe(a1.partnerId);
    const moved = await ops.ensureCustomer({ order: { ...anon, shippingAddress: { ...anon.shippingAddress!, street1: '2 Other Street' } } });
    expect(moved.partnerId).not.toBe(a1.partnerId);
  });

  it('ensureSaleOrder creates once, binds it, and finds it again', async () => {
    const key = orderKey('S');
    const order = sampleOrder(key);
    const customer = await ops.ensureCustomer({ order });
    const created = await ops.ensureSaleOrder({ key, order, customer });
    expect(created).toMatchObject({ created: true, state: 'draft', locked: false });
    expect(created.name).toMatch(/^S\d{5}$/);
    const again = await ops.ensureSaleOrder({ key, order, customer });
    expect(again).toMatchObject({ saleOrderId: created.saleOrderId, created: false });
    expect(await ops.findSaleOrder({ key })).toMatchObject({ saleOrderId: created.saleOrderId });
    expect(await ops.findSaleOrder({ key: orderKey('never') })).toBeUndefined();

    const [view] = await sim.admin.saleOrders({ clientOrderRef: odooClientOrderRef(key) });
    expect(view).toBeDefined();
    expect(view!.bindings).toEqual([`${ODOO_BINDING_MODULE}.${odooOrderBindingName(key)}`]);
    expect(view!.partner.id).toBe(customer.partnerId);
    expect(view!.shippingPartner.id).toBe(customer.shippingPartnerId);
    expect(view!.invoicePartner.id).toBe(customer.invoicePartnerId);
    expect(view!.dateOrder).toBe('2026-03-01 08:15:30');
    expect(view!.lines.map((l) => [l.sku, l.quantity, l.priceUnit])).toEqual([
      ['TSHIRT-RED-M', 2, 19.99],
      ['MUG-WHITE', 1, 12.5],
      ['SHIPPING', 1, 5],
    ]);
    // 4.00 off 2 x 19.99 = 10.005 %, kept to 4 decimals; the line total lands on the channel's 35.98.
    expect(view!.lines[0]!.discount).toBeCloseTo(10.005, 4);
    expect(view!.amountTotal).toBeCloseTo(53.48, 2);

    // The version's renamed line fields were the ones written.
    const [line] = (await sim.admin.records('sale.order.line')).filter((l) => Array.isArray(l.order_id) && l.order_id[0] === created.saleOrderId);
    const uomField = version >= 19 ? 'product_uom_id' : 'product_uom';
    expect(line![uomField]).toEqual([1, 'Units']);
    expect(line![version >= 19 ? 'tax_ids' : 'tax_id']).toEqual([]);
    expect(line![version >= 19 ? 'product_uom' : 'product_uom_id']).toBeUndefined();
  });

  it('ensureSaleOrder refuses unknown SKUs by name and creates nothing', async () => {
    const key = orderKey('U');
    const base = sampleOrder(key);
    const order = { ...base, lines: [...base.lines, { ...base.lines[0]!, lineId: 'L9', sku: 'GHOST-1' }, { ...base.lines[0]!, lineId: 'L10', sku: 'GHOST-2' }] };
    const customer = await ops.ensureCustomer({ order });
    const err = await caught(ops.ensureSaleOrder({ key, order, customer }), OdooError);
    expect(err.kind).toBe('business');
    expect(err.message).toContain('GHOST-1');
    expect(err.message).toContain('GHOST-2');
    expect(await sim.admin.saleOrders({ clientOrderRef: odooClientOrderRef(key) })).toEqual([]);
  });

  it('a retry after the answer to create was lost adopts the committed order instead of duplicating it', async () => {
    const key = orderKey('D');
    const order = sampleOrder(key);
    const customer = await ops.ensureCustomer({ order });
    await sim.admin.setFaults({ dropAfterCommit: 1, dropAfterCommitOn: 'sale.order.create' });
    expect((await caught(ops.ensureSaleOrder({ key, order, customer }), OdooError)).kind).toBe('transient');
    const retried = await ops.ensureSaleOrder({ key, order, customer });
    expect(retried.created).toBe(false);
    const views = await sim.admin.saleOrders({ clientOrderRef: odooClientOrderRef(key) });
    expect(views.map((v) => v.id)).toEqual([retried.saleOrderId]);
    expect(views[0]!.bindings).toHaveLength(1);
  });

  it('confirms once, reserving stock and creating the delivery', async () => {
    const before = await ops.readStock({ skus: ['TSHIRT-RED-M'], warehouseCode: 'WH' });
    const { ref } = await confirmedOrder();
    expect(ref.state).toBe('sale');
    const again = await ops.confirmSaleOrder({ saleOrderId: ref.saleOrderId });
    expect(again.state).toBe('sale');
    const after = await ops.readStock({ skus: ['TSHIRT-RED-M'], warehouseCode: 'WH' });
    expect(after[0]!.free).toBe(before[0]!.free - 2);
    expect(after[0]!.onHand).toBe(before[0]!.onHand);
    const deliveries = await ops.readDeliveries({ saleOrderId: ref.saleOrderId });
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ state: 'assigned', trackingRef: undefined });
    // The service line (shipping) is not delivered.
    expect(deliveries[0]!.lines.map((l) => [l.sku, l.quantity])).toEqual([
      ['TSHIRT-RED-M', 2],
      ['MUG-WHITE', 1],
    ]);
  });

  it('reads a validated delivery with its tracking number', async () => {
    const { ref } = await confirmedOrder();
    const before = await ops.readStock({ skus: ['MUG-WHITE'] });
    await sim.admin.validateDelivery({ saleOrderId: ref.saleOrderId, trackingRef: '1Z999AA10123456784', carrier: 'UPS' });
    const [delivery] = await ops.readDeliveries({ saleOrderId: ref.saleOrderId });
    expect(delivery).toMatchObject({ state: 'done', trackingRef: '1Z999AA10123456784', carrier: 'UPS' });
    expect(delivery!.doneAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const after = await ops.readStock({ skus: ['MUG-WHITE'] });
    expect(after[0]!.onHand).toBe(before[0]!.onHand - 1);
    expect(after[0]!.free).toBe(before[0]!.free);
    // Odoo refuses to cancel what was delivered: a business error.
    expect((await caught(ops.cancelSaleOrder({ saleOrderId: ref.saleOrderId }), OdooError)).kind).toBe('business');
  });

  it('cancels (unlocking first), releases the reservation, and stays cancelled', async () => {
    const before = await ops.readStock({ skus: ['CAP-BLACK'] });
    const key = orderKey('X');
    const order = sampleOrder(key, { lines: [{ lineId: 'L1', sku: 'CAP-BLACK', title: 'Cap', quantity: 3, unitPrice: money('15.00', 'USD') }] });
    const customer = await ops.ensureCustomer({ order });
    const ref = await ops.ensureSaleOrder({ key, order, customer });
    await ops.confirmSaleOrder({ saleOrderId: ref.saleOrderId });
    expect((await ops.readStock({ skus: ['CAP-BLACK'] }))[0]!.free).toBe(before[0]!.free - 3);
    const fm = await client.fields();
    await client.call({ model: 'sale.order', method: fm.saleOrder.lockMethod, ids: [ref.saleOrderId] }, (await import('zod')).z.unknown());
    expect((await ops.findSaleOrder({ key }))!.locked).toBe(true);
    const cancelled = await ops.cancelSaleOrder({ saleOrderId: ref.saleOrderId });
    expect(cancelled).toMatchObject({ state: 'cancel', locked: false });
    expect((await ops.readStock({ skus: ['CAP-BLACK'] }))[0]!.free).toBe(before[0]!.free);
    expect((await ops.cancelSaleOrder({ saleOrderId: ref.saleOrderId })).state).toBe('cancel');
    // The binding still finds the cancelled order: a re-run must not create a new one.
    expect(await ops.ensureSaleOrder({ key, order, customer })).toMatchObject({ saleOrderId: ref.saleOrderId, state: 'cancel', created: false });
    expect((await caught(ops.confirmSaleOrder({ saleOrderId: ref.saleOrderId }), OdooError)).kind).toBe('business');
  });

  it('creates one posted credit note per refund reference, by lines and amounts', async () => {
    const { ref } = await confirmedOrder();
    await sim.admin.invoiceOrder({ saleOrderId: ref.saleOrderId });
    const input = {
      saleOrderId: ref.saleOrderId,
      reference: `refund-${ref.saleOrderId}-1`,
      lines: [{ sku: 'MUG-WHITE', quantity: 1, unitPrice: money('12.50', 'USD') }],
      amounts: [{ label: 'Shipping refund', amount: money('5.00', 'USD') }],
    };
    const note = await ops.createCreditNote(input);
    expect(note).toMatchObject({ state: 'posted', created: true, total: money('17.50', 'USD') });
    expect(note.name).toMatch(/^RINV\/\d{4}\/\d{5}$/);
    const again = await ops.createCreditNote(input);
    expect(again).toMatchObject({ creditNoteId: note.creditNoteId, created: false });
    const moves = (await sim.admin.records('account.move')).filter((m) => m.move_type === 'out_refund' && m.ref === input.reference);
    expect(moves).toHaveLength(1);
    expect(moves[0]!.reversed_entry_id).not.toBe(false);
    expect((await caught(ops.createCreditNote({ ...input, reference: 'other', lines: [{ sku: 'NOPE', quantity: 1, unitPrice: money('1', 'USD') }] }), OdooError)).kind).toBe('business');
  });

  it('reads stock per warehouse and prices from list price and a pricelist', async () => {
    await sim.admin.setStock({ sku: 'SOCKS-3PK', quantity: 7 });
    const stock = await ops.readStock({ skus: ['SOCKS-3PK'] });
    expect(stock).toEqual([{ sku: 'SOCKS-3PK', productId: expect.any(Number), warehouse: 'WH', free: 7, onHand: 7 }]);
    expect((await ops.readStock({})).map((s) => s.sku)).toEqual(expect.arrayContaining([...DEMO_SKUS]));
    const prices = await ops.readPrices({ skus: ['MUG-WHITE', 'TSHIRT-RED-M'], pricelist: DEMO_PRICELIST_NAME });
    expect(prices.find((p) => p.sku === 'MUG-WHITE')).toMatchObject({ listPrice: money('12.50', 'USD'), price: money('11.50', 'USD') });
    expect(prices.find((p) => p.sku === 'TSHIRT-RED-M')).toMatchObject({ listPrice: money('19.99', 'USD'), price: money('17.99', 'USD') });
    const plain = await ops.readPrices({ skus: ['CAP-BLACK'] });
    expect(plain[0]).toMatchObject({ listPrice: money('15.00', 'USD'), price: money('15.00', 'USD') });
  });

  /**
   * A poll window that starts after everything written so far: the start of the current second (write_date has
   * whole seconds), then a wait into the next one so that what the test changes next falls after it.
   */
  async function freshWindow(): Promise<string> {
    const since = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
    return since;
  }

  it('lists the SKUs whose stock changed since a moment from quants and moves, which Odoo writes instead of the product', async () => {
    // Reserved before the window: only the validation below falls in it.
    const { ref } = await confirmedOrder();
    const since = await freshWindow();
    await sim.admin.validateDelivery({ saleOrderId: ref.saleOrderId, trackingRef: 'POLL-1' });
    await sim.admin.setStock({ sku: 'CAP-BLACK', quantity: 30 });
    const changed = await ops.stockChangedSince({ since });
    // The validated picking's products and the adjusted one; no other product (TSHIRT-BLUE-L, SOCKS-3PK).
    expect(changed.map((c) => c.sku).sort()).toEqual(['CAP-BLACK', 'MUG-WHITE', 'TSHIRT-RED-M']);
    for (const c of changed) expect(Date.parse(c.changedAt)).toBeGreaterThan(Date.parse(since));
    // Pages of one row find the same SKUs.
    const paged = await createOdooOrderOperations(client, { pollPageSize: 1 }).stockChangedSince({ since });
    expect(paged.map((c) => c.sku).sort()).toEqual(['CAP-BLACK', 'MUG-WHITE', 'TSHIRT-RED-M']);
    // Like Odoo, moving stock does not write the product record.
    expect((await ops.productsChangedSince({ since })).map((c) => c.sku)).toEqual([]);
    expect(await ops.stockChangedSince({ since: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
  });

  it('lists products whose own record was written since a moment (write_date) for a poller', async () => {
    const since = await freshWindow();
    const sku = `POLL-NEW-${version}`;
    await sim.admin.addProducts([{ sku, name: 'Polled', listPrice: 3 }]);
    expect((await ops.productsChangedSince({ since })).map((c) => c.sku)).toEqual([sku]);
    expect(await ops.productsChangedSince({ since: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
  });

  describe('error classes', () => {
    it('access: wrong secret', async () => {
      const bad = createOdooClient({ url: sim.url, database: sim.database, login: sim.login, secret: 'wrong', version: 'auto' });
      expect(await caught(bad.search({ model: 'res.partner', domain: [] }), OdooError)).toMatchObject({ kind: 'access' });
    });
    it('access: AccessError from Odoo', async () => {
      await sim.admin.setFaults({ accessErrors: 1 });
      expect(await caught(ops.findProductsBySku({ skus: ['MUG-WHITE'] }), OdooError)).toMatchObject({ kind: 'access', odooName: 'odoo.exceptions.AccessError' });
    });
    it('business: ValidationError / UserError / MissingError', async () => {
      expect(await caught(client.create({ model: 'res.partner', values: { email: 'x@example.com' } }), OdooError)).toMatchObject({ kind: 'business', odooName: 'odoo.exceptions.ValidationError' });
      expect(await caught(client.write({ model: 'res.partner', ids: [999999], values: { name: 'x' } }), OdooError)).toMatchObject({ kind: 'business', odooName: 'odoo.exceptions.MissingError' });
      expect(await caught(ops.confirmSaleOrder({ saleOrderId: 999999 }), OdooError)).toMatchObject({ kind: 'business' });
    });
    it('transient: serialization failure', async () => {
      await sim.admin.setFaults({ serializationFailures: 1 });
      expect(await caught(ops.readStock({ skus: ['MUG-WHITE'] }), OdooError)).toMatchObject({ kind: 'transient', odooName: 'psycopg2.errors.SerializationFailure' });
      expect(await ops.readStock({ skus: ['MUG-WHITE'] })).toHaveLength(1);
    });
    it('transient: 503 outage and refused connections', async () => {
      await sim.admin.setFaults({ outage: { mode: '503' } });
      expect(await caught(ops.readStock({ skus: ['MUG-WHITE'] }), OdooError)).toMatchObject({ kind: 'transient' });
      await sim.admin.setFaults({ outage: { mode: 'refuse' } });
      expect(await caught(ops.readStock({ skus: ['MUG-WHITE'] }), OdooError)).toMatchObject({ kind: 'transient' });
    });
    it('transient: timeout', async () => {
      const impatient = createOdooClient({ url: sim.url, database: sim.database, login: sim.login, secret: sim.apiKey, version, timeoutMs: 200 });
      await sim.admin.setFaults({ latencyMs: 1500 });
      const err = await caught(impatient.search({ model: 'res.partner', domain: [] }), OdooError);
      expect(err.kind).toBe('transient');
      expect(err.message).toMatch(/timeout|abort/i);
    });
    it('protocol: an answer that is not JSON, or of the wrong shape', async () => {
      await sim.admin.setFaults({ garbage: 1 });
      expect(await caught(ops.readStock({ skus: ['MUG-WHITE'] }), OdooError)).toMatchObject({ kind: 'protocol' });
      const { z } = await import('zod');
      expect(await caught(client.call({ model: 'res.partner', method: 'search', params: { domain: [] } }, z.string()), OdooError)).toMatchObject({ kind: 'protocol' });
    });
  });
});
