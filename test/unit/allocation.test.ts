import {
  type AllocationRule,
  allocate,
  channelKey,
  computeTargets,
  kitComponentDemand,
  kitFreeByWarehouse,
  rulesForSku,
} from '../../domain/allocation';
import { type Channel } from '../../domain';

function rule(channel: Channel, account: string, extra: Partial<AllocationRule> = {}): AllocationRule {
  return { channel, account, buffer: 0, min: 0, priority: 100, ...extra };
}

const FOUR = [rule('shopify', 'shop'), rule('amazon', 'eu'), rule('ebay', 'main'), rule('woocommerce', 'web')];
const sum = (values: Record<string, number>): number => Object.values(values).reduce((a, b) => a + b, 0);

describe('computeTargets: shares of one warehouse', () => {
  it('splits scarce stock fairly between channels of equal priority, never more than there is', () => {
    const targets = computeTargets({ sku: 'MUG', freeByWarehouse: { WH: 10 }, pendingByChannel: {}, rules: FOUR });
    expect(targets).toEqual({ 'amazon/eu': 3, 'ebay/main': 3, 'shopify/shop': 2, 'woocommerce/web': 2 });
    expect(sum(targets)).toBe(10);
  });

  it('shows 0 everywhere when there is no stock, whatever min says', () => {
    const rules = FOUR.map((r) => ({ ...r, min: 5 }));
    const cases: Record<string, number>[] = [{}, { WH: 0 }, { WH: -4 }, { WH: 0.7 }];
    for (const free of cases) {
      expect(sum(computeTargets({ sku: 'MUG', freeByWarehouse: free, pendingByChannel: {}, rules }))).toBe(0);
    }
  });

  it('reads fractional Odoo quantities conservatively: free rounds down, pending rounds up', () => {
    const one = [rule('shopify', 'shop')];
    expect(computeTargets({ sku: 'X', freeByWarehouse: { WH: 4.9 }, pendingByChannel: {}, rules: one })).toEqual({ 'shopify/shop': 4 });
    expect(computeTargets({ sku: 'X', freeByWarehouse: { WH: 5 }, pendingByChannel: { 'shopify/shop': 1.2 }, rules: one })).toEqual({ 'shopify/shop': 3 });
    expect(computeTargets({ sku: 'X', freeByWarehouse: { WH: 5 }, pendingByChannel: { 'shopify/shop': -3 }, rules: one })).toEqual({ 'shopify/shop': 5 });
  });

  it('refuses non-finite quantities', () => {
    expect(() => computeTargets({ sku: 'X', freeByWarehouse: { WH: Number.NaN }, pendingByChannel: {}, rules: FOUR })).toThrow(RangeError);
    expect(() => computeTargets({ sku: 'X', freeByWarehouse: { WH: 1 }, pendingByChannel: { a: Infinity }, rules: FOUR })).toThrow(/pendingByChannel\.a/);
  });

  it('subtracts the buffer and never goes below 0', () => {
    const input = { sku: 'X', freeByWarehouse: { WH: 10 }, pendingByChannel: {} };
    expect(computeTargets({ ...input, rules: [rule('shopify', 'shop', { buffer: 3 })] })).toEqual({ 'shopify/shop': 7 });
    expect(computeTargets({ ...input, rules: [rule('shopify', 'shop', { buffer: 12 })] })).toEqual({ 'shopify/shop': 0 });
  });

  it('refuses a negative or fractional buffer (the config schema refuses it first)', () => {
    const input = { sku: 'X', freeByWarehouse: { WH: 10 }, pendingByChannel: {} };
    expect(() => computeTargets({ ...input, rules: [rule('shopify', 'shop', { buffer: -2 })] })).toThrow(/buffer must be a whole number >= 0/);
    expect(() => computeTargets({ ...input, rules: [rule('shopify', 'shop', { buffer: 1.5 })] })).toThrow(RangeError);
    expect(() => computeTargets({ ...input, rules: [rule('shopify', 'shop', { min: 3, max: 2 })] })).toThrow(/min 3 is above max 2/);
    expect(() => computeTargets({ ...input, rules: [rule('shopify', 'shop', { sharePercent: '0' })] })).toThrow(/sharePercent/);
    expect(() => computeTargets({ ...input, rules: [rule('shopify', 'shop', { sharePercent: '100.5' })] })).toThrow(/sharePercent/);
  });

  it('applies share % to the stock after the buffer, rounding down, exactly', () => {
    const input = { sku: 'X', freeByWarehouse: { WH: 12 }, pendingByChannel: {} };
    expect(computeTargets({ ...input, rules: [rule('shopify', 'shop', { buffer: 2, sharePercent: '60' })] })).toEqual({ 'shopify/shop': 6 });
    expect(computeTargets({ ...input, rules: [rule('shopify', 'shop', { sharePercent: '33.3333' })] })).toEqual({ 'shopify/shop': 3 });
    expect(computeTargets({ ...input, rules: [rule('shopify', 'shop', { sharePercent: '100' })] })).toEqual({ 'shopify/shop': 12 });
  });

  it('treats shares as caps: above 100 % in total, the higher priority is served first', () => {
    const rules = [rule('amazon', 'eu', { sharePercent: '80', priority: 2 }), rule('shopify', 'shop', { sharePercent: '80', priority: 1 })];
    const targets = computeTargets({ sku: 'X', freeByWarehouse: { WH: 10 }, pendingByChannel: {}, rules });
    expect(targets).toEqual({ 'shopify/shop': 8, 'amazon/eu': 2 });
  });

  it('serves priorities in order when stock is short', () => {
    const rules = [rule('ebay', 'main', { priority: 3 }), rule('amazon', 'eu', { priority: 1, max: 4 }), rule('shopify', 'shop', { priority: 2 })];
    expect(computeTargets({ sku: 'X', freeByWarehouse: { WH: 10 }, pendingByChannel: {}, rules })).toEqual({
      'amazon/eu': 4,
      'shopify/shop': 6,
      'ebay/main': 0,
    });
  });

  it('caps at max and gives what is left to the others', () => {
    const rules = [rule('shopify', 'shop', { max: 2 }), rule('amazon', 'eu')];
    expect(computeTargets({ sku: 'X', freeByWarehouse: { WH: 10 }, pendingByChannel: {}, rules })).toEqual({ 'shopify/shop': 2, 'amazon/eu': 8 });
  });

  it('lifts a small share up to min, but never past the buffer or the stock, and not over a higher priority', () => {
    const input = { sku: 'X', freeByWarehouse: { WH: 5 }, pendingByChannel: {} };
    // 10 % of 5 is 0 units; min shows 1.
    expect(computeTargets({ ...input, rules: [rule('shopify', 'shop', { sharePercent: '10', min: 1 })] })).toEqual({ 'shopify/shop': 1 });
    // 5 free − 3 buffer leaves 2: min 4 cannot show more than that.
    expect(computeTargets({ ...input, rules: [rule('shopify', 'shop', { buffer: 3, min: 4 })] })).toEqual({ 'shopify/shop': 2 });
    // Scarcity: the priority-1 channel takes everything, min of the other is not a reservation.
    const rules = [rule('shopify', 'shop', { priority: 1 }), rule('amazon', 'eu', { priority: 2, min: 2 })];
    const result = allocate({ ...input, rules });
    expect(result.targets).toEqual({ 'shopify/shop': 5, 'amazon/eu': 0 });
    expect(result.detail['amazon/eu']).toEqual({ ceiling: 5, wanted: 5, target: 0 });
  });
});

