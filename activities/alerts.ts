import { type Logger } from '../config/logger';

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
      const response = await fetch(deps.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alert),
        signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
      });
      if (!response.ok) throw new Error(`alert webhook answered ${response.status}`);
    },
  };
}

export function workflowUiLink(uiUrl: string, namespace: string, workflowId: string, runId: string): string {
  return `${uiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}/${encodeURIComponent(runId)}/history`;
}
