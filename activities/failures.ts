import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { FAILURE } from '../domain';
import { ChannelError } from './marketplaces/errors';
import { OdooError, OrderRejectedError } from './odoo/types';

/** Maps what clients throw to typed ApplicationFailures; anything unknown stays retryable. */
export function toApplicationFailure(err: unknown): unknown {
  if (err instanceof OdooError) {
    const type = {
      access: FAILURE.odooAccess,
      business: FAILURE.odooBusiness,
      transient: FAILURE.odooTransient,
      protocol: FAILURE.odooProtocol,
    }[err.kind];
    return ApplicationFailure.create({
      message: err.message,
      type,
      nonRetryable: err.kind !== 'transient',
      details: [{ odooName: err.odooName ?? null }],
      cause: err,
    });
  }
  if (err instanceof OrderRejectedError) {
    return ApplicationFailure.create({ message: err.message, type: err.type, nonRetryable: true, cause: err });
  }
  if (err instanceof ChannelError) {
    const type = {
      rate_limited: FAILURE.channelRateLimited,
      transient: FAILURE.channelTransient,
      auth: FAILURE.channelAuth,
      rejected: FAILURE.channelRejected,
      protocol: FAILURE.channelProtocol,
    }[err.kind];
    const retryable = err.kind === 'rate_limited' || err.kind === 'transient';
    return ApplicationFailure.create({
      message: err.message,
      type,
      nonRetryable: !retryable,
      // Throttling is expected: retry exactly when the channel says, and keep it out of failure metrics.
      nextRetryDelay: err.details.retryAfterMs !== undefined ? err.details.retryAfterMs : undefined,
      category: err.kind === 'rate_limited' ? ApplicationFailureCategory.BENIGN : undefined,
      details: [{ status: err.details.status ?? null, vendorCode: err.details.vendorCode ?? null }],
      cause: err,
    });
  }
  return err;
}

/** Wraps every function of an activity object so failures leave it typed. */
export function withFailureMapping<T extends Record<string, (input: never) => Promise<unknown>>>(activities: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (input: never) => {
      try {
        return await fn(input);
      } catch (err) {
        throw toApplicationFailure(err);
      }
    };
  }
  return wrapped as T;
}
