import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ChannelEvent } from '../../domain';

// When Temporal cannot take an event, the gateway still owes the channel a 2xx (WooCommerce never retries and
// disables a webhook after repeated failures; Walmart tries 3 times; Noon kills the order). So the event goes to
// disk, fsynced, before the answer, and is forwarded once Temporal is back.

export interface Spool {
  /** Durably stores events; resolves only once they are on disk. */
  add(events: ChannelEvent[]): void;
  /** Forwards spooled events oldest first; stops at the first one Temporal refuses. */
  drain(deliver: (event: ChannelEvent) => Promise<unknown>): Promise<{ delivered: number; remaining: number }>;
  size(): number;
}

let sequence = 0;

export function createFileSpool(dir: string): Spool {
  mkdirSync(dir, { recursive: true });
  const files = () => readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  return {
    add(events) {
      for (const event of events) {
        const name = `${Date.now().toString().padStart(15, '0')}-${process.pid}-${(sequence++).toString().padStart(8, '0')}`;
        const temp = join(dir, `${name}.tmp`);
        const fd = openSync(temp, 'w');
        try {
          writeSync(fd, JSON.stringify(event));
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        // Rename is atomic: a crash never leaves a half-written event behind a .json name.
        renameSync(temp, join(dir, `${name}.json`));
      }
    },
    async drain(deliver) {
      let delivered = 0;
      const pending = files();
      for (const file of pending) {
        const path = join(dir, file);
        const event = ChannelEvent.parse(JSON.parse(readFileSync(path, 'utf8')));
        try {
          await deliver(event);
        } catch {
          return { delivered, remaining: pending.length - delivered };
        }
        unlinkSync(path);
        delivered++;
      }
      return { delivered, remaining: 0 };
    },
    size: () => files().length,
  };
}
