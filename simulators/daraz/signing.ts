import { createHmac } from 'node:crypto';

// The gateway's own check, written independently of the adapter so each can catch the other's mistakes.

export type EmptyParamSigning = 'include' | 'skip';

/** API path + sorted key/value pairs, HMAC-SHA256 with the app secret, upper-case hex. */
export function lazopSign(input: {
  apiPath: string;
  params: Record<string, string>;
  secret: string;
  empty?: EmptyParamSigning;
}): string {
  const keys = Object.keys(input.params)
    .filter((k) => k !== 'sign')
    .filter((k) => input.empty !== 'skip' || input.params[k] !== '')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let text = input.apiPath;
  for (const key of keys) text += key + (input.params[key] ?? '');
  return createHmac('sha256', input.secret).update(text, 'utf8').digest('hex').toUpperCase();
}

/** Push messages: lower-case hex HMAC-SHA256 over app_key followed by the exact body. */
export function pushSignature(input: { appKey: string; secret: string; body: string }): string {
  return createHmac('sha256', input.secret).update(input.appKey + input.body, 'utf8').digest('hex');
}
