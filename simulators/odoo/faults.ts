import { z } from 'zod';

// Switchable misbehaviour. Counters count down per object call (the calls that touch data).

export const FaultSettings = z.object({
  /** Delay before every JSON-RPC / JSON-2 answer. */
  latencyMs: z.number().int().min(0).max(120_000).optional(),
  /** For durationMs (or until cleared): answer 503, or drop the connection without an answer. */
  outage: z.object({ mode: z.enum(['503', 'refuse']), durationMs: z.number().int().positive().optional() }).optional(),
  /** The next N object calls fail with psycopg2's SerializationFailure (Odoo's own retries exhausted). */
  serializationFailures: z.number().int().min(0).optional(),
  /** The next N object calls fail with odoo.exceptions.AccessError. */
  accessErrors: z.number().int().min(0).optional(),
  /** The next N object calls commit, then the connection drops before the answer. */
  dropAfterCommit: z.number().int().min(0).optional(),
  /** Only calls of this "model.method" (e.g. "sale.order.create") count for dropAfterCommit. */
  dropAfterCommitOn: z.string().min(3).optional(),
  /** The next N answers are HTTP 200 with a body that is not JSON. */
  garbage: z.number().int().min(0).optional(),
  /** Enforce ir.model.data's (module, name) unique index like Odoo does (default true). */
  xmlidUnique: z.boolean().optional(),
});
export type FaultSettings = z.infer<typeof FaultSettings>;

export interface FaultState {
  latencyMs: number;
  outage?: { mode: '503' | 'refuse'; until: number };
  serializationFailures: number;
  accessErrors: number;
  dropAfterCommit: number;
  dropAfterCommitOn?: string;
  garbage: number;
  xmlidUnique: boolean;
}

export function noFaults(): FaultState {
  return { latencyMs: 0, serializationFailures: 0, accessErrors: 0, dropAfterCommit: 0, garbage: 0, xmlidUnique: true };
}

export function applyFaults(state: FaultState, settings: FaultSettings, now = Date.now()): FaultState {
  const next = { ...state };
  if (settings.latencyMs !== undefined) next.latencyMs = settings.latencyMs;
  if (settings.outage) next.outage = { mode: settings.outage.mode, until: settings.outage.durationMs ? now + settings.outage.durationMs : Number.POSITIVE_INFINITY };
  if (settings.serializationFailures !== undefined) next.serializationFailures = settings.serializationFailures;
  if (settings.accessErrors !== undefined) next.accessErrors = settings.accessErrors;
  if (settings.dropAfterCommit !== undefined) next.dropAfterCommit = settings.dropAfterCommit;
  if (settings.dropAfterCommitOn !== undefined) next.dropAfterCommitOn = settings.dropAfterCommitOn;
  if (settings.garbage !== undefined) next.garbage = settings.garbage;
  if (settings.xmlidUnique !== undefined) next.xmlidUnique = settings.xmlidUnique;
  return next;
}

export function activeOutage(state: FaultState, now = Date.now()): '503' | 'refuse' | undefined {
  return state.outage && state.outage.until > now ? state.outage.mode : undefined;
}
