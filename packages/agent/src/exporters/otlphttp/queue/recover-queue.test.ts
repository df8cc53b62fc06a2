import { randomBytes } from 'node:crypto';
import { readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeQueueDepth } from '../queue-stats.js';
import { CURSOR_FILE } from './cursor.js';
import { HEADER_BYTES } from './record-codec.js';
import { CORRUPT_DIR } from './recover-queue.js';
import { nodeQueueFs, type QueueFs } from './queue-fs.js';
import { diskFullFs, drain, openQueue, payloadOf, queueDir, range, segmentFiles } from './queue.test.helper.js';

const FRAME = HEADER_BYTES + 100;

/** A queue of records 1..count in one segment, closed; returns its directory and segment path. */
async function closedQueue(count: number, segmentMaxBytes?: number): Promise<{ dir: string; segment: string }> {
  const dir = await queueDir();
  const { queue } = await openQueue(dir, { segmentMaxBytes });
  for (const n of range(1, count)) await queue.append(payloadOf(n), { points: 1 });
  await queue.close();
  const [name] = await segmentFiles(dir);
  return { dir, segment: path.join(dir, name!) };
}

async function flipByte(file: string, offset: number): Promise<void> {
  const bytes = await readFile(file);
  bytes[offset] = bytes[offset]! ^ 0x5a;
  await writeFile(file, bytes);
}

