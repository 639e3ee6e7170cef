import { ApplicationFailure } from '@temporalio/common';
import { type Logger } from '../config/logger';

/** Failure type of an alert the webhook did not take; retryable, so Temporal tries again (ALERT_CALL). */
export const ALERT_WEBHOOK_FAILED = 'AlertWebhookFailed';

export interface Alert {
  severity: 'warning' | 'error';
  reason: string;
  channel: string;
  account: string;
  externalOrderId: string;
  workflowId: string;
  runId: string;
  /** Deep link to the run in the Temporal Web UI. */
  link: string;
}

export interface AlertSink {
  raise(alert: Alert): Promise<void>;
}

/** pino error log always; a POST to the alert webhook when one is configured (non-2xx throws, so Temporal retries). */
export function createAlertSink(deps: { logger: Logger; webhookUrl?: string; timeoutMs?: number }): AlertSink {
  return {
    async raise(alert) {
      deps.logger.error({ alert, channel: alert.channel, account: alert.account, orderId: alert.externalOrderId, workflowId: alert.workflowId }, `ALERT: ${alert.reason}`);
      if (!deps.webhookUrl) return;
      let response: Response;
      try {
        response = await fetch(deps.webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(alert),
          signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
        });
      } catch (err) {
        // fetch only says "fetch failed"; the cause names the problem. Never the URL: it may carry a secret.
        throw ApplicationFailure.retryable(`alert webhook unreachable: ${messageOf((err as { cause?: unknown } | undefined)?.cause ?? err)}`, ALERT_WEBHOOK_FAILED);
      }
      await response.body?.cancel().catch(() => undefined);
      if (!response.ok) throw ApplicationFailure.retryable(`alert webhook answered ${response.status}`, ALERT_WEBHOOK_FAILED);
    },
  };
}

// Duck-typed: fetch's errors come from another realm under some runners, where instanceof Error fails.
function messageOf(err: unknown): string {
  const message = (err as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : String(err);
}

export function workflowUiLink(uiUrl: string, namespace: string, workflowId: string, runId: string): string {
  return `${uiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}/${encodeURIComponent(runId)}/history`;
}
