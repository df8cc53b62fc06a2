import { randomBytes } from 'node:crypto';
import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../component/clock.js';
import { systemClock } from '../component/clock.js';
import { PrismError } from '../errors.js';
import { displayPath } from './display-path.js';
import { dataDirError, errorCode } from './fs-error.js';
import { LOCK_FILE_NAME } from './layout.js';
import { processStartTimeTicks } from './proc-start-time.js';

/** What `<dataDir>/agent.lock` holds. */
export interface LockHolder {
  pid: number;
  /** Field 22 of /proc/<pid>/stat; with the pid it names one process even after the pid is reused. */
  startTimeTicks: number | null;
  startedAt: string;
}

export interface DataDirLock {
  /** Removes the lock file if it is still ours. Safe to call more than once. */
  release(): Promise<void>;
  /** The lock was left by an agent that died without releasing it (a crash or a kill -9). */
  readonly tookOverStale: boolean;
}

export interface AcquireLockOptions {
  clock?: Clock;
  /** Only used to shorten paths in messages. */
  homedir?: string;
}

/**
 * Makes this process the only writer of `dataDir`. The lock file is written to a temporary name and then
 * hard-linked into place, so it appears whole or not at all, and `link` fails with EEXIST while another holds it.
 * A lock left by a dead process (or unreadable) is stale and taken over once.
 */
export async function acquireDataDirLock(dataDir: string, options: AcquireLockOptions = {}): Promise<DataDirLock> {
  const clock = options.clock ?? systemClock;
  const lockPath = path.join(dataDir, LOCK_FILE_NAME);
  const ours: LockHolder = {
    pid: process.pid,
    startTimeTicks: (await processStartTimeTicks(process.pid)) ?? null,
    startedAt: new Date(clock.now()).toISOString(),
  };
  const content = `${JSON.stringify(ours)}\n`;
  const tmpPath = `${lockPath}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmpPath, content, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    throw dataDirError(
      'write lock file in',
      dataDir,
      err,
      'check the permissions of the data directory',
      options.homedir,
    );
  }
  const permissionHint = 'check the permissions of the data directory, or use --data-dir to pick another directory';
  let tookOverStale = false;
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await link(tmpPath, lockPath);
        return createLock(lockPath, content, tookOverStale);
      } catch (err) {
        if (errorCode(err) !== 'EEXIST') {
          throw dataDirError('create lock file in', dataDir, err, permissionHint, options.homedir);
        }
      }
      const { raw, holder } = await readHolder(lockPath).catch((err: unknown) => {
        throw dataDirError('read lock file in', dataDir, err, permissionHint, options.homedir);
      });
      if (raw === undefined) continue; // released between our link and our read
      if (holder && (await isRunning(holder))) throw lockedError(holder, dataDir, options.homedir);
      tookOverStale = true;
      if (attempt === 0) {
        await removeIfUnchanged(lockPath, raw).catch((err: unknown) => {
          throw dataDirError('remove stale lock file in', dataDir, err, permissionHint, options.homedir);
        });
      }
    }
    throw new PrismError(
      'PT_ERR_LOCKED',
      `could not take over the stale lock in ${displayPath(dataDir, options.homedir)}`,
      {
        hint: 'another agent may be starting at the same time; try again, or use --data-dir to pick another directory',
      },
    );
  } finally {
    await unlink(tmpPath).catch(() => undefined);
  }
}

function createLock(lockPath: string, content: string, tookOverStale: boolean): DataDirLock {
  let released: Promise<void> | undefined;
  return {
    tookOverStale,
    release() {
      released ??= (async () => {
        const { raw } = await readHolder(lockPath);
        // After a takeover by another agent (we were judged stale) the file is theirs: leave it.
        if (raw === content) await unlink(lockPath).catch(() => undefined);
      })();
      return released;
    },
  };
}

async function readHolder(lockPath: string): Promise<{ raw: string | undefined; holder: LockHolder | undefined }> {
  let raw: string;
  try {
    raw = await readFile(lockPath, 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return { raw: undefined, holder: undefined };
    throw err;
  }
  return { raw, holder: parseHolder(raw) };
}

export function parseHolder(raw: string): LockHolder | undefined {
  try {
    const v: unknown = JSON.parse(raw);
    if (typeof v !== 'object' || v === null) return undefined;
    const { pid, startTimeTicks, startedAt } = v as Record<string, unknown>;
    if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) return undefined;
    if (startTimeTicks !== null && typeof startTimeTicks !== 'number') return undefined;
    if (typeof startedAt !== 'string') return undefined;
    return { pid, startTimeTicks, startedAt };
  } catch {
    return undefined;
  }
}

async function isRunning(holder: LockHolder): Promise<boolean> {
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    // EPERM: alive, but owned by another user.
    if (errorCode(err) === 'ESRCH') return false;
  }
  if (holder.startTimeTicks === null) return true;
  const ticks = await processStartTimeTicks(holder.pid);
  // Without /proc (not Linux) the pid check is all there is.
  return ticks === undefined || ticks === holder.startTimeTicks;
}

/**
 * Removes a stale lock, unless another agent replaced it since we read it: the file is first renamed aside
 * and compared, so two agents taking over the same stale lock cannot delete each other's fresh one.
 */
async function removeIfUnchanged(lockPath: string, staleRaw: string): Promise<void> {
  const aside = `${lockPath}.stale.${process.pid}.${randomBytes(6).toString('hex')}`;
  try {
    await rename(lockPath, aside);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return;
    throw err;
  }
  try {
    const moved = await readFile(aside, 'utf8');
    if (moved !== staleRaw) await link(aside, lockPath).catch(() => undefined);
  } finally {
    await unlink(aside).catch(() => undefined);
  }
}

function lockedError(holder: LockHolder, dataDir: string, homedir: string | undefined): PrismError {
  return new PrismError(
    'PT_ERR_LOCKED',
    `another prism-telemetry agent (pid ${holder.pid}, started ${holder.startedAt}) is already using ${displayPath(dataDir, homedir)}`,
    { hint: 'stop it first, or use --data-dir to pick another directory' },
  );
}
