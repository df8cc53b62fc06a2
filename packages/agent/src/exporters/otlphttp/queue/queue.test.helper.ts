import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../../component/clock.js';
import { createMemoryLogger } from '../../../component/logger.js';
import { DurableQueue, type DurableQueueOptions } from './durable-queue.js';
import { nodeQueueFs, type QueueFs } from './queue-fs.js';

export async function queueDir(): Promise<string> {
  return path.join(await mkdtemp(path.join(tmpdir(), 'prism-queue-')), 'queue', 'otlphttp');
}

export function payloadOf(n: number, size = 100): Buffer {
  const text = `record-${n};`;
  return Buffer.from(text.repeat(Math.ceil(size / text.length)).slice(0, size));
}

export function idOf(payload: Uint8Array): number {
  return Number(/^record-(\d+);/.exec(Buffer.from(payload).toString('latin1'))?.[1]);
}

export async function openQueue(
  dir: string,
  options: Partial<DurableQueueOptions> = {},
): Promise<{ queue: DurableQueue; clock: ManualClock; logger: ReturnType<typeof createMemoryLogger> }> {
  const clock = (options.clock as ManualClock | undefined) ?? new ManualClock();
  const logger = createMemoryLogger();
  const queue = await DurableQueue.open({
    dir,
    maxBytes: 64 * 1024 * 1024,
    maxAgeMillis: 24 * 3600_000,
    logger,
    ...options,
    clock,
  });
  return { queue, clock, logger };
}

/** Takes, acknowledges and returns every queued record's id, in order. */
export async function drain(queue: DurableQueue, batch = 7): Promise<number[]> {
  const ids: number[] = [];
  for (let lease = await queue.take(batch); lease; lease = await queue.take(batch)) {
    ids.push(...lease.records.map((r) => idOf(r.payload)));
    queue.ack(lease);
  }
  return ids;
}

export async function segmentFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.endsWith('.seg')).sort();
}

export const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(code), { code });
}

/**
 * The real file system, except that while `full` is set every write behaves as on a full disk: it writes part
 * of the data (a short write, as write(2) does when space runs out mid-way), then fails with ENOSPC.
 */
export function diskFullFs(): QueueFs & { full: boolean } {
  const state = { full: false };
  return Object.assign(state, {
    ...nodeQueueFs,
    async write(fd: number, data: Uint8Array, position: number): Promise<number> {
      if (!state.full) return nodeQueueFs.write(fd, data, position);
      if (data.byteLength > 16) return nodeQueueFs.write(fd, data.subarray(0, data.byteLength >> 1), position);
      throw errno('ENOSPC');
    },
    async writeFileAtomic(file: string, content: string | Uint8Array): Promise<void> {
      if (state.full) throw errno('ENOSPC');
      return nodeQueueFs.writeFileAtomic(file, content);
    },
  });
}
