import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../domain/search-attributes';
import { ensureTemporalCli } from './temporal-cli';

export interface DevServerOptions {
  /** gRPC port; 0 picks a free one. */
  port?: number;
  /** Web UI port, or false for headless. */
  uiPort?: number | false;
  /** SQLite file; state survives restarts. Omit for in-memory. */
  dbFile?: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Server dynamic config (`--dynamic-config-value KEY=JSON`). */
  dynamicConfig?: Record<string, unknown>;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  env: TestWorkflowEnvironment;
  stop(): Promise<void>;
}

/** `temporal server start-dev` with channelsync's search attributes, via the SDK's process manager. */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const executable = await ensureTemporalCli();
  if (options.dbFile) mkdirSync(dirname(options.dbFile), { recursive: true });
  const ui = options.uiPort !== false && options.uiPort !== undefined;
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable,
      ip: '127.0.0.1',
      port: options.port || undefined,
      ui,
      uiPort: ui ? (options.uiPort as number) : undefined,
      dbFilename: options.dbFile,
      searchAttributes: [...CUSTOM_SEARCH_ATTRIBUTES],
      log: { format: 'pretty', level: options.logLevel ?? 'warn' },
      extraArgs: [
        ...(options.dbFile ? ['--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=OFF'] : []),
        ...Object.entries(options.dynamicConfig ?? {}).flatMap(([key, value]) => ['--dynamic-config-value', `${key}=${JSON.stringify(value)}`]),
      ],
    },
  });
  const address = env.address;
  return {
    address,
    uiUrl: ui ? `http://127.0.0.1:${options.uiPort as number}` : undefined,
    env,
    stop: () => env.teardown(),
  };
}
