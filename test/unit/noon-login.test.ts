import { loginJwt } from '../../activities/marketplaces/noon';
import { checkLoginJwt } from '../../simulators/noon/auth';
import { generateServiceKey, type ServiceKey } from '../../simulators/noon/state';

// The adapter's login JWT against the simulator's independent RS256 check.

let key: ServiceKey;
let other: ServiceKey;

beforeAll(async () => {
  [key, other] = await Promise.all([generateServiceKey(), generateServiceKey()]);
}, 60_000);

describe('noon login JWT', () => {
  const now = Date.parse('2026-04-09T08:42:15Z');
  const check = (token: string, at = now, k = key) => checkLoginJwt({ token, key: k, nowSeconds: Math.floor(at / 1000), maxAgeSeconds: 300 });

  it('is RS256 with sub = key_id, iat in seconds and a fresh jti', () => {
    const token = loginJwt({ keyId: key.keyId, privateKey: key.privateKeyPem, nowMs: now });
    const [head, claims] = token.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>);
    expect(head).toMatchObject({ alg: 'RS256', kid: key.keyId });
    expect(claims).toMatchObject({ sub: key.keyId, iat: now / 1000 });
    const again = loginJwt({ keyId: key.keyId, privateKey: key.privateKeyPem, nowMs: now });
    expect(check(token)).toMatchObject({ ok: true });
    expect(check(again)).toMatchObject({ ok: true });
    expect((check(token) as { jti: string }).jti).not.toBe((check(again) as { jti: string }).jti);
  });

  it('fails with another key, a changed claim, or an old iat', () => {
    const token = loginJwt({ keyId: key.keyId, privateKey: key.privateKeyPem, nowMs: now });
    expect(check(token, now, { ...other, keyId: key.keyId }).ok).toBe(false);
    const [h, c, s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(c!, 'base64url').toString()), iat: now / 1000 + 1 })).toString('base64url');
    expect(check(`${h}.${forged}.${s}`).ok).toBe(false);
    expect(check(token, now + 301_000).ok).toBe(false);
    const wrongSub = loginJwt({ keyId: 'someone-else', privateKey: key.privateKeyPem, nowMs: now });
    expect(check(wrongSub).ok).toBe(false);
  });
});
