import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileSpool, REJECTED_DIR } from '../../clients/gateway/spool';
import { createLogger } from '../../config/logger';
import { type ChannelEvent } from '../../domain';

// A spool file that cannot be read as an event (torn by a disk fault, edited by hand, written by an older
// version) is set aside, logged, and never holds back the events behind it.
describe('gateway spool drain with an unreadable file', () => {
  let dir: string;
  let lines: Record<string, unknown>[];
  const logger = () => createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'channelsync-spool-drain-'));
    lines = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const event = (externalId: string): ChannelEvent => ({
    type: 'order.notified', topic: 'orders/create', eventId: `evt-${externalId}`, channel: 'shopify', account: 'spool-shop',
    externalId, occurredAt: '2026-11-01T10:00:00Z', source: 'webhook',
  });
  const spooled = () => readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

  it.each([
    ['torn JSON', '{"type":"order.notified","eventId":'],
    ['JSON that is not an event', JSON.stringify({ type: 'order.notified', channel: 'nowhere' })],
  ])('moves %s to rejected/, logs it, and delivers the events after it', async (_what, bad) => {
    const spool = createFileSpool(dir, { logger: logger() });
    spool.add([event('A1')]);
    // Sorts between the two good events: drain order is name order.
    const badName = `${spooled()[0]!.replace(/\.json$/, '')}_bad.json`;
    writeFileSync(join(dir, badName), bad);
    spool.add([event('A2')]);
    expect(spooled()).toHaveLength(3);

    const delivered: string[] = [];
    const result = await spool.drain(async (e) => delivered.push(e.externalId));
    expect(result).toEqual({ delivered: 2, rejected: 1, remaining: 0 });
    expect(delivered).toEqual(['A1', 'A2']);
    expect(spool.size()).toBe(0);
    // Kept byte for byte for a person to look at, outside what the spool offers again.
    expect(readdirSync(join(dir, REJECTED_DIR))).toEqual([badName]);
    expect(readFileSync(join(dir, REJECTED_DIR, badName), 'utf8')).toBe(bad);
    const errors = lines.filter((l) => l.level === 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: badName, movedTo: join(dir, REJECTED_DIR, badName), msg: expect.stringContaining('moved aside') });

    // The next drain has nothing left to trip over.
    expect(await spool.drain(async () => undefined)).toEqual({ delivered: 0, rejected: 0, remaining: 0 });
  });

  it('still stops at the first event Temporal refuses, counting what is left', async () => {
    const spool = createFileSpool(dir, { logger: logger() });
    writeFileSync(join(dir, '000000000000000-0-bad.json'), 'not json');
    spool.add([event('B1'), event('B2')]);
    const result = await spool.drain(async (e) => {
      if (e.externalId === 'B2') throw new Error('Temporal unreachable');
    });
    expect(result).toEqual({ delivered: 1, rejected: 1, remaining: 1 });
    expect(spool.size()).toBe(1);
  });
});