describe('computeTargets: the oversell window', () => {
  it('takes pending channel sales out for every channel drawing on the same stock', () => {
    const targets = computeTargets({ sku: 'X', freeByWarehouse: { WH: 10 }, pendingByChannel: { 'shopify/shop': 4 }, rules: FOUR });
    expect(sum(targets)).toBe(6);
  });

  it('counts pending sales of a channel without a rule against every warehouse', () => {
    const rules = [rule('shopify', 'shop', { warehouses: ['W1'] }), rule('amazon', 'eu', { warehouses: ['W2'] })];
    const targets = computeTargets({ sku: 'X', freeByWarehouse: { W1: 5, W2: 5 }, pendingByChannel: { 'noon/old': 2 }, rules });
    expect(targets).toEqual({ 'shopify/shop': 3, 'amazon/eu': 3 });
  });

  it('shows 0 everywhere and reports the gap when channels already sold more than there is', () => {
    const result = allocate({ sku: 'X', freeByWarehouse: { WH: 10 }, pendingByChannel: { 'shopify/shop': 8, 'amazon/eu': 4 }, rules: FOUR });
    expect(sum(result.targets)).toBe(0);
    expect(result.oversold).toBe(2);
  });

  it('lowers the other channels as soon as one reports a sale', () => {
    const input = { sku: 'X', freeByWarehouse: { WH: 6 }, rules: FOUR };
    const before = computeTargets({ ...input, pendingByChannel: {} });
    const after = computeTargets({ ...input, pendingByChannel: { 'shopify/shop': 2 } });
    expect(sum(before)).toBe(6);
    expect(sum(after)).toBe(4);
    const others = (t: Record<string, number>) => sum(t) - (t['shopify/shop'] ?? 0);
    expect(others(after)).toBeLessThan(others(before));
  });

  it('flash sale: 10 units, 30 units ordered on four channels at once, at most 10 sold and every channel ends at 0', () => {
    const free = { WH: 10 };
    const pending: Record<string, number> = {};
    const ordered: Record<string, number> = { 'shopify/shop': 9, 'amazon/eu': 8, 'ebay/main': 7, 'woocommerce/web': 6 };
    expect(sum(ordered)).toBe(30);
    let sold = 0;
    // Every channel sees the orders before anyone reports back: each sells only what it shows.
    for (let wave = 0; wave < 5; wave++) {
      const shown = computeTargets({ sku: 'X', freeByWarehouse: free, pendingByChannel: pending, rules: FOUR });
      for (const [key, wanted] of Object.entries(ordered)) {
        const take = Math.min(wanted, shown[key] ?? 0);
        ordered[key] = wanted - take;
        pending[key] = (pending[key] ?? 0) + take;
        sold += take;
      }
    }
    expect(sold).toBe(10);
    const end = computeTargets({ sku: 'X', freeByWarehouse: free, pendingByChannel: pending, rules: FOUR });
    expect(Object.values(end)).toEqual([0, 0, 0, 0]);
    // Once Odoo reserves the sales, free drops and pending empties: still 0 everywhere.
    expect(Object.values(computeTargets({ sku: 'X', freeByWarehouse: { WH: 0 }, pendingByChannel: {}, rules: FOUR }))).toEqual([0, 0, 0, 0]);
  });
});

