import { z } from 'zod';

// The one form of every timestamp that leaves an adapter: UTC ISO-8601 with milliseconds, exactly what
// Date.prototype.toISOString writes ("2025-03-01T15:00:00.000Z"). The order workflow orders events and
// snapshots by comparing these strings, which is right only when all share that form: an offset
// ("2025-03-01T10:00:00-05:00") or another precision ("...:00Z" sorts after "...:00.000Z", 'Z' > '.')
// would compare wrongly without any error.

const EXPECTED = 'expected an ISO-8601 instant with Z or a UTC offset, e.g. 2025-03-01T10:00:00-05:00';
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Why `value` is not an instant, worded for an operator; undefined when it is one. */
function problemOf(value: string): string | undefined {
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value.trim())) {
    return `"${value}" has no zone (Z or UTC offset): a local time cannot be ordered; convert it with the channel's documented zone first`;
  }
  return `"${value}" is not an instant: ${EXPECTED}`;
}

function canonical(value: string): string | undefined {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return undefined;
  const text = new Date(ms).toISOString();
  // Offsets can push a year-9999 stamp past what four digits hold.
  return CANONICAL.test(text) ? text : undefined;
}

/**
 * An instant as vendors write it (any offset, any sub-second precision), validated and turned into the
 * canonical form. Text without a zone is refused: guessing the zone would silently mis-order events.
 */
export const UtcInstant = z
  .string()
  .transform((value, ctx) => {
    const text = z.iso.datetime({ offset: true }).safeParse(value).success ? canonical(value) : undefined;
    if (text === undefined) {
      ctx.addIssue({ code: 'custom', message: problemOf(value), input: value });
      return z.NEVER;
    }
    return text;
  });
export type UtcInstant = z.infer<typeof UtcInstant>;

export class InvalidInstantError extends Error {
  override readonly name = 'InvalidInstantError';
}

/**
 * The canonical form of an ISO-8601 instant with a zone, or of epoch milliseconds. Throws InvalidInstantError
 * (naming `what`) for anything else, a zone-less local time included.
 */
export function toUtcInstant(value: string | number, what = 'timestamp'): string {
  if (typeof value === 'number') {
    const date = new Date(value);
    const text = Number.isNaN(date.getTime()) ? '' : date.toISOString();
    if (!CANONICAL.test(text)) throw new InvalidInstantError(`${what}: ${value} is not a time in epoch milliseconds`);
    return text;
  }
  const parsed = UtcInstant.safeParse(value);
  if (!parsed.success) throw new InvalidInstantError(`${what}: ${parsed.error.issues[0]?.message ?? problemOf(value)}`);
  return parsed.data;
}
