import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';

export function testAddress(): string {
  const address = process.env.TEMPORAL_TEST_ADDRESS;
  if (!address) throw new Error('TEMPORAL_TEST_ADDRESS is not set: run through jest (global setup starts the server)');
  return address;
}

export async function connectTest(): Promise<{ client: Client; connection: Connection; nativeConnection: NativeConnection; close(): Promise<void> }> {
  const address = testAddress();
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  const client = new Client({ connection, namespace: 'default' });
  return {
    client,
    connection,
    nativeConnection,
    async close() {
      await connection.close();
      await nativeConnection.close();
    },
  };
}

let counter = 0;
/** A task queue no other test uses. */
export function uniqueTaskQueue(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now()}-${counter}`;
}

/**
 * Polls `read` until `ok` holds (a read that throws, e.g. a query before the workflow exists, counts as not
 * yet), or fails naming `what` and the last value seen.
 */
export async function eventually<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < end) {
    try {
      last = await read();
      if (ok(last)) return last;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} not reached; last value: ${JSON.stringify(last)}${lastError ? `; last error: ${String(lastError)}` : ''}`);
}