describe('computeTargets: warehouses that feed channels', () => {
  it('only counts the warehouses that feed the channel, claimed in the listed order', () => {
    const rules = [
      rule('shopify', 'shop', { warehouses: ['EU'], priority: 1 }),
      rule('amazon', 'us', { warehouses: ['US'], priority: 1 }),
      rule('ebay', 'main', { warehouses: ['US', 'EU'], priority: 2 }),
    ];
    const targets = computeTargets({ sku: 'X', freeByWarehouse: { EU: 4, US: 7 }, pendingByChannel: {}, rules });
    expect(targets).toEqual({ 'shopify/shop': 4, 'amazon/us': 7, 'ebay/main': 0 });
    const capped = rules.map((r) => (r.channel === 'amazon' ? { ...r, max: 5 } : r));
    expect(computeTargets({ sku: 'X', freeByWarehouse: { EU: 4, US: 7 }, pendingByChannel: {}, rules: capped })).toEqual({
      'shopify/shop': 4,
      'amazon/us': 5,
      'ebay/main': 2,
    });
  });

  it('books pending sales where they leave the most for others', () => {
    // Amazon's pending 5 can come from either warehouse; booking it to W1 would starve Shopify needlessly,
    // but the ceiling rule still counts it against every warehouse Amazon draws on.
    const rules = [rule('amazon', 'eu', { warehouses: ['W1', 'W2'] }), rule('shopify', 'shop', { warehouses: ['W1'] })];
    const result = allocate({ sku: 'X', freeByWarehouse: { W1: 5, W2: 10 }, pendingByChannel: { 'amazon/eu': 5, 'shopify/shop': 5 }, rules });
    expect(result.oversold).toBe(0);
    expect(result.targets).toEqual({ 'amazon/eu': 5, 'shopify/shop': 0 });
  });

  it('a warehouse missing from Odoo counts as empty', () => {
    const rules = [rule('shopify', 'shop', { warehouses: ['GONE'] })];
    expect(computeTargets({ sku: 'X', freeByWarehouse: { WH: 9 }, pendingByChannel: {}, rules })).toEqual({ 'shopify/shop': 0 });
  });
});

