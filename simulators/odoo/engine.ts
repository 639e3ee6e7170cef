import { callMethod, type MethodCall } from './dispatch';
import { OdooException } from './errors';
import { activeOutage, type FaultState, noFaults } from './faults';
import { buildModels } from './models';
import { buildPayloads, post, type SentNotification } from './notify';
import { type Env, type ModelDef, type Notification, odooNow } from './orm';
import { seedBase, seedDemo } from './seed';
import { Store } from './store';
import { type SimVersion, type VersionProfile, versionProfile } from './versions';

// The simulated Odoo instance: one database, its users, faults, and the per-call transaction.

const READ_ONLY_METHODS = new Set(['search', 'search_read', 'search_count', 'read', 'fields_get']);

export interface SimUser {
  login: string;
  password: string;
  apiKey?: string;
}

export interface CallLogEntry {
  protocol: 'jsonrpc' | 'json2';
  model: string;
  method: string;
}

export class OdooEngine {
  readonly store = new Store();
  readonly profile: VersionProfile;
  readonly models: Record<string, ModelDef>;
  faults: FaultState = noFaults();
  readonly sent: SentNotification[] = [];
  readonly calls: CallLogEntry[] = [];
  private pending = new Set<Promise<unknown>>();

  constructor(
    version: SimVersion,
    readonly database: string,
    readonly users: SimUser[],
    private readonly notifyUrl: string | undefined,
    private readonly notifyHeaders: Record<string, string> = {},
  ) {
    this.profile = versionProfile(version);
    this.models = buildModels(this.profile);
  }

  /** uid of users[i] is i + 2, like Odoo's admin (uid 1 is OdooBot / superuser). */
  userAt(uid: number): SimUser | undefined {
    return this.users[uid - 2];
  }

  seed(kind: 'demo' | 'empty'): void {
    this.store.restore(JSON.stringify({ tables: {}, nextId: {}, sequences: {} }));
    this.transact((env) => {
      seedBase(env, this.users.map((u) => u.login));
      if (kind === 'demo') seedDemo(env);
    });
    this.sent.length = 0;
    this.calls.length = 0;
  }

  authenticate(db: unknown, login: unknown, secret: unknown): number | false {
    if (db !== this.database) return false;
    const index = this.users.findIndex((u) => u.login === login && (u.password === secret || (u.apiKey !== undefined && u.apiKey === secret)));
    return index < 0 ? false : index + 2;
  }

  /** security.check on every object call: stateless, wrong secret -> AccessDenied. */
  checkCredentials(db: unknown, uid: unknown, secret: unknown): number {
    const user = typeof uid === 'number' ? this.userAt(uid) : undefined;
    if (db !== this.database || !user || (user.password !== secret && (user.apiKey === undefined || user.apiKey !== secret))) {
      throw new OdooException('odoo.exceptions.AccessDenied', 'Access Denied');
    }
    return uid as number;
  }

  uidForApiKey(key: string): number | undefined {
    const index = this.users.findIndex((u) => u.apiKey !== undefined && u.apiKey === key);
    return index < 0 ? undefined : index + 2;
  }

  outage(): '503' | 'refuse' | undefined {
    return activeOutage(this.faults);
  }

  /** Takes one from a countdown fault; true when this call should fail that way. */
  consume(fault: 'serializationFailures' | 'accessErrors' | 'dropAfterCommit' | 'garbage'): boolean {
    if (this.faults[fault] <= 0) return false;
    this.faults = { ...this.faults, [fault]: this.faults[fault] - 1 };
    return true;
  }

  /** After a committed call: should the connection drop before the answer? */
  dropAfter(call: { model: string; method: string }): boolean {
    const only = this.faults.dropAfterCommitOn;
    if (only !== undefined && only !== `${call.model}.${call.method}`) return false;
    return this.consume('dropAfterCommit');
  }

  /** One object-service call: its own transaction, rolled back on error, notifications sent after commit. */
  objectCall(uid: number, call: MethodCall, protocol: CallLogEntry['protocol']): unknown {
    this.calls.push({ protocol, model: call.model, method: call.method });
    if (this.consume('accessErrors')) {
      throw new OdooException('odoo.exceptions.AccessError', `You are not allowed to access '${call.model}' records. (injected fault)`);
    }
    if (this.consume('serializationFailures')) {
      throw new OdooException('psycopg2.errors.SerializationFailure', 'could not serialize access due to concurrent update');
    }
    return this.transact((env) => callMethod(env, call), uid, READ_ONLY_METHODS.has(call.method));
  }

  /** Runs fn as one transaction. Read-only calls skip the snapshot (it costs a copy of the database). */
  transact<T>(fn: (env: Env) => T, uid = 1, readOnly = false): T {
    const before = readOnly ? undefined : this.store.snapshot();
    const intents: Notification[] = [];
    const env: Env = {
      store: this.store,
      profile: this.profile,
      models: this.models,
      context: {},
      uid,
      now: () => odooNow(),
      emit: (n) => intents.push(n),
      xmlidUnique: this.faults.xmlidUnique,
    };
    let result: T;
    try {
      result = fn(env);
    } catch (err) {
      if (before !== undefined) this.store.restore(before);
      throw err;
    }
    if (this.notifyUrl && intents.length > 0) {
      env.context = {};
      for (const body of buildPayloads(env, intents, this.database)) {
        const sending = post(this.notifyUrl, body, this.notifyHeaders).then((s) => this.sent.push(s));
        this.pending.add(sending);
        void sending.finally(() => this.pending.delete(sending));
      }
    }
    return result;
  }

  /** Resolves once every notification queued so far has been answered (tests await this). */
  async flushNotifications(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
