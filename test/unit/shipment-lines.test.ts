import { shipmentLinesFor } from '../../domain/shipments';

describe('shipmentLinesFor', () => {
  const orderLines = [
    { lineId: 'a', sku: 'MUG', quantity: 2 },
    { lineId: 'b', sku: 'CAP', quantity: 1 },
    { lineId: 'c', sku: 'MUG', quantity: 3 },
  ];

  it('maps one SKU per line as it is', () => {
    expect(shipmentLinesFor({ orderLines, shipped: [], delivered: [{ sku: 'CAP', quantity: 1 }] })).toEqual([{ lineId: 'b', quantity: 1 }]);
  });

  it('spreads a SKU that sits on two lines over both, first line first', () => {
    expect(shipmentLinesFor({ orderLines, shipped: [], delivered: [{ sku: 'MUG', quantity: 4 }] })).toEqual([
      { lineId: 'a', quantity: 2 },
      { lineId: 'c', quantity: 2 },
    ]);
  });

  it('skips what earlier packages shipped', () => {
    const shipped = [{ lineId: 'a', quantity: 2 }, { lineId: 'c', quantity: 1 }];
    expect(shipmentLinesFor({ orderLines, shipped, delivered: [{ sku: 'MUG', quantity: 2 }] })).toEqual([{ lineId: 'c', quantity: 2 }]);
  });

  it('puts units beyond every remainder on the last line of the SKU, and ignores SKUs not on the order', () => {
    expect(shipmentLinesFor({ orderLines, shipped: [], delivered: [{ sku: 'MUG', quantity: 6 }, { sku: 'NOPE', quantity: 1 }, { sku: 'CAP', quantity: 0 }] })).toEqual([
      { lineId: 'a', quantity: 2 },
      { lineId: 'c', quantity: 4 },
    ]);
  });

  it('adds up two delivery rows of one SKU', () => {
    expect(shipmentLinesFor({ orderLines, shipped: [], delivered: [{ sku: 'MUG', quantity: 1 }, { sku: 'MUG', quantity: 2 }] })).toEqual([
      { lineId: 'a', quantity: 2 },
      { lineId: 'c', quantity: 1 },
    ]);
  });
});
