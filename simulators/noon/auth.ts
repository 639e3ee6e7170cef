import { createVerify, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { type ServiceKey } from './state';

// Service-account login: a JWT signed RS256 with the downloaded private key; sub = key_id.

const Header = z.object({ alg: z.literal('RS256'), typ: z.string().optional(), kid: z.string().optional() });
const Claims = z.object({ sub: z.string(), iat: z.number().int(), jti: z.string().min(8) });

function decodePart(part: string): unknown {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

export type JwtCheck = { ok: true; jti: string } | { ok: false; reason: string };

export function checkLoginJwt(input: { token: string; key: ServiceKey; nowSeconds: number; maxAgeSeconds: number }): JwtCheck {
  const parts = input.token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'token is not a JWT' };
  const [head, body, signature] = parts as [string, string, string];
  let header: unknown;
  let claims: unknown;
  try {
    header = decodePart(head);
    claims = decodePart(body);
  } catch {
    return { ok: false, reason: 'token parts are not JSON' };
  }
  if (!Header.safeParse(header).success) return { ok: false, reason: 'only RS256 tokens are accepted' };
  const parsed = Claims.safeParse(claims);
  if (!parsed.success) return { ok: false, reason: 'claims sub, iat and jti are required' };
  if (parsed.data.sub !== input.key.keyId) return { ok: false, reason: 'unknown key' };
  const verifier = createVerify('RSA-SHA256');
  verifier.update(`${head}.${body}`);
  if (!verifier.verify(input.key.publicKeyPem, Buffer.from(signature, 'base64url'))) return { ok: false, reason: 'bad signature' };
  if (Math.abs(input.nowSeconds - parsed.data.iat) > input.maxAgeSeconds) return { ok: false, reason: 'token too old or from the future' };
  return { ok: true, jti: parsed.data.jti };
}

export function sessionId(): string {
  return randomBytes(24).toString('base64url');
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}