describe('queue recovery', () => {
  it('a flipped payload byte loses only that record, counted when it is read', async () => {
    const { dir, segment } = await closedQueue(10);
    await flipByte(segment, 2 * FRAME + HEADER_BYTES + 10);
    const { queue } = await openQueue(dir);
    expect(await drain(queue)).toEqual([1, 2, 4, 5, 6, 7, 8, 9, 10]);
    expect(queue.stats().counts.dropped.corrupt).toBe(1);
    await queue.close();
    // The drop is in the cursor: not counted again at the next start.
    const again = (await openQueue(dir)).queue;
    expect(again.stats().counts.dropped.corrupt).toBe(1);
    await again.close();
  });

  it('a flipped header byte loses only that record; the records after it are kept in a new segment', async () => {
    const { dir, segment } = await closedQueue(10);
    await flipByte(segment, 4 * FRAME + 9); // inside record 5's sequence number
    const { queue } = await openQueue(dir);
    expect(queue.stats()).toMatchObject({ depthRecords: 9, counts: { dropped: { corrupt: 1 } } });
    expect(await segmentFiles(dir)).toHaveLength(2);
    await queue.close();
    // The repair is on disk: a second start finds nothing damaged.
    const again = (await openQueue(dir)).queue;
    expect(again.stats().counts.dropped.corrupt).toBe(1);
    expect(await drain(again)).toEqual([1, 2, 3, 4, 6, 7, 8, 9, 10]);
    await again.close();
  });

  it('a full disk during the repair: the intact records stay queued in place, nothing is moved aside', async () => {
    const { dir, segment } = await closedQueue(10);
    await flipByte(segment, 4 * FRAME + 9); // record 5's header
    const fs = diskFullFs();
    fs.full = true;
    const { queue, logger } = await openQueue(dir, { fs });
    expect(queue.stats().depthRecords).toBe(9);
    expect(await readdir(dir)).not.toContain(CORRUPT_DIR);
    // No partial copy left behind, and the damage is still there to repair.
    expect(await segmentFiles(dir)).toEqual([path.basename(segment)]);
    expect(logger.lines.join('')).toContain('ENOSPC');
    // Not counted yet: the damage is counted once it is cut out, so a retried repair never counts it twice.
    expect(queue.stats().counts.dropped.corrupt).toBe(0);
    await queue.close();

    fs.full = false;
    const again = (await openQueue(dir, { fs })).queue;
    expect(again.stats()).toMatchObject({ depthRecords: 9, counts: { dropped: { corrupt: 1 } } });
    expect(await segmentFiles(dir)).toHaveLength(2);
    expect(await drain(again)).toEqual([1, 2, 3, 4, 6, 7, 8, 9, 10]);
    await again.close();
    expect((await openQueue(dir)).queue.stats().counts.dropped.corrupt).toBe(1);
  });

  it('a full disk during the repair: the records are sent from the damaged file, its damage counted once', async () => {
    const { dir, segment } = await closedQueue(10);
    await flipByte(segment, 4 * FRAME + 9);
    const fs = diskFullFs();
    fs.full = true;
    const { queue } = await openQueue(dir, { fs });
    expect(await drain(queue)).toEqual([1, 2, 3, 4, 6, 7, 8, 9, 10]);
    fs.full = false;
    await queue.checkpoint();
    expect(await segmentFiles(dir)).toEqual([]);
    expect(queue.stats().counts.dropped.corrupt).toBe(1);
    await queue.close();
    const again = (await openQueue(dir)).queue;
    expect(again.stats()).toMatchObject({ depthRecords: 0, counts: { dropped: { corrupt: 1 } } });
    await again.close();
  });

  it('a segment that cannot be read (EIO) is left in place, uncounted, and read at the next start', async () => {
    const { dir } = await closedQueue(20, 1024);
    const [first, ...rest] = await segmentFiles(dir);
    expect(rest.length).toBeGreaterThan(0);
    const failing = new Set<number>();
    const fs: QueueFs = {
      ...nodeQueueFs,
      async openReadWrite(file) {
        const fd = await nodeQueueFs.openReadWrite(file);
        if (path.basename(file) === first) failing.add(fd);
        return fd;
      },
      async read(fd, into, position) {
        if (failing.has(fd)) throw Object.assign(new Error('EIO'), { code: 'EIO' });
        return nodeQueueFs.read(fd, into, position);
      },
      async close(fd) {
        failing.delete(fd);
        return nodeQueueFs.close(fd);
      },
    };
    const { queue } = await openQueue(dir, { fs, segmentMaxBytes: 1024 });
    const later = await drain(queue);
    expect(later[0]).toBeGreaterThan(1);
    expect(queue.stats().counts.dropped.corrupt).toBe(0);
    await queue.close();
    expect(await readdir(dir)).not.toContain(CORRUPT_DIR);

    // The cursor did not move past the unread segment: its records are all there at the next start.
    const again = (await openQueue(dir, { segmentMaxBytes: 1024 })).queue;
    expect(await drain(again)).toEqual(range(1, later[0]! - 1));
    expect(again.stats().counts.dropped.corrupt).toBe(0);
    await again.close();
  });

  it('a torn last record is truncated away and counted', async () => {
    const { dir, segment } = await closedQueue(10);
    await truncate(segment, 9 * FRAME + 50);
    const { queue } = await openQueue(dir);
    expect(queue.stats().counts.dropped.corrupt).toBe(1);
    expect((await readFile(segment)).byteLength).toBe(9 * FRAME);
    expect(await drain(queue)).toEqual(range(1, 9));
    await queue.close();
  });

  it('a segment of garbage is moved into corrupt/ and counted; start-up goes on', async () => {
    const { dir } = await closedQueue(5);
    await writeFile(path.join(dir, '0000000000000100.seg'), randomBytes(5000));
    const { queue } = await openQueue(dir);
    expect(queue.stats().counts.dropped.corrupt).toBe(1);
    expect(await readdir(path.join(dir, CORRUPT_DIR))).toEqual([expect.stringMatching(/^0000000000000100\.seg\./)]);
    expect(await drain(queue)).toEqual(range(1, 5));
    // With the garbage out of the way the queue takes new records as before.
    await queue.append(payloadOf(6), { points: 1 });
    await queue.close();
    expect(await drain((await openQueue(dir)).queue)).toEqual([6]);
  });

  it('all damage at once: start-up succeeds, loses exactly the damaged records, and counts each', async () => {
    const { dir, segment } = await closedQueue(20);
    await flipByte(segment, 2 * FRAME + HEADER_BYTES + 3); // record 3's payload
    await flipByte(segment, 9 * FRAME + 1); // record 10's magic
    await truncate(segment, 19 * FRAME + 20); // record 20 torn
    await writeFile(path.join(dir, '0000000000000200.seg'), Buffer.from('not a queue segment at all\n'));
    await writeFile(path.join(dir, '0000000000000300.seg'), Buffer.alloc(0)); // created, never written
    const { queue } = await openQueue(dir);
    const ids = await drain(queue);
    expect(ids).toEqual(range(1, 19).filter((n) => n !== 3 && n !== 10));
    expect(queue.stats().counts.dropped.corrupt).toBe(4);
    await queue.close();
  });

  it('a damaged cursor means everything on disk is sent again, marked as possible duplicates, never lost', async () => {
    const dir = await queueDir();
    const { queue } = await openQueue(dir);
    for (const n of range(1, 6)) await queue.append(payloadOf(n), { points: 1 });
    queue.ack((await queue.take(2))!);
    await queue.close();
    await writeFile(path.join(dir, CURSOR_FILE), '{"crc":1,"bo');
    const reopened = await openQueue(dir);
    const lease = await reopened.queue.take(10);
    expect(lease?.records.map((r) => r.seq)).toEqual(range(1, 6));
    expect(lease?.records.every((r) => r.uncertain)).toBe(true);
    expect(reopened.logger.lines.join('')).toContain('cursor file is damaged');
    await reopened.queue.close();
  });

  it('computeQueueDepth reads the depth without changing anything', async () => {
    const { dir, segment } = await closedQueue(8);
    const { queue } = await openQueue(dir);
    queue.ack((await queue.take(3))!);
    await queue.close();
    await truncate(segment, 7 * FRAME + 5);
    const before = await readFile(segment);
    expect(await computeQueueDepth(dir)).toMatchObject({ depthRecords: 4, depthBytes: 4 * FRAME });
    expect(await readFile(segment)).toEqual(before);
  });
});
