import Fastify from 'fastify';
import { handleRest, type RestContext } from './api';
import { registerAdmin } from './admin';
import { assertLoopback, defaultSettings, type DarazSimulatorOptions } from './options';
import { Pusher } from './push';
import { DarazState, randomToken, VENTURES } from './state';

export { type DarazSimulatorOptions, DarazSettings } from './options';
export { lazopSign, pushSignature } from './signing';

// Daraz Open Platform (Lazada protocol) for one venture: /rest gateway, OAuth token APIs, push messages.

export interface DarazSimulator {
  url: string;
  /** Base the adapter uses: `${url}/rest`. */
  restUrl: string;
  appKey: string;
  appSecret: string;
  currency: string;
  close(): Promise<void>;
}

export async function startDarazSimulator(options: DarazSimulatorOptions = {}): Promise<DarazSimulator> {
  const country = options.country ?? 'PK';
  const venture = VENTURES[country];
  const appKey = options.appKey ?? '123456';
  const appSecret = options.appSecret ?? 'helloworld';
  const settings = { ...defaultSettings(venture.site), ...options.settings };
  assertLoopback(settings.pushUrl);
  const state = new DarazState();
  for (const p of options.products ?? []) {
    state.products.set(p.sellerSku, { sellerSku: p.sellerSku, name: p.name ?? p.sellerSku, price: p.price, quantity: p.quantity });
  }
  const tokenLifetimes = {
    accessSeconds: options.accessTokenSeconds ?? 30 * 86_400,
    refreshSeconds: options.refreshTokenSeconds ?? 180 * 86_400,
    refreshable: options.refreshable ?? true,
  };
  if (options.accessToken) {
    const seeded = state.issueToken({ ...tokenLifetimes, now: Date.now() });
    state.tokens.delete(seeded.accessToken);
    seeded.accessToken = options.accessToken;
    state.tokens.set(seeded.accessToken, seeded);
  }
  const push = new Pusher(state, settings, { appKey, appSecret });
  const ctx: RestContext = {
    state,
    settings,
    country,
    appKey,
    appSecret,
    timestampSkewSeconds: options.timestampSkewSeconds ?? 7200,
    timestampErrorCode: options.timestampErrorCode ?? 'InvalidTimestamp',
    emptyParamSigning: options.emptyParamSigning ?? 'include',
    tokenLifetimes,
    tokenNumbersAsStrings: options.tokenNumbersAsStrings ?? false,
    push,
    calls: new Map(),
  };

  const app = Fastify({ logger: false });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.route({
    method: ['GET', 'POST'],
    url: '/rest/*',
    handler: async (req, reply) => {
      if (state.faults.latencyMs > 0) await new Promise((r) => setTimeout(r, state.faults.latencyMs));
      if (state.faults.serverError > 0) {
        state.faults.serverError--;
        return reply.code(500).send({ type: 'SYSTEM', code: 'ServiceTimeout', message: 'The request has failed due to a temporary failure of the server' });
      }
      const params: Record<string, string> = {};
      // The signature covers the union of query and form parameters.
      for (const source of [req.query, req.body]) {
        if (!source || typeof source !== 'object') continue;
        for (const [key, value] of Object.entries(source as Record<string, unknown>)) {
          if (typeof value === 'string') params[key] = value;
        }
      }
      const apiPath = req.url.split('?')[0]!.slice('/rest'.length);
      const result = handleRest(ctx, apiPath, params, Date.now());
      return reply.code(result.status).send(result.body);
    },
  });
  // The seller's browser step: the simulated seller approves at once and is sent back with a code.
  app.get('/oauth/authorize', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    if (q.response_type !== 'code' || q.client_id !== appKey) return reply.code(400).send({ error: 'invalid_request' });
    if (!q.redirect_uri || (options.redirectUri !== undefined && q.redirect_uri !== options.redirectUri)) {
      return reply.code(400).send({ error: 'redirect_uri does not match the registered callback' });
    }
    const code = `0_${appKey}_${randomToken('')}`;
    state.authCodes.set(code, Date.now());
    const target = new URL(q.redirect_uri);
    target.searchParams.set('code', code);
    if (q.state !== undefined) target.searchParams.set('state', q.state);
    return reply.redirect(target.toString(), 302);
  });
  registerAdmin(app, ctx);

  const address = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  return {
    url: address,
    restUrl: `${address}/rest`,
    appKey,
    appSecret,
    currency: venture.currency,
    close: async () => {
      push.close();
      await app.close();
    },
  };
}
