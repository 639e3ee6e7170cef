// Exceptions the simulator raises, named the way Odoo's serialize_exception names them.

export type OdooExceptionName =
  | 'odoo.exceptions.UserError'
  | 'odoo.exceptions.ValidationError'
  | 'odoo.exceptions.MissingError'
  | 'odoo.exceptions.AccessError'
  | 'odoo.exceptions.AccessDenied'
  | 'psycopg2.errors.SerializationFailure'
  | 'builtins.ValueError'
  | 'builtins.TypeError'
  | 'builtins.AttributeError'
  | 'builtins.KeyError'
  | 'builtins.Exception'
  | 'werkzeug.exceptions.Unauthorized'
  | 'werkzeug.exceptions.NotFound'
  | 'werkzeug.exceptions.UnprocessableEntity';

export class OdooException extends Error {
  constructor(
    readonly odooName: OdooExceptionName,
    message: string,
  ) {
    super(message);
  }

  /** HTTP status JSON-2 answers with; JSON-RPC always answers 200. */
  get httpStatus(): number {
    switch (this.odooName) {
      case 'werkzeug.exceptions.Unauthorized':
      case 'odoo.exceptions.AccessDenied':
        return 401;
      case 'odoo.exceptions.AccessError':
        return 403;
      case 'werkzeug.exceptions.NotFound':
      case 'odoo.exceptions.MissingError':
        return 404;
      case 'odoo.exceptions.UserError':
      case 'odoo.exceptions.ValidationError':
      case 'werkzeug.exceptions.UnprocessableEntity':
      case 'builtins.TypeError':
        return 422;
      default:
        return 500;
    }
  }
}

export const userError = (message: string) => new OdooException('odoo.exceptions.UserError', message);
export const validationError = (message: string) => new OdooException('odoo.exceptions.ValidationError', message);
export const missingError = (message: string) => new OdooException('odoo.exceptions.MissingError', message);
export const accessError = (message: string) => new OdooException('odoo.exceptions.AccessError', message);
export const valueError = (message: string) => new OdooException('builtins.ValueError', message);

/** The error body both protocols carry: `data` of a JSON-RPC error, or the whole JSON-2 body. */
export function serializeException(err: OdooException): {
  name: string;
  message: string;
  arguments: unknown[];
  context: Record<string, unknown>;
  debug: string;
} {
  // Odoo suppresses the traceback for AccessDenied.
  const debug =
    err.odooName === 'odoo.exceptions.AccessDenied'
      ? ''
      : `Traceback (most recent call last):\n  File "odoo/http.py", line 1, in _serve_db\n${err.odooName}: ${err.message}\n`;
  return { name: err.odooName, message: err.message, arguments: [err.message], context: {}, debug };
}
