import { parseOrderFilter } from '../../simulators/ebay/filter';

// The simulator's reading of eBay's getOrders filter grammar.

const NOW = Date.parse('2026-03-01T12:00:00.000Z');

describe('eBay getOrders filter', () => {
  it('reads an open-ended lastmodifieddate range', () => {
    expect(parseOrderFilter('lastmodifieddate:[2026-02-01T00:00:00.000Z..]', NOW)).toEqual({
      ok: true,
      filter: { modifiedFrom: Date.parse('2026-02-01T00:00:00.000Z'), modifiedTo: undefined },
    });
  });

  it('reads a closed range and a fulfilment status set in any order', () => {
    const result = parseOrderFilter('creationdate:[2026-02-01T00:00:00.000Z..2026-02-02T00:00:00.000Z],orderfulfillmentstatus:{IN_PROGRESS|NOT_STARTED}', NOW);
    expect(result).toEqual({
      ok: true,
      filter: {
        creationFrom: Date.parse('2026-02-01T00:00:00.000Z'),
        creationTo: Date.parse('2026-02-02T00:00:00.000Z'),
        fulfillmentStatuses: ['IN_PROGRESS', 'NOT_STARTED'],
      },
    });
  });

  it('uses only creationdate when both date filters are present', () => {
    const result = parseOrderFilter('lastmodifieddate:[2026-02-10T00:00:00.000Z..],creationdate:[2026-02-01T00:00:00.000Z..]', NOW);
    expect(result.ok && result.filter).toEqual({ creationFrom: Date.parse('2026-02-01T00:00:00.000Z'), creationTo: undefined });
  });

  it.each([
    ['status:{PAID}', 30700],
    ['orderfulfillmentstatus:{FULFILLED|NOT_STARTED}', 30800],
    ['lastmodifieddate:[..2026-02-01T00:00:00.000Z]', 30820],
    ['lastmodifieddate:[2026-02-01..]', 30810],
    ['lastmodifieddate:[2026-02-02T00:00:00.000Z..2026-02-01T00:00:00.000Z]', 30840],
    ['lastmodifieddate:[2026-04-01T00:00:00.000Z..]', 30850],
  ])('rejects %s with error %d', (filter, errorId) => {
    expect(parseOrderFilter(filter, NOW)).toMatchObject({ ok: false, errorId });
  });
});
