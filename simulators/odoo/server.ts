import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import Fastify from 'fastify';
import { registerAdmin } from './admin';
import { createAdminClient, type OdooAdmin } from './admin-client';
import { OdooEngine, type SimUser } from './engine';
import { registerJson2 } from './json2';
import { assertLoopback } from './notify';
import { registerJsonRpc } from './rpc';
import { type SimVersion } from './versions';

export interface OdooSimulatorOptions {
  version: SimVersion;
  host?: string;
  port?: number;
  database?: string;
  /** The first user is the one returned as login/password/apiKey. Default: admin/admin with a random key. */
  users?: SimUser[];
  /** Loaded at start when it exists; /_admin/state/save writes it. */
  stateFile?: string;
  /** Loopback URL that receives stock, delivery and sale-cancellation notifications. */
  notifyUrl?: string;
  /** Headers every notification carries (the webhook action's configured shared-secret header). */
  notifyHeaders?: Record<string, string>;
  seed?: 'demo' | 'empty';
}

export interface OdooSimulator {
  url: string;
  version: SimVersion;
  database: string;
  login: string;
  password: string;
  apiKey: string;
  admin: OdooAdmin;
  close(): Promise<void>;
}

export async function startOdooSimulator(options: OdooSimulatorOptions): Promise<OdooSimulator> {
  if (options.notifyUrl) assertLoopback(options.notifyUrl);
  const users = (options.users ?? [{ login: 'admin', password: 'admin' }]).map((u) => ({ ...u, apiKey: u.apiKey ?? randomBytes(20).toString('hex') }));
  const database = options.database ?? 'odoo';
  const engine = new OdooEngine(options.version, database, users, options.notifyUrl, options.notifyHeaders);
  engine.seed(options.seed ?? 'demo');
  if (options.stateFile && existsSync(options.stateFile)) await engine.store.loadFrom(options.stateFile);

  const app = Fastify({ logger: false, forceCloseConnections: true });
  // Bodies arrive as text: Odoo's own parsing and error answers are part of what is simulated.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.setNotFoundHandler((_req, reply) => reply.code(404).type('text/html').send('<!doctype html><title>404: Not Found</title><h1>Not Found</h1>'));
  registerJsonRpc(app, engine);
  if (engine.profile.json2) registerJson2(app, engine);
  registerAdmin(app, engine, { stateFile: options.stateFile });

  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://${options.host ?? '127.0.0.1'}:${String(port)}`;
  const first = users[0]!;
  return {
    url,
    version: options.version,
    database,
    login: first.login,
    password: first.password,
    apiKey: first.apiKey,
    admin: createAdminClient(url),
    close: async () => {
      await engine.flushNotifications();
      await app.close();
    },
  };
}
