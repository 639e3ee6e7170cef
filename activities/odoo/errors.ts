import { OdooError } from './types';

// Odoo's error answers -> OdooError kinds. Names win over HTTP status; status decides when no name helps.

const ACCESS_NAMES = new Set([
  'odoo.exceptions.AccessDenied',
  'odoo.exceptions.AccessError',
  'werkzeug.exceptions.Unauthorized',
  'werkzeug.exceptions.Forbidden',
]);
const BUSINESS_NAMES = new Set([
  'odoo.exceptions.UserError',
  'odoo.exceptions.ValidationError',
  'odoo.exceptions.MissingError',
  'odoo.exceptions.RedirectWarning',
]);
// Odoo retries these server-side (MAX_TRIES_ON_CONCURRENCY_FAILURE) and gives up with the driver's class.
const TRANSIENT_NAME = /^psycopg2\.|SerializationFailure|LockNotAvailable|DeadlockDetected|ConcurrencyError/;

export interface OdooErrorInfo {
  /** data.name (JSON-RPC) or name (JSON-2), when present. */
  name?: string;
  message: string;
  /** HTTP status; JSON-RPC errors come with 200. */
  status: number;
}

export function classifyOdooError(info: OdooErrorInfo): OdooError {
  const { name, status } = info;
  const text = name ? `${name}: ${info.message}` : info.message;
  if (name && ACCESS_NAMES.has(name)) return new OdooError(text, 'access', name);
  if (name && BUSINESS_NAMES.has(name)) return new OdooError(text, 'business', name);
  if (name && TRANSIENT_NAME.test(name)) return new OdooError(text, 'transient', name);
  if (status === 401 || status === 403) return new OdooError(text, 'access', name);
  // JSON-2 answers business refusals (UserError family, unknown record) with 404/422.
  if (status === 404 || status === 422) return new OdooError(text, 'business', name);
  if (status >= 500 || status === 408 || status === 429) return new OdooError(text, 'transient', name);
  return new OdooError(text, 'protocol', name);
}

/** fetch failed before an answer: timeout, refused or reset connection. */
export function networkError(what: string, err: unknown): OdooError {
  const reason = err instanceof Error ? `${err.name}: ${err.message}${err.cause instanceof Error ? ` (${err.cause.message})` : ''}` : String(err);
  return new OdooError(`${what} failed: ${reason}`, 'transient');
}
