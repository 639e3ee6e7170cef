import { matchNode, parseDomain } from '../../simulators/odoo/domain-eval';

// The simulator's search-domain evaluator (prefix notation, implicit AND).

const rec: Record<string, unknown> = { name: 'Mug White', code: 'MUG_1', qty: 5, partner_id: 7, tag_ids: [1, 2], email: false, date: '2026-03-01 10:00:00' };
const matches = (domain: unknown[]) => matchNode(parseDomain(domain), (path) => rec[path]);

describe('odoo domain evaluation', () => {
  it.each([
    [[['name', '=', 'Mug White']], true],
    [[['name', '!=', 'Mug White']], false],
    [[['email', '=', false]], true],
    [[['email', '!=', false]], false],
    [[['partner_id', 'in', [6, 7]]], true],
    [[['partner_id', 'not in', [7]]], false],
    [[['tag_ids', 'in', [2]]], true],
    [[['tag_ids', '=', 3]], false],
    [[['name', 'ilike', 'mug']], true],
    [[['name', 'not ilike', 'mug']], false],
    [[['name', 'like', 'mug']], false],
    [[['name', '=ilike', 'mug white']], true],
    [[['name', '=ilike', 'mug%']], true],
    [[['code', '=ilike', 'mug\\_1']], true],
    [[['code', '=ilike', 'mugX1']], false],
    [[['code', '=ilike', 'mug_1']], true],
    [[['qty', '>', 4], ['qty', '<=', 5]], true],
    [[['qty', '>=', 6]], false],
    [[['qty', '<', 5]], false],
    [[['date', '>', '2026-03-01 09:59:59']], true],
    [[['email', '>', 'a']], false],
    [['|', ['qty', '=', 1], ['name', '=', 'Mug White']], true],
    [['&', ['qty', '=', 1], ['name', '=', 'Mug White']], false],
    [['!', ['qty', '=', 1]], true],
    [['|', '!', ['qty', '=', 5], '&', ['qty', '=', 5], ['email', '=', false]], true],
    [[], true],
  ])('%j -> %s', (domain, expected) => {
    expect(matches(domain)).toBe(expected);
  });

  it('rejects unknown operators and malformed leaves', () => {
    expect(() => parseDomain([['qty', 'between', [1, 2]]])).toThrow(/Invalid leaf/);
    expect(() => parseDomain([['qty', '=']])).toThrow(/Invalid leaf/);
    expect(() => parseDomain('qty = 1')).toThrow(/Invalid domain/);
  });
});
