import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openQueue, payloadOf, queueDir, range } from './queue/queue.test.helper.js';
import { HEADER_BYTES } from './queue/record-codec.js';
import { computeQueueDepth, readQueueStats, STATS_FILE } from './queue-stats.js';

describe('queue stats', () => {
  it('reads what the queue wrote: depth, oldest, last success and error, counts', async () => {
    const dir = await queueDir();
    const { queue, clock } = await openQueue(dir);
    const start = clock.now();
    for (const n of range(1, 4)) await queue.append(payloadOf(n), { points: 3 });
    const lease = await queue.take(2);
    queue.recordSent(lease!, 1);
    queue.ack(lease!);
    clock.advance(1000);
    queue.recordError('http_503');
    await queue.close();
    expect(await readQueueStats(dir)).toEqual({
      depthRecords: 2,
      depthBytes: 2 * (HEADER_BYTES + 100),
      oldestEnqueuedAt: new Date(start).toISOString(),
      lastSuccessAt: new Date(start).toISOString(),
      lastError: { at: new Date(start + 1000).toISOString(), reason: 'http_503' },
      diskFull: false,
      counts: {
        sentBatches: 1,
        sentRecords: 2,
        sentPoints: 6,
        retries: 0,
        rejectedPoints: 1,
        possibleDuplicates: 0,
        dropped: { overflow: 0, expired: 0, corrupt: 0, disk_full: 0, write_failed: 0, rejected: 0, revoked: 0 },
      },
      updatedAt: new Date(start + 1000).toISOString(),
    });
  });

  it('is written at most once per interval while the queue runs', async () => {
    const dir = await queueDir();
    const { queue, clock } = await openQueue(dir);
    await queue.append(payloadOf(1), { points: 1 });
    clock.advance(1000);
    await queue.checkpoint(); // lets the throttled write land
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await readQueueStats(dir)).toMatchObject({ depthRecords: 1 });
    await queue.append(payloadOf(2), { points: 1 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await readQueueStats(dir)).toMatchObject({ depthRecords: 1 });
    clock.advance(1000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await readQueueStats(dir)).toMatchObject({ depthRecords: 2 });
    await queue.close();
  });

  it('without a stats file, computes the depth from the segments', async () => {
    const dir = await queueDir();
    const { queue, clock } = await openQueue(dir);
    for (const n of range(1, 3)) await queue.append(payloadOf(n), { points: 1 });
    await queue.close();
    await writeFile(path.join(dir, STATS_FILE), 'not json');
    const stats = await readQueueStats(dir);
    expect(stats).toMatchObject({
      depthRecords: 3,
      depthBytes: 3 * (HEADER_BYTES + 100),
      oldestEnqueuedAt: new Date(clock.now()).toISOString(),
      lastError: null,
      counts: { sentRecords: 0 },
    });
    expect(await computeQueueDepth(dir)).toMatchObject({ depthRecords: 3 });
    expect(await readQueueStats(path.join(dir, 'missing'))).toBeUndefined();
  });

  it('never passes on anything but a short code as the last error', async () => {
    const dir = await queueDir();
    await openQueue(dir).then(({ queue }) => queue.close());
    await writeFile(
      path.join(dir, STATS_FILE),
      JSON.stringify({ lastError: { at: '2026-01-01T00:00:00Z', reason: 'https://user:secret@host/ failed' } }),
    );
    expect((await readQueueStats(dir))?.lastError?.reason).toMatch(/^[\w.:-]+$/);
  });
});
