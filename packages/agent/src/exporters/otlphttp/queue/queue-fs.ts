import fs from 'node:fs';
import path from 'node:path';

/**
 * Every file operation the durable queue makes, on numeric descriptors. Injectable so a test can make a write
 * fail the way a full disk does (ENOSPC), which no test can arrange portably with a real disk.
 */
export interface QueueFs {
  mkdir(dir: string): Promise<void>;
  /** Names in `dir`; empty when it does not exist. */
  readdir(dir: string): Promise<string[]>;
  /** Creates (or truncates) a file for writing. */
  create(file: string): Promise<number>;
  /** Opens an existing file for reading and writing (truncation at recovery). */
  openReadWrite(file: string): Promise<number>;
  openRead(file: string): Promise<number>;
  size(fd: number): Promise<number>;
  /** One pread(2); resolves with the bytes read. */
  read(fd: number, into: Uint8Array, position: number): Promise<number>;
  /** One pwrite(2) at `position`; may write fewer bytes than asked for. */
  write(fd: number, data: Uint8Array, position: number): Promise<number>;
  truncate(fd: number, length: number): Promise<void>;
  datasync(fd: number): Promise<void>;
  close(fd: number): Promise<void>;
  unlink(file: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** Makes creations, renames and removals in `dir` durable. */
  syncDir(dir: string): Promise<void>;
  /** The whole file, or undefined when it does not exist. */
  readFile(file: string): Promise<Buffer | undefined>;
  /** Temp file, fsync, rename over `file`, fsync of the directory: a crash leaves the old or the new content. */
  writeFileAtomic(file: string, content: string | Uint8Array): Promise<void>;
}

function cb<T>(resolve: (value: T) => void, reject: (err: Error) => void) {
  return (err: Error | null, value: T): void => (err ? reject(err) : resolve(value));
}
function done(resolve: () => void, reject: (err: Error) => void) {
  return (err: Error | null): void => (err ? reject(err) : resolve());
}

let tempCounter = 0;

export const nodeQueueFs: QueueFs = {
  mkdir: (dir) =>
    new Promise((resolve, reject) => fs.mkdir(dir, { recursive: true, mode: 0o700 }, done(resolve, reject))),
  readdir: (dir) =>
    new Promise((resolve, reject) =>
      fs.readdir(dir, (err, names) =>
        err ? ((err as NodeJS.ErrnoException).code === 'ENOENT' ? resolve([]) : reject(err)) : resolve(names),
      ),
    ),
  create: (file) => new Promise((resolve, reject) => fs.open(file, 'w', 0o600, cb(resolve, reject))),
  openReadWrite: (file) => new Promise((resolve, reject) => fs.open(file, 'r+', cb(resolve, reject))),
  openRead: (file) => new Promise((resolve, reject) => fs.open(file, 'r', cb(resolve, reject))),
  size: (fd) => new Promise((resolve, reject) => fs.fstat(fd, (err, st) => (err ? reject(err) : resolve(st.size)))),
  read: (fd, into, position) =>
    new Promise((resolve, reject) => fs.read(fd, into, 0, into.byteLength, position, cb(resolve, reject))),
  write: (fd, data, position) =>
    new Promise((resolve, reject) => fs.write(fd, data, 0, data.byteLength, position, cb(resolve, reject))),
  truncate: (fd, length) => new Promise((resolve, reject) => fs.ftruncate(fd, length, done(resolve, reject))),
  datasync: (fd) => new Promise((resolve, reject) => fs.fdatasync(fd, done(resolve, reject))),
  close: (fd) => new Promise((resolve, reject) => fs.close(fd, done(resolve, reject))),
  unlink: (file) =>
    new Promise((resolve, reject) =>
      fs.unlink(file, (err) => (err && err.code !== 'ENOENT' ? reject(err) : resolve())),
    ),
  rename: (from, to) => new Promise((resolve, reject) => fs.rename(from, to, done(resolve, reject))),
  syncDir: async (dir) => {
    const handle = await fs.promises.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  readFile: async (file) => {
    try {
      return await fs.promises.readFile(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  },
  writeFileAtomic: async (file, content) => {
    const dir = path.dirname(file);
    const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${++tempCounter}.tmp`);
    const handle = await fs.promises.open(temp, 'w', 0o600);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } catch (error) {
      await handle.close();
      await fs.promises.rm(temp, { force: true });
      throw error;
    }
    await handle.close();
    try {
      await fs.promises.rename(temp, file);
    } catch (error) {
      await fs.promises.rm(temp, { force: true });
      throw error;
    }
    await nodeQueueFs.syncDir(dir);
  },
};
