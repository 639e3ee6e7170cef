import { EbayStore, pacificDay } from '../../simulators/ebay/store';

// The eBay simulator's clock: modification stamps and the Pacific day its quotas count in.

describe('eBay simulator clock', () => {
  it('never stamps a change ahead of the clock, and stamps never go back', () => {
    const store = new EbayStore(100);
    let previous = '';
    // Many changes within a few milliseconds, as when a test creates orders in a loop.
    for (let i = 0; i < 2000; i++) {
      const stamp = store.stamp();
      expect(Date.parse(stamp)).toBeLessThanOrEqual(Date.now());
      expect(stamp >= previous).toBe(true);
      previous = stamp;
    }
  });

  it('counts quotas by the day in Los Angeles, not the UTC day', () => {
    expect(pacificDay(Date.parse('2026-11-27T01:30:00.000Z'))).toBe('2026-11-26');
    expect(pacificDay(Date.parse('2026-11-27T07:59:59.999Z'))).toBe('2026-11-26');
    expect(pacificDay(Date.parse('2026-11-27T08:00:00.000Z'))).toBe('2026-11-27');
    expect(pacificDay(Date.parse('2026-07-01T06:59:59.999Z'))).toBe('2026-06-30');
    expect(pacificDay(Date.parse('2026-07-01T07:00:00.000Z'))).toBe('2026-07-01');
  });
});
