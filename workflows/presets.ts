import { type ActivityOptions } from '@temporalio/workflow';
import { FAILURE } from '../domain/failures';

// Named timeout/retry presets. Bounded attempts: an exhausted retry becomes needs_attention + alert, never silence.

/** Calls into Odoo: short, a handful of quick retries for transient faults. */
export const ODOO_CALL: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 8,
    nonRetryableErrorTypes: [FAILURE.odooAccess, FAILURE.odooBusiness, FAILURE.odooProtocol],
  },
};

/** Alerts must get out: many attempts, slow backoff. */
export const ALERT_CALL: ActivityOptions = {
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 20 },
};

/** Marketplace calls: throttling waits exactly as long as the channel says (nextRetryDelay). */
export const CHANNEL_CALL: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    maximumAttempts: 12,
    nonRetryableErrorTypes: [FAILURE.channelAuth, FAILURE.channelRejected, FAILURE.channelProtocol],
  },
};