describe('kits', () => {
  const kit = {
    components: [
      { sku: 'MUG', quantity: 2 },
      { sku: 'TEA', quantity: 1 },
    ],
    componentFree: { MUG: { W1: 7, W2: 4 }, TEA: { W1: 2, W2: 10, W3: 50 } },
  };

  it("derives a kit's stock per warehouse from its scarcest component", () => {
    expect(kitFreeByWarehouse(kit)).toEqual({ W1: 2, W2: 2, W3: 0 });
  });

  it('allocates a kit from its components and ignores the kit row itself', () => {
    const targets = computeTargets({ sku: 'GIFT', freeByWarehouse: { W1: 100 }, pendingByChannel: { 'shopify/shop': 1 }, rules: FOUR, kit });
    expect(sum(targets)).toBe(3);
  });

  it('shows 0 when a component has no stock record at all', () => {
    expect(kitFreeByWarehouse({ ...kit, componentFree: { MUG: { W1: 50 } } })).toEqual({ W1: 0 });
  });

  it('refuses empty kits, zero quantities and repeated components', () => {
    expect(() => kitFreeByWarehouse({ components: [], componentFree: {} })).toThrow(/at least one component/);
    expect(() => kitFreeByWarehouse({ components: [{ sku: 'A', quantity: 0 }], componentFree: {} })).toThrow(/quantity/);
    expect(() => kitFreeByWarehouse({ components: [{ sku: 'A', quantity: 1 }, { sku: 'A', quantity: 1 }], componentFree: {} })).toThrow(/twice/);
  });

  it('turns kit sales into component demand', () => {
    expect(kitComponentDemand({ components: kit.components, kitUnits: 3 })).toEqual({ MUG: 6, TEA: 3 });
  });
});

describe('rulesForSku', () => {
  const general = rule('shopify', 'shop', { buffer: 1 });
  const special = rule('shopify', 'shop', { skus: ['MUG'], buffer: 5 });

  it('prefers a rule that names the SKU, whatever the order', () => {
    expect(rulesForSku({ sku: 'MUG', rules: [general, special] })).toEqual([special]);
    expect(rulesForSku({ sku: 'MUG', rules: [special, general] })).toEqual([special]);
    expect(rulesForSku({ sku: 'TEA', rules: [special, general] })).toEqual([general]);
    expect(rulesForSku({ sku: 'TEA', rules: [special] })).toEqual([]);
    expect(computeTargets({ sku: 'MUG', freeByWarehouse: { WH: 10 }, pendingByChannel: {}, rules: [general, special] })).toEqual({ 'shopify/shop': 5 });
  });

  it('refuses two rules for the same channel account and SKU', () => {
    expect(() => rulesForSku({ sku: 'TEA', rules: [general, general] })).toThrow(/two allocation rules for shopify\/shop/);
    expect(() => rulesForSku({ sku: 'MUG', rules: [special, special] })).toThrow(RangeError);
  });
});

