import { mkdir, mkdtemp, readdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../component/clock.js';
import { createMemoryLogger } from '../component/logger.js';
import { DurableQueue } from '../exporters/otlphttp/queue/durable-queue.js';
import { readQueueStats } from '../exporters/otlphttp/queue-stats.js';
import { purgeOutboundQueue, queueDir } from './queue-purge.js';

describe('purgeOutboundQueue', () => {
  it('is a no-op without a queue directory', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'prism-queue-'));
    expect(await purgeOutboundQueue(dir)).toEqual({ removedFiles: 0 });
  });

  it('removes every file and subdirectory, keeps the directory, and does not follow symlinks', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'prism-queue-'));
    const outside = path.join(dir, 'keep-me');
    await writeFile(outside, 'not queued');
    await mkdir(path.join(queueDir(dir), 'segments'), { recursive: true });
    await writeFile(path.join(queueDir(dir), 'batch-1'), 'a');
    await writeFile(path.join(queueDir(dir), 'segments', 'batch-2'), 'b');
    await symlink(outside, path.join(queueDir(dir), 'link'));
    expect(await purgeOutboundQueue(dir)).toEqual({ removedFiles: 3 });
    expect(await readdir(queueDir(dir))).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual(['keep-me', 'queue']);
  });

  it("keeps an exporter queue's counts: stats.json stays, depth 0, the records removed counted as revoked", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'prism-queue-'));
    const dir = path.join(queueDir(dataDir), 'otlphttp');
    const clock = new ManualClock();
    const open = (): Promise<DurableQueue> =>
      DurableQueue.open({ dir, maxBytes: 1 << 20, maxAgeMillis: 3600_000, clock, logger: createMemoryLogger() });
    const queue = await open();
    for (let n = 0; n < 5; n++) await queue.append(Buffer.from(`record ${n}`), { points: 1 });
    const lease = (await queue.take(2))!;
    queue.recordSent(lease, 0);
    queue.ack(lease);
    await queue.close();

    clock.advance(60_000);
    const { removedFiles } = await purgeOutboundQueue(dataDir, { now: () => clock.now() });
    expect(removedFiles).toBe(2); // the segment and the cursor
    expect(await readdir(dir)).toEqual(['stats.json']);
    expect(await readQueueStats(dir)).toMatchObject({
      depthRecords: 0,
      depthBytes: 0,
      oldestEnqueuedAt: null,
      counts: { sentRecords: 2, dropped: { revoked: 3 } },
      updatedAt: new Date(clock.now()).toISOString(),
    });
    // The next agent start goes on from these counts with an empty queue.
    const reopened = await open();
    expect(reopened.stats()).toMatchObject({ depthRecords: 0, counts: { sentRecords: 2, dropped: { revoked: 3 } } });
    await reopened.close();
  });
});
