import path from 'node:path';
import type { CursorWriter } from './cursor-writer.js';
import type { QueueAppender } from './queue-append.js';
import type { QueueLeases } from './queue-lease.js';
import type { QueueState } from './queue-state.js';
import { closeQuietly, CORRUPT_DIR } from './recover-queue.js';
import { segmentFirstSeq } from './segment-scan.js';

export interface PurgeParts {
  appender: QueueAppender;
  leases: QueueLeases;
  cursor: CursorWriter;
}

/**
 * Consent revoked: whatever was queued under the consent must not be sent later, nor stay on disk. Every
 * record, leased or queued or about to be, is removed from disk and counted `revoked`; the lease under way and
 * reads started before are void (`generation`), and appends wait until the queue is empty. Resolves with how
 * many records were removed.
 */
export async function purgeQueue(state: QueueState, { appender, leases, cursor }: PurgeParts): Promise<number> {
  while (state.purging) await state.purging;
  state.generation++;
  let removed = appender.revokePending();
  const run = async (): Promise<void> => {
    await appender.draining;
    removed += state.live.length + state.leased.length;
    state.live.clear();
    leases.forget();
    const active = state.active;
    state.active = undefined;
    if (active) await state.fs.close(active.fd).catch(() => undefined);
    const { dir, fs } = state;
    for (const segment of state.segments) {
      await closeQuietly(fs, segment);
      // Its damaged records are lost to the damage, not to the revocation.
      if (segment.unrepaired) state.counts.dropped.corrupt += segment.unrepaired;
    }
    state.segments = [];
    state.deletable = [];
    state.headLimit = undefined;
    const names = await fs.readdir(dir);
    for (const name of names) {
      if (segmentFirstSeq(name) !== undefined) await fs.unlink(path.join(dir, name));
    }
    // Damaged files moved aside hold queued data too.
    for (const name of await fs.readdir(path.join(dir, CORRUPT_DIR))) {
      await fs.unlink(path.join(dir, CORRUPT_DIR, name));
    }
    state.consumed.clear();
    state.uncertain.clear();
    state.depthBytes = 0;
    state.cursorDirty = true;
    await cursor.write();
    await fs.syncDir(dir).catch(() => undefined);
    state.counts.dropped.revoked += removed;
    await state.statsFile.flush();
  };
  state.purging = run();
  try {
    await state.purging;
  } finally {
    state.purging = undefined;
    appender.resume();
  }
  return removed;
}
