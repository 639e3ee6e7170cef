import pino, { type Logger } from 'pino';

export type { Logger };

// Anything that may carry a credential is redacted before it is written.
export const REDACT_PATHS = [
  'secret',
  '*.secret',
  'password',
  '*.password',
  'apiKey',
  '*.apiKey',
  'accessToken',
  '*.accessToken',
  'webhookSecret',
  '*.webhookSecret',
  'secrets',
  '*.secrets',
  'headers.authorization',
  'headers["x-shopify-access-token"]',
  'headers["x-shopify-hmac-sha256"]',
  'headers["x-wc-webhook-signature"]',
  'req.headers.authorization',
  'req.headers["x-shopify-hmac-sha256"]',
  'req.headers["x-wc-webhook-signature"]',
  'req.headers["x-ebay-signature"]',
];

export function createLogger(options: { level: string; name?: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    { name: options.name ?? 'channelsync', level: options.level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
    options.destination,
  );
}
