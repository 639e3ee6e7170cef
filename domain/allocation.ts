import { type Channel } from './channels';
import { toScaled } from './decimal';

// Stock allocation as pure functions (imported by InventoryWorkflow, so: no I/O, no clock, no randomness).
//
// Policy, in the order it is applied:
// 1. Stock. Odoo's free quantity per warehouse, floored to whole units, negatives read as 0. For a kit, the
//    stock per warehouse is what its components can build there (see kitFreeByWarehouse).
// 2. Pending sales (sold on a channel, not yet reserved in Odoo) are taken out first. Each is booked to one
//    of the warehouses that feed its channel (a small max-flow finds a booking when one exists).
// 3. Ceiling. A channel never shows more than
//      free in the warehouses that feed it − pending sales of every channel that draws on any of them
//    (pending sales of a channel without a rule draw on every warehouse).
// 4. Per-channel wish: ceiling − buffer, then share % of that (rounded down), then max, then min. Min only
//    lifts the figure up to ceiling − buffer: it never shows stock that is not there nor eats into the buffer.
// 5. Shares are caps, not reservations: they may add up to more than 100 %. Units are handed out in
//    priority order (lower number first); channels with the same priority share fairly (round robin, the
//    leftover unit going to the lower channel key). Every unit handed out is claimed from a warehouse that
//    feeds the channel, in the order the rule lists its warehouses, so no unit is ever shown on two
//    channels: the targets plus the pending sales can always all be delivered together.
//    When stock is short, min is not a promise: a lower-priority channel may get less than its min, or 0.

export type ChannelKey = string;

/** "<channel>/<account>", the key of a channel account in targets and pending sales. */
export function channelKey(channel: Channel, account: string): ChannelKey {
  return `${channel}/${account}`;
}

export interface AllocationRule {
  channel: Channel;
  account: string;
  /** Only for these SKUs (overrides the channel's rule without `skus`); absent = every SKU. */
  skus?: readonly string[];
  /** Warehouses that feed this channel, in the order units are claimed; absent = every warehouse. */
  warehouses?: readonly string[];
  /** Units never shown on this channel (whole units, >= 0). */
  buffer: number;
  /** Cap as a percentage of (ceiling − buffer), decimal text in (0, 100]; absent = 100. */
  sharePercent?: string;
  /** Shown at least this many while there is stock to back them (see policy). */
  min: number;
  /** Shown at most this many; absent = no cap. */
  max?: number;
  /** Lower number is served first when stock is short. */
  priority: number;
}

export interface KitComponent {
  sku: string;
  /** Units of the component in one kit (whole, >= 1). */
  quantity: number;
}

