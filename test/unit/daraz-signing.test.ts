import { z } from 'zod';
import fixture from '../fixtures/daraz/signing-vectors.json';
import { signDarazRequest } from '../../activities/marketplaces/daraz';
import { verifyDarazPush } from '../../activities/marketplaces/daraz/webhook';
import { lazopSign, pushSignature } from '../../simulators/daraz/signing';

// The adapter and the simulator sign independently; both must match the platform's published vectors.

const vectors = z
  .object({
    requests: z.array(z.object({ name: z.string(), secret: z.string(), apiPath: z.string(), params: z.record(z.string(), z.string()), sign: z.string() })).min(4),
    push: z.object({ appKey: z.string(), secret: z.string(), body: z.string(), authorization: z.string() }),
  })
  .parse(fixture);

describe('Daraz request signing', () => {
  it.each(vectors.requests)('adapter matches the $name vector', (v) => {
    expect(signDarazRequest({ apiPath: v.apiPath, params: v.params, appSecret: v.secret })).toBe(v.sign);
  });

  it.each(vectors.requests)('simulator matches the $name vector', (v) => {
    expect(lazopSign({ apiPath: v.apiPath, params: v.params, secret: v.secret })).toBe(v.sign);
  });

  it('leaves the sign parameter itself out and sorts by byte order', () => {
    const [v] = vectors.requests;
    const params = { ...v!.params, sign: 'ignored' };
    expect(signDarazRequest({ apiPath: v!.apiPath, params, appSecret: v!.secret })).toBe(v!.sign);
    // Upper-case keys sort before lower-case ones in byte order.
    const a = signDarazRequest({ apiPath: '/x', params: { b: '1', B: '2' }, appSecret: 's' });
    expect(a).toBe(lazopSign({ apiPath: '/x', params: { B: '2', b: '1' }, secret: 's' }));
  });

  it('changes when any value changes', () => {
    const [v] = vectors.requests;
    const params = { ...v!.params, order_id: '1235' };
    expect(signDarazRequest({ apiPath: v!.apiPath, params, appSecret: v!.secret })).not.toBe(v!.sign);
  });

  it('simulator can skip empty values the way the Java gateway does', () => {
    const withEmpty = { a: '1', b: '' };
    expect(lazopSign({ apiPath: '/x', params: withEmpty, secret: 's', empty: 'skip' })).toBe(lazopSign({ apiPath: '/x', params: { a: '1' }, secret: 's' }));
    expect(lazopSign({ apiPath: '/x', params: withEmpty, secret: 's' })).not.toBe(lazopSign({ apiPath: '/x', params: { a: '1' }, secret: 's' }));
  });
});

describe('Daraz push signature', () => {
  const { push } = vectors;
  const request = (authorization: string, body = push.body) => ({
    rawBody: Buffer.from(body, 'utf8'),
    headers: { authorization },
    account: 'pk-main',
  });

  it('simulator signs the vector body to the expected digest', () => {
    expect(pushSignature({ appKey: push.appKey, secret: push.secret, body: push.body })).toBe(push.authorization);
  });

  it('adapter accepts the vector in either case and rejects a changed body or key', () => {
    const keys = { appKey: push.appKey, appSecret: push.secret };
    expect(verifyDarazPush(request(push.authorization), keys)).toEqual({ ok: true });
    expect(verifyDarazPush(request(push.authorization.toUpperCase()), keys)).toEqual({ ok: true });
    expect(verifyDarazPush(request(push.authorization, push.body.replace('pending', 'canceled')), keys).ok).toBe(false);
    expect(verifyDarazPush(request(push.authorization), { ...keys, appKey: '654321' }).ok).toBe(false);
    expect(verifyDarazPush({ rawBody: Buffer.from(push.body), headers: {}, account: 'pk-main' }, keys).ok).toBe(false);
  });
});
