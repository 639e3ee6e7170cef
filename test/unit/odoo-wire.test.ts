import { classifyOdooError, fromOdooAmount, fromOdooDatetime, odooFieldMap, toOdooAmount, toOdooDatetime } from '../../activities/odoo';
import { percentOf } from '../../activities/odoo/wire';
import { money } from '../../domain';

describe('odoo per-version field map', () => {
  it.each([
    [16, 'tax_id', 'product_uom', 'action_done', { type: 'product' }],
    [17, 'tax_id', 'product_uom', 'action_lock', { type: 'product' }],
    [18, 'tax_id', 'product_uom', 'action_lock', { type: 'consu', is_storable: true }],
    [19, 'tax_ids', 'product_uom_id', 'action_lock', { type: 'consu', is_storable: true }],
  ] as const)('Odoo %i', (version, tax, uom, lock, storable) => {
    const fm = odooFieldMap(version);
    expect(fm.saleLine).toEqual({ tax, uom });
    expect(fm.saleOrder.lockMethod).toBe(lock);
    expect(fm.stockMove.doneQty).toBe(version === 16 ? 'quantity_done' : 'quantity');
    expect(fm.product.storableValues).toEqual(storable);
    expect(fm.product.isStorable(storable)).toBe(true);
    expect(fm.product.isStorable({ type: 'consu', is_storable: false })).toBe(false);
    expect(fm.saleOrder.isLocked(version === 16 ? { state: 'done' } : { state: 'sale', locked: true })).toBe(true);
    expect(fm.saleOrder.isLocked({ state: 'sale', locked: false })).toBe(false);
  });
});

describe('odoo wire conversions', () => {
  it('datetimes: ISO with offset -> naive UTC, and back', () => {
    expect(toOdooDatetime('2026-03-01T10:15:30+02:00')).toBe('2026-03-01 08:15:30');
    expect(toOdooDatetime('2026-03-01T23:59:59.900Z')).toBe('2026-03-01 23:59:59');
    expect(fromOdooDatetime('2026-03-01 08:15:30')).toBe('2026-03-01T08:15:30Z');
    expect(() => toOdooDatetime('yesterday')).toThrow();
  });
  it('money crosses as a float only at the boundary', () => {
    expect(toOdooAmount('19.99')).toBe(19.99);
    expect(fromOdooAmount(17.991, 'USD')).toEqual(money('17.99', 'USD'));
    expect(fromOdooAmount(0.1 + 0.2, 'USD')).toEqual(money('0.30', 'USD'));
    expect(fromOdooAmount(1234.5, 'JPY')).toEqual({ amount: '1235', currency: 'JPY' });
    expect(percentOf('4.00', '39.98')).toBe(10.005);
    expect(percentOf('1', '0')).toBe(0);
  });
});

describe('odoo error classification', () => {
  it.each([
    ['odoo.exceptions.AccessDenied', 200, 'access'],
    ['odoo.exceptions.AccessError', 200, 'access'],
    ['werkzeug.exceptions.Unauthorized', 401, 'access'],
    ['odoo.exceptions.ValidationError', 200, 'business'],
    ['odoo.exceptions.UserError', 422, 'business'],
    ['odoo.exceptions.MissingError', 404, 'business'],
    ['werkzeug.exceptions.NotFound', 404, 'business'],
    ['psycopg2.errors.SerializationFailure', 200, 'transient'],
    ['psycopg2.errors.LockNotAvailable', 500, 'transient'],
    ['psycopg2.errors.DeadlockDetected', 200, 'transient'],
    [undefined, 503, 'transient'],
    [undefined, 502, 'transient'],
    [undefined, 403, 'access'],
    ['builtins.ValueError', 200, 'protocol'],
    [undefined, 400, 'protocol'],
  ] as const)('%s at HTTP %i -> %s', (name, status, kind) => {
    const err = classifyOdooError({ name, message: 'm', status });
    expect(err.kind).toBe(kind);
    expect(err.odooName).toBe(name);
  });
});