export interface KitStock {
  components: readonly KitComponent[];
  /**
   * Free quantity per component per warehouse. Pass the components' free quantity net of their own
   * pending channel sales, so a component sold alone is not also offered inside a kit.
   */
  componentFree: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export interface ComputeTargetsInput {
  sku: string;
  /** Odoo free quantity per warehouse. Ignored for a kit: Odoo derives a kit's quantity from its components. */
  freeByWarehouse: Readonly<Record<string, number>>;
  /** Units sold on each channel account and not yet reserved in Odoo (the oversell window). */
  pendingByChannel: Readonly<Record<ChannelKey, number>>;
  /** Allocation rules; SKU-specific rules override the channel's general rule (see rulesForSku). */
  rules: readonly AllocationRule[];
  kit?: KitStock;
}

/** How one channel's figure came about; for operators and previews. */
export interface AllocationDetail {
  ceiling: number;
  /** ceiling − buffer, share, max and min applied, before other channels are considered. */
  wanted: number;
  target: number;
}

export interface Allocation {
  targets: Record<ChannelKey, number>;
  detail: Record<ChannelKey, AllocationDetail>;
  /** Pending units that no warehouse could back: stock already oversold. */
  oversold: number;
  /**
   * Free units per warehouse once pending sales are booked, before channels take their shares: what a kit
   * built from this SKU may count on (KitStock.componentFree).
   */
  unbooked: Record<string, number>;
}

/** Each channel's quantity to show for one SKU. Never negative, whole units. */
export function computeTargets(input: ComputeTargetsInput): Record<ChannelKey, number> {
  return allocate(input).targets;
}

/** computeTargets with the reasoning behind each figure. */
export function allocate(input: ComputeTargetsInput): Allocation {
  const rules = rulesForSku({ sku: input.sku, rules: input.rules });
  rules.forEach((rule) => checkRule(rule, input.sku));
  const free = input.kit ? kitFreeByWarehouse(input.kit) : wholeUnits(input.freeByWarehouse, 'freeByWarehouse');
  const allWarehouses = Object.keys(free).sort(compareText);
  const feeds = new Map<ChannelKey, readonly string[]>(
    rules.map((r) => [channelKey(r.channel, r.account), r.warehouses ?? allWarehouses]),
  );
  const pending = pendingUnits(input.pendingByChannel);
  const pendingFeeds = (key: ChannelKey): readonly string[] => feeds.get(key) ?? allWarehouses;

  // 2. Book pending sales to warehouses; what is left is what channels may share.
  const booked = bookPending(free, pending, pendingFeeds);
  const remaining = new Map<string, number>(allWarehouses.map((w) => [w, (free[w] ?? 0) - (booked.get(w) ?? 0)]));
  const totalPending = [...pending.values()].reduce((a, b) => a + b, 0);
  const totalBooked = [...booked.values()].reduce((a, b) => a + b, 0);
  const unbooked = Object.fromEntries(remaining);

  // 3 and 4. Each channel's ceiling and wish, on its own.
  const detail: Record<ChannelKey, AllocationDetail> = {};
  const wantLeft = new Map<ChannelKey, number>();
  for (const rule of rules) {
    const key = channelKey(rule.channel, rule.account);
    const own = new Set(feeds.get(key));
    const freeHere = [...own].reduce((sum, w) => sum + (free[w] ?? 0), 0);
    let drawing = 0;
    for (const [other, units] of pending) {
      if (pendingFeeds(other).some((w) => own.has(w))) drawing += units;
    }
    const ceiling = Math.max(0, freeHere - drawing);
    const wanted = wish(rule, ceiling);
    detail[key] = { ceiling, wanted, target: 0 };
    wantLeft.set(key, wanted);
  }

  // 5. Hand out units by priority, fairly within a priority.
  const priorities = [...new Set(rules.map((r) => r.priority))].sort((a, b) => a - b);
  for (const priority of priorities) {
    const group = rules
      .filter((r) => r.priority === priority)
      .map((r) => channelKey(r.channel, r.account))
      .sort(compareText);
    shareFairly(group, wantLeft, remaining, (key) => feeds.get(key) ?? [], detail);
  }

  const targets: Record<ChannelKey, number> = {};
  for (const [key, d] of Object.entries(detail)) targets[key] = d.target;
  return { targets, detail, oversold: totalPending - totalBooked, unbooked };
}

/** The rule per channel account that applies to `sku`: a rule listing the SKU beats the general one. */
export function rulesForSku(input: { sku: string; rules: readonly AllocationRule[] }): AllocationRule[] {
  const chosen = new Map<ChannelKey, AllocationRule>();
  for (const rule of input.rules) {
    const key = channelKey(rule.channel, rule.account);
    if (rule.skus && !rule.skus.includes(input.sku)) continue;
    const current = chosen.get(key);
    const specific = rule.skus !== undefined;
    const currentSpecific = current?.skus !== undefined;
    if (current && specific === currentSpecific) {
      throw new RangeError(`two allocation rules for ${key} apply to SKU ${input.sku}`);
    }
    if (!current || specific) chosen.set(key, rule);
  }
  return [...chosen.values()];
}

/** Kits a warehouse can build from the components it holds (a kit ships from one warehouse). */
export function kitFreeByWarehouse(kit: KitStock): Record<string, number> {
  if (kit.components.length === 0) throw new RangeError('a kit needs at least one component');
  const seen = new Set<string>();
  for (const c of kit.components) {
    if (!Number.isInteger(c.quantity) || c.quantity < 1) {
      throw new RangeError(`kit component ${c.sku}: quantity must be a whole number >= 1, got ${c.quantity}`);
    }
    if (seen.has(c.sku)) throw new RangeError(`kit component ${c.sku} is listed twice`);
    seen.add(c.sku);
  }
  const perComponent = kit.components.map((c) => ({
    quantity: c.quantity,
    free: wholeUnits(kit.componentFree[c.sku] ?? {}, `componentFree.${c.sku}`),
  }));
  const warehouses = new Set(perComponent.flatMap((c) => Object.keys(c.free)));
  const result: Record<string, number> = {};
  for (const w of [...warehouses].sort(compareText)) {
    result[w] = Math.min(...perComponent.map((c) => Math.floor((c.free[w] ?? 0) / c.quantity)));
  }
  return result;
}

/** Component units that `kitUnits` kits use up: add them to each component's pending sales. */
export function kitComponentDemand(input: { components: readonly KitComponent[]; kitUnits: number }): Record<string, number> {
  const demand: Record<string, number> = {};
  for (const c of input.components) demand[c.sku] = (demand[c.sku] ?? 0) + c.quantity * input.kitUnits;
  return demand;
}

function wish(rule: AllocationRule, ceiling: number): number {
  const base = Math.max(0, ceiling - rule.buffer);
  let wanted = base;
  if (rule.sharePercent !== undefined) wanted = percentOf(base, rule.sharePercent);
  if (rule.max !== undefined) wanted = Math.min(wanted, rule.max);
  if (wanted < rule.min) wanted = Math.min(rule.min, base);
  return wanted;
}

/** floor(units × percent / 100), exactly. */
function percentOf(units: number, percent: string): number {
  const scale = percent.split('.')[1]?.length ?? 0;
  const scaled = toScaled(percent, scale);
  return Number((BigInt(units) * scaled) / (100n * 10n ** BigInt(scale)));
}

function shareFairly(
  group: readonly ChannelKey[],
  wantLeft: Map<ChannelKey, number>,
  remaining: Map<string, number>,
  feedsOf: (key: ChannelKey) => readonly string[],
  detail: Record<ChannelKey, AllocationDetail>,
): void {
  const reachable = (key: ChannelKey): number =>
    Math.min(wantLeft.get(key) ?? 0, feedsOf(key).reduce((sum, w) => sum + (remaining.get(w) ?? 0), 0));
  for (;;) {
    const active = group.filter((key) => reachable(key) > 0);
    if (active.length === 0) return;
    // Big even steps while there is plenty, single units at the end; each round claims at least one unit.
    const step = Math.max(1, Math.floor(Math.min(...active.map(reachable)) / active.length));
    for (const key of active) {
      const got = claim(feedsOf(key), Math.min(step, wantLeft.get(key) ?? 0), remaining);
      wantLeft.set(key, (wantLeft.get(key) ?? 0) - got);
      const d = detail[key];
      if (d) d.target += got;
    }
  }
}

function claim(warehouses: readonly string[], units: number, remaining: Map<string, number>): number {
  let left = units;
  for (const w of warehouses) {
    const take = Math.min(left, remaining.get(w) ?? 0);
    if (take > 0) remaining.set(w, (remaining.get(w) ?? 0) - take);
    left -= take;
    if (left === 0) break;
  }
  return units - left;
}

/**
 * Books pending sales to warehouses (max-flow: channel → warehouses that feed it → free stock) so that one
 * channel's pending sales do not needlessly use the only warehouse another channel can sell from.
 * Returns units booked per warehouse.
 */
function bookPending(
  free: Readonly<Record<string, number>>,
  pending: ReadonlyMap<ChannelKey, number>,
  feedsOf: (key: ChannelKey) => readonly string[],
): Map<string, number> {
  const channels = [...pending.keys()].filter((k) => (pending.get(k) ?? 0) > 0).sort(compareText);
  const flow = new Map<ChannelKey, Map<string, number>>(channels.map((c) => [c, new Map()]));
  const sent = (c: ChannelKey): number => [...(flow.get(c)?.values() ?? [])].reduce((a, b) => a + b, 0);
  const used = new Map<string, number>();
  for (;;) {
    // Breadth-first search for an augmenting path source → channel → warehouse (→ channel → warehouse)* → sink.
    const cameFrom = new Map<string, { channel: ChannelKey; from?: string }>();
    const queue: { channel: ChannelKey; from?: string }[] = channels
      .filter((c) => sent(c) < (pending.get(c) ?? 0))
      .map((channel) => ({ channel }));
    const visitedChannels = new Set(queue.map((q) => q.channel));
    let end: string | undefined;
    while (queue.length > 0 && end === undefined) {
      const node = queue.shift()!;
      for (const w of feedsOf(node.channel)) {
        if (cameFrom.has(w) || !(w in free)) continue;
        cameFrom.set(w, node);
        if ((used.get(w) ?? 0) < (free[w] ?? 0)) {
          end = w;
          break;
        }
        for (const other of channels) {
          if (!visitedChannels.has(other) && (flow.get(other)?.get(w) ?? 0) > 0) {
            visitedChannels.add(other);
            queue.push({ channel: other, from: w });
          }
        }
      }
    }
    if (end === undefined) return used;
    // Walk back to find the bottleneck, then push it along the path.
    const path: { channel: ChannelKey; warehouse: string; undo?: string }[] = [];
    for (let w: string | undefined = end; w !== undefined; ) {
      const step: { channel: ChannelKey; from?: string } = cameFrom.get(w)!;
      path.push({ channel: step.channel, warehouse: w, undo: step.from });
      w = step.from;
    }
    const head = path[path.length - 1]!;
    let amount = (pending.get(head.channel) ?? 0) - sent(head.channel);
    amount = Math.min(amount, (free[end] ?? 0) - (used.get(end) ?? 0));
    for (const p of path) if (p.undo !== undefined) amount = Math.min(amount, flow.get(p.channel)?.get(p.undo) ?? 0);
    for (const p of path) {
      const f = flow.get(p.channel)!;
      f.set(p.warehouse, (f.get(p.warehouse) ?? 0) + amount);
      if (p.undo !== undefined) f.set(p.undo, (f.get(p.undo) ?? 0) - amount);
    }
    used.set(end, (used.get(end) ?? 0) + amount);
  }
}

function checkRule(rule: AllocationRule, sku: string): void {
  const where = `allocation rule ${channelKey(rule.channel, rule.account)} (SKU ${sku})`;
  const whole = (name: string, value: number | undefined): void => {
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
      throw new RangeError(`${where}: ${name} must be a whole number >= 0, got ${value}`);
    }
  };
  whole('buffer', rule.buffer);
  whole('min', rule.min);
  whole('max', rule.max);
  if (!Number.isInteger(rule.priority)) throw new RangeError(`${where}: priority must be a whole number`);
  if (rule.max !== undefined && rule.min > rule.max) throw new RangeError(`${where}: min ${rule.min} is above max ${rule.max}`);
  if (rule.sharePercent !== undefined) {
    const scaled = toScaled(rule.sharePercent, 6);
    if (scaled <= 0n || scaled > 100_000_000n) throw new RangeError(`${where}: sharePercent must be in (0, 100], got ${rule.sharePercent}`);
  }
}

function wholeUnits(values: Readonly<Record<string, number>>, what: string): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [key, value] of Object.entries(values)) {
    if (!Number.isFinite(value)) throw new RangeError(`${what}.${key} is not a finite number: ${value}`);
    // Odoo quantities are floats and may be negative (stock moved out before it came in).
    result[key] = Math.max(0, Math.floor(value));
  }
  return result;
}

function pendingUnits(values: Readonly<Record<ChannelKey, number>>): Map<ChannelKey, number> {
  const result = new Map<ChannelKey, number>();
  for (const [key, value] of Object.entries(values)) {
    if (!Number.isFinite(value)) throw new RangeError(`pendingByChannel.${key} is not a finite number: ${value}`);
    // Round a fractional sale up: overstating what is sold is the safe side.
    result.set(key, Math.max(0, Math.ceil(value)));
  }
  return result;
}

// Code-point order, not localeCompare: the result must not depend on the machine's locale.
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
