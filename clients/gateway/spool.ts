import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { type Logger } from '../../config/logger';
import { ChannelEvent } from '../../domain';

// When Temporal cannot take an event, the gateway still owes the channel a 2xx (WooCommerce never retries and
// disables a webhook after repeated failures; Walmart tries 3 times; Noon kills the order). So the event goes to
// disk, fsynced, before the answer, and is forwarded once Temporal is back.

export interface Spool {
  /** Durably stores events; resolves only once they are on disk. */
  add(events: ChannelEvent[]): void;
  /**
   * Forwards spooled events oldest first; stops at the first one Temporal refuses. A file that cannot be read as
   * an event is moved to `rejected/` (kept for a person, never deleted) and the drain goes on.
   */
  drain(deliver: (event: ChannelEvent) => Promise<unknown>): Promise<{ delivered: number; rejected: number; remaining: number }>;
  size(): number;
}

/** Subfolder of the spool where unreadable event files are kept. */
export const REJECTED_DIR = 'rejected';

let sequence = 0;

export function createFileSpool(dir: string, options: { logger?: Logger } = {}): Spool {
  mkdirSync(dir, { recursive: true });
  const rejectedDir = join(dir, REJECTED_DIR);
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
      let rejected = 0;
      const pending = files();
      for (const file of pending) {
        const path = join(dir, file);
        let event: ChannelEvent;
        try {
          event = ChannelEvent.parse(JSON.parse(readFileSync(path, 'utf8')));
        } catch (err) {
          // One bad file must not hold back every event behind it: set it aside for a person and go on.
          rejected++;
          const target = join(rejectedDir, file);
          try {
            mkdirSync(rejectedDir, { recursive: true });
            renameSync(path, target);
            options.logger?.error({ err, file, movedTo: target }, 'spooled event unreadable: moved aside, drain goes on');
          } catch (moveErr) {
            options.logger?.error({ err, moveErr, file }, 'spooled event unreadable and could not be moved aside: skipped');
          }
          continue;
        }
        try {
          await deliver(event);
        } catch {
          return { delivered, rejected, remaining: pending.length - delivered - rejected };
        }
        unlinkSync(path);
        delivered++;
      }
      return { delivered, rejected, remaining: 0 };
    },
    size: () => files().length,
  };
}
