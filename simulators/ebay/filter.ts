// The getOrders `filter` grammar: comma-separated `name:value` pairs, dates as `[from..to]` or `[from..]`,
// fulfilment status as `{A|B}`. Only the combinations eBay documents are accepted.

export interface OrderFilter {
  creationFrom?: number;
  creationTo?: number;
  modifiedFrom?: number;
  modifiedTo?: number;
  fulfillmentStatuses?: string[];
}

export type FilterResult = { ok: true; filter: OrderFilter } | { ok: false; errorId: number; message: string };

const ALLOWED_STATUS_SETS = ['IN_PROGRESS|NOT_STARTED', 'FULFILLED|IN_PROGRESS'];
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

function parseRange(name: string, value: string, now: number): FilterResult | { from: number; to?: number } {
  const m = /^\[([^\]]*?)\.\.([^\]]*)\]$/.exec(value);
  if (!m) return { ok: false, errorId: 30800, message: `Invalid filter value ${value} for filter ${name}` };
  const [, fromText = '', toText = ''] = m;
  if (!fromText) return { ok: false, errorId: 30820, message: 'Start date is missing' };
  if (!ISO_UTC.test(fromText) || (toText && !ISO_UTC.test(toText))) {
    return { ok: false, errorId: 30810, message: 'Invalid date format' };
  }
  const from = Date.parse(fromText);
  const to = toText ? Date.parse(toText) : undefined;
  if (to !== undefined && to < from) return { ok: false, errorId: 30840, message: 'Start date should be before end date' };
  if (from > now || (to !== undefined && to > now + 1000)) {
    return { ok: false, errorId: 30850, message: "Start and end dates can't be in the future" };
  }
  return { from, to };
}

export function parseOrderFilter(text: string | undefined, now = Date.now()): FilterResult {
  const filter: OrderFilter = {};
  if (!text) return { ok: true, filter };
  for (const part of text.split(/,(?![^[{]*[\]}])/)) {
    const colon = part.indexOf(':');
    const name = part.slice(0, colon).trim();
    const value = part.slice(colon + 1).trim();
    if (colon < 0) return { ok: false, errorId: 30700, message: `Invalid filter name: ${part}` };
    if (name === 'creationdate' || name === 'lastmodifieddate') {
      const range = parseRange(name, value, now);
      if ('ok' in range) return range;
      if (name === 'creationdate') Object.assign(filter, { creationFrom: range.from, creationTo: range.to });
      else Object.assign(filter, { modifiedFrom: range.from, modifiedTo: range.to });
    } else if (name === 'orderfulfillmentstatus') {
      const m = /^\{([A-Z_|]+)\}$/.exec(value);
      const set = m?.[1]?.split('|').sort().join('|');
      if (!set || !ALLOWED_STATUS_SETS.includes(set)) {
        return { ok: false, errorId: 30800, message: `Invalid filter value ${value} for filter ${name}` };
      }
      filter.fulfillmentStatuses = set.split('|');
    } else {
      return { ok: false, errorId: 30700, message: `Invalid filter name: ${name}` };
    }
  }
  // Both date filters given: eBay uses creationdate only.
  if (filter.creationFrom !== undefined) {
    delete filter.modifiedFrom;
    delete filter.modifiedTo;
  }
  return { ok: true, filter };
}