describe('computeTargets: guarantees on random inputs', () => {
  // Small deterministic generator, so a failure is reproducible.
  function lcg(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
  }
  const WAREHOUSES = ['A', 'B', 'C'];
  const CHANNELS: Channel[] = ['shopify', 'amazon', 'ebay', 'walmart'];

  function subsets<T>(items: readonly T[]): T[][] {
    return items.reduce<T[][]>((acc, item) => acc.concat(acc.map((s) => [...s, item])), [[]]);
  }

  /** Can every channel's demand be delivered at once from the warehouses that feed it (Hall's condition)? */
  function deliverable(free: Record<string, number>, demand: { feeds: string[]; units: number }[]): boolean {
    return subsets(WAREHOUSES).every((set) => {
      const need = demand.filter((d) => d.feeds.every((w) => set.includes(w))).reduce((a, d) => a + d.units, 0);
      return need <= set.reduce((a, w) => a + (free[w] ?? 0), 0);
    });
  }

  it('never shows more than can be delivered, and respects every rule', () => {
    const random = lcg(20261126);
    const int = (n: number) => Math.floor(random() * n);
    let checkedJointly = 0;
    for (let round = 0; round < 300; round++) {
      const free: Record<string, number> = {};
      for (const w of WAREHOUSES) free[w] = int(15) - 2;
      const rules = CHANNELS.map((channel) => {
        const feeds = WAREHOUSES.filter(() => random() < 0.6);
        return rule(channel, 'acc', {
          ...(feeds.length > 0 && random() < 0.8 ? { warehouses: feeds } : {}),
          buffer: int(3),
          ...(random() < 0.5 ? { sharePercent: String(1 + int(100)) } : {}),
          min: int(3),
          ...(random() < 0.3 ? { max: 3 + int(10) } : {}),
          priority: int(3),
        });
      });
      const pending: Record<string, number> = {};
      for (const r of rules) if (random() < 0.4) pending[channelKey(r.channel, r.account)] = int(5);

      const result = allocate({ sku: 'X', freeByWarehouse: free, pendingByChannel: pending, rules });
      const clamped = Object.fromEntries(WAREHOUSES.map((w) => [w, Math.max(0, free[w] ?? 0)]));
      const feedsOf = (key: string) => rules.find((r) => channelKey(r.channel, r.account) === key)?.warehouses ?? WAREHOUSES;
      for (const r of rules) {
        const key = channelKey(r.channel, r.account);
        const target = result.targets[key];
        expect(Number.isInteger(target) && target! >= 0).toBe(true);
        // The brief's ceiling: free in its warehouses − pending of anyone drawing on them − buffer.
        const own = feedsOf(key);
        const drawing = Object.entries(pending)
          .filter(([k]) => feedsOf(k).some((w) => own.includes(w)))
          .reduce((a, [, u]) => a + u, 0);
        const ceiling = Math.max(0, own.reduce((a, w) => a + (clamped[w] ?? 0), 0) - drawing);
        expect(target).toBeLessThanOrEqual(Math.max(0, ceiling - r.buffer));
        if (r.max !== undefined) expect(target).toBeLessThanOrEqual(r.max);
        if (r.sharePercent !== undefined) {
          expect(target).toBeLessThanOrEqual(Math.max(r.min, Math.floor((Math.max(0, ceiling - r.buffer) * Number(r.sharePercent)) / 100)));
        }
      }
      const pendingDemand = Object.entries(pending).map(([k, units]) => ({ feeds: [...feedsOf(k)], units }));
      if (deliverable(clamped, pendingDemand)) {
        checkedJointly++;
        const all = [
          ...pendingDemand,
          ...rules.map((r) => ({ feeds: [...(r.warehouses ?? WAREHOUSES)], units: result.targets[channelKey(r.channel, r.account)] ?? 0 })),
        ];
        expect(deliverable(clamped, all)).toBe(true);
        expect(result.oversold).toBe(0);
      }
    }
    expect(checkedJointly).toBeGreaterThan(150);
  });

  it('gives the same answer for the same input (workflow replay)', () => {
    const input = { sku: 'X', freeByWarehouse: { B: 3, A: 8 }, pendingByChannel: { 'ebay/main': 1 }, rules: [...FOUR].reverse() };
    expect(JSON.stringify(computeTargets(input))).toBe(JSON.stringify(computeTargets({ ...input })));
  });
});
