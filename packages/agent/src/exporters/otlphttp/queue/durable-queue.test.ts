import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CURSOR_FILE, decodeCursor } from './cursor.js';
import { HEADER_BYTES } from './record-codec.js';
import { nodeQueueFs, type QueueFs } from './queue-fs.js';
import { STATS_FILE, parseQueueStats } from './stats-file.js';
import { diskFullFs, drain, idOf, openQueue, payloadOf, queueDir, range, segmentFiles } from './queue.test.helper.js';

describe('DurableQueue', () => {
  it('keeps every acknowledged record across close and reopen, in order, with its metadata', async () => {
    const dir = await queueDir();
    const { queue, clock } = await openQueue(dir, { segmentMaxBytes: 1024 });
    const results = await Promise.all(range(1, 50).map((n) => queue.append(payloadOf(n), { points: n })));
    expect(results.every((r) => r.queued)).toBe(true);
    expect((await segmentFiles(dir)).length).toBeGreaterThan(3);
    await queue.close();

    const reopened = (await openQueue(dir, { clock, segmentMaxBytes: 1024 })).queue;
    expect(reopened.stats()).toMatchObject({ depthRecords: 50, depthBytes: 50 * (HEADER_BYTES + 100) });
    const lease = await reopened.take(50);
    expect(lease?.records.map((r) => idOf(r.payload))).toEqual(range(1, 50));
    expect(lease?.records.map((r) => r.points)).toEqual(range(1, 50));
    expect(lease?.records.every((r) => r.enqueuedAt === clock.now() && !r.uncertain)).toBe(true);
    expect(Buffer.from(lease!.records[7]!.payload)).toEqual(payloadOf(8));
    await reopened.close();
  });

  it('forgets acknowledged records for good and deletes their segments', async () => {
    const dir = await queueDir();
    const { queue, clock } = await openQueue(dir, { segmentMaxBytes: 1024 });
    for (const n of range(1, 30)) await queue.append(payloadOf(n), { points: 1 });
    const lease = await queue.take(20);
    queue.ack(lease!);
    await queue.checkpoint();
    const left = await segmentFiles(dir);
    await queue.close();
    const reopened = (await openQueue(dir, { clock, segmentMaxBytes: 1024 })).queue;
    expect(await drain(reopened)).toEqual(range(21, 30));
    await reopened.checkpoint();
    expect((await segmentFiles(dir)).length).toBeLessThan(left.length);
    for (const n of range(31, 33)) await reopened.append(payloadOf(n), { points: 1 });
    await reopened.close();
    // Sequence numbers keep rising after every segment was consumed, so nothing new hides below the cursor.
    const again = (await openQueue(dir, { clock })).queue;
    expect(await drain(again)).toEqual(range(31, 33));
    await again.close();
  });

  it('a lease in flight at a crash is sent again and marked as a possible duplicate; nothing else is', async () => {
    const dir = await queueDir();
    const { queue, clock } = await openQueue(dir);
    for (const n of range(1, 10)) await queue.append(payloadOf(n), { points: 1 });
    queue.ack((await queue.take(3))!);
    await queue.take(4); // in flight when the process dies: never acknowledged, never closed
    const reopened = (await openQueue(dir, { clock })).queue;
    const lease = await reopened.take(10);
    expect(lease?.records.map((r) => [idOf(r.payload), r.uncertain])).toEqual([
      [4, true],
      [5, true],
      [6, true],
      [7, true],
      [8, false],
      [9, false],
      [10, false],
    ]);
    expect(reopened.stats().counts.possibleDuplicates).toBe(4);
    // Counted with the cursor before the send: a crash right now cannot lose the count.
    const third = (await openQueue(dir, { clock })).queue;
    expect(third.stats().counts.possibleDuplicates).toBe(4);
    expect((await third.take(10))?.records.filter((r) => r.uncertain)).toHaveLength(7);
    expect(third.stats().counts.possibleDuplicates).toBe(11);
    await third.close();
    await reopened.close();
  });

  it('a released lease the endpoint answered is not a possible duplicate', async () => {
    const dir = await queueDir();
    const { queue } = await openQueue(dir);
    for (const n of range(1, 4)) await queue.append(payloadOf(n), { points: 1 });
    queue.release((await queue.take(2))!, { answered: true });
    queue.release((await queue.take(1))!, { answered: false });
    const lease = await queue.take(4);
    expect(lease?.records.map((r) => r.uncertain)).toEqual([true, false, false, false]);
    await queue.close();
  });

  it('drops the oldest records past maxBytes and counts them exactly', async () => {
    const dir = await queueDir();
    const frame = HEADER_BYTES + 100;
    const { queue } = await openQueue(dir, { maxBytes: 10 * frame, segmentMaxBytes: 3 * frame });
    for (const n of range(1, 25)) await queue.append(payloadOf(n), { points: 1 });
    expect(queue.stats()).toMatchObject({ depthRecords: 10, depthBytes: 10 * frame });
    expect(queue.stats().counts.dropped.overflow).toBe(15);
    // A record bigger than the whole queue is refused rather than emptying it.
    expect(await queue.append(payloadOf(99, 11 * frame), { points: 1 })).toEqual({
      queued: false,
      reason: 'too_large',
    });
    expect(queue.stats().counts.dropped.overflow).toBe(16);
    expect(await drain(queue)).toEqual(range(16, 25));
    await queue.checkpoint();
    expect(await segmentFiles(dir)).toHaveLength(1);
    await queue.close();
  });

  it('a leased batch is never dropped for room; the next oldest go instead', async () => {
    const dir = await queueDir();
    const frame = HEADER_BYTES + 100;
    const { queue } = await openQueue(dir, { maxBytes: 5 * frame });
    for (const n of range(1, 5)) await queue.append(payloadOf(n), { points: 1 });
    const lease = await queue.take(2);
    for (const n of range(6, 8)) await queue.append(payloadOf(n), { points: 1 });
    expect(queue.stats().counts.dropped.overflow).toBe(3);
    queue.release(lease!, { answered: true });
    await queue.close();
    const reopened = (await openQueue(dir, { maxBytes: 5 * frame })).queue;
    expect(await drain(reopened)).toEqual([1, 2, 6, 7, 8]);
    await reopened.close();
  });

  it('expires records older than maxAgeMillis oldest-first, by the injected clock, and counts them', async () => {
    const dir = await queueDir();
    const { queue, clock } = await openQueue(dir, { maxAgeMillis: 60 * 60_000 });
    for (const n of range(1, 12)) {
      await queue.append(payloadOf(n), { points: 1 });
      clock.advance(10 * 60_000);
    }
    // Now 120 min after the first record: records queued at 0..50 min are older than an hour.
    expect(queue.sweepExpired()).toBe(6);
    expect(queue.stats().counts.dropped.expired).toBe(6);
    clock.advance(10 * 60_000);
    expect(await drain(queue)).toEqual(range(8, 12)); // take sweeps too
    expect(queue.stats().counts.dropped.expired).toBe(7);
    await queue.close();
  });

  it('counts persist across restarts in stats.json', async () => {
    const dir = await queueDir();
    const frame = HEADER_BYTES + 100;
    const { queue, clock } = await openQueue(dir, { maxBytes: 2 * frame });
    for (const n of range(1, 5)) await queue.append(payloadOf(n), { points: 1 });
    await queue.close();
    const stats = parseQueueStats(await readFile(path.join(dir, STATS_FILE), 'utf8'));
    expect(stats).toMatchObject({ depthRecords: 2, counts: { dropped: { overflow: 3 } } });
    const reopened = (await openQueue(dir, { clock, maxBytes: 2 * frame })).queue;
    await reopened.append(payloadOf(6), { points: 1 });
    expect(reopened.stats().counts.dropped.overflow).toBe(4);
    await reopened.close();
  });

  it('ENOSPC: the batch is refused and counted, the torn write cut back, and the queue recovers', async () => {
    const dir = await queueDir();
    const fs = diskFullFs();
    const { queue, clock, logger } = await openQueue(dir, { fs });
    for (const n of range(1, 3)) await queue.append(payloadOf(n), { points: 1 });
    const [segment] = await segmentFiles(dir);
    const sizeBefore = (await stat(path.join(dir, segment!))).size;

    fs.full = true;
    const refused = await Promise.all(range(4, 6).map((n) => queue.append(payloadOf(n), { points: 1 })));
    expect(refused).toEqual(Array(3).fill({ queued: false, reason: 'disk_full' }));
    expect(queue.stats()).toMatchObject({ diskFull: true, depthRecords: 3, counts: { dropped: { disk_full: 3 } } });
    expect((await stat(path.join(dir, segment!))).size).toBe(sizeBefore);
    expect(logger.lines.join('')).toContain('disk full');

    fs.full = false;
    expect((await queue.append(payloadOf(7), { points: 1 })).queued).toBe(true);
    expect(queue.stats().diskFull).toBe(false);
    await queue.close();
    const reopened = (await openQueue(dir, { clock })).queue;
    expect(await drain(reopened)).toEqual([1, 2, 3, 7]);
    expect(reopened.stats().counts.dropped).toMatchObject({ disk_full: 3, corrupt: 0 });
    await reopened.close();
  });

  it('ENOSPC while the cursor cannot be written: records are still sent, none lost', async () => {
    const dir = await queueDir();
    const fs = diskFullFs();
    const { queue, clock } = await openQueue(dir, { fs });
    for (const n of range(1, 4)) await queue.append(payloadOf(n), { points: 1 });
    fs.full = true;
    const lease = await queue.take(2);
    expect(lease?.records).toHaveLength(2);
    queue.ack(lease!);
    await queue.checkpoint();
    fs.full = false;
    await queue.close();
    const reopened = (await openQueue(dir, { clock })).queue;
    expect(await drain(reopened)).toEqual([3, 4]);
    await reopened.close();
  });

  it('purge removes every record durably and counts them as revoked', async () => {
    const dir = await queueDir();
    const { queue, clock } = await openQueue(dir, { segmentMaxBytes: 1024 });
    for (const n of range(1, 40)) await queue.append(payloadOf(n), { points: 1 });
    const lease = await queue.take(5);
    const racing = queue.append(payloadOf(41), { points: 1 });
    expect(await queue.purge()).toBe(41);
    await racing; // queued just before the purge (then removed by it) or refused by it: either way counted
    expect(queue.holds(lease!)).toBe(false);
    queue.ack(lease!); // a send that was in flight settles after the purge: harmless
    expect(await segmentFiles(dir)).toEqual([]);
    expect(queue.stats()).toMatchObject({ depthRecords: 0, counts: { dropped: { revoked: 41 } } });
    await queue.append(payloadOf(42), { points: 1 });
    await queue.close();
    const reopened = (await openQueue(dir, { clock })).queue;
    expect(await drain(reopened)).toEqual([42]);
    await reopened.close();
  });

  it('a purge or close while a take opens a segment leaks no descriptor and takes nothing', async () => {
    for (const stop of ['purge', 'close'] as const) {
      const open = new Set<number>();
      let opening: (() => void) | undefined;
      const fs: QueueFs = {
        ...nodeQueueFs,
        async openRead(file) {
          const fd = await nodeQueueFs.openRead(file);
          open.add(fd);
          await new Promise<void>((resolve) => (opening = resolve));
          return fd;
        },
        async close(fd) {
          open.delete(fd);
          return nodeQueueFs.close(fd);
        },
      };
      const dir = await queueDir();
      const { queue, clock } = await openQueue(dir, { fs });
      for (const n of range(1, 3)) await queue.append(payloadOf(n), { points: 1 });
      const taking = queue.take(10);
      while (!opening) await new Promise((resolve) => setTimeout(resolve, 1));
      const stopping = stop === 'purge' ? queue.purge() : queue.close();
      await new Promise((resolve) => setTimeout(resolve, 5));
      opening();
      expect(await taking).toBeUndefined();
      await stopping;
      await queue.close();
      expect([stop, open.size]).toEqual([stop, 0]);
      const reopened = (await openQueue(dir, { clock })).queue;
      const expected = stop === 'purge' ? { depthRecords: 0 } : { depthRecords: 3 };
      expect(reopened.stats()).toMatchObject({
        ...expected,
        counts: { possibleDuplicates: 0, dropped: { corrupt: 0 } },
      });
      if (stop === 'close') expect((await reopened.take(10))?.records.every((r) => !r.uncertain)).toBe(true);
      await reopened.close();
    }
  });

  it('writes the cursor atomically with a checksum', async () => {
    const dir = await queueDir();
    const { queue } = await openQueue(dir);
    for (const n of range(1, 3)) await queue.append(payloadOf(n), { points: 1 });
    await queue.take(2);
    const cursor = decodeCursor(await readFile(path.join(dir, CURSOR_FILE)));
    expect(typeof cursor === 'object' && [cursor.head, cursor.uncertain.toJSON()]).toEqual([1, [[1, 2]]]);
    await queue.close();
  });
});
