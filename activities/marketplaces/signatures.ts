import { createHmac, timingSafeEqual } from 'node:crypto';

/** Constant-time comparison of two signature strings (length leak only). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) {
    // Still spend the comparison so timing does not depend on where they differ.
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

export function hmacSha256(key: string | Buffer, message: string | Buffer, encoding: 'base64' | 'hex'): string {
  return createHmac('sha256', key).update(message).digest(encoding);
}

export function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
