import fs from 'node:fs';

/**
 * The file operations the file exporter needs, on numeric descriptors. Injectable so a test can make a write fail
 * the way a full disk does, which no test can arrange portably with a real disk.
 */
export interface FileExporterFs {
  /** Creates the directory and missing parents with `mode`. */
  mkdir(path: string, mode: number): Promise<void>;
  /** Opens for appending (O_WRONLY | O_CREAT | O_APPEND), creating the file with `mode`. */
  openAppend(path: string, mode: number): Promise<number>;
  size(fd: number): Promise<number>;
  /** One write(2) of `data`; resolves with the bytes written, which may be fewer than asked for. */
  write(fd: number, data: Uint8Array): Promise<number>;
  truncate(fd: number, length: number): Promise<void>;
  datasync(fd: number): Promise<void>;
  close(fd: number): Promise<void>;
}

function settle<T>(resolve: (value: T) => void, reject: (err: Error) => void) {
  return (err: Error | null, value: T): void => (err ? reject(err) : resolve(value));
}

export const nodeFileExporterFs: FileExporterFs = {
  mkdir: (path, mode) =>
    new Promise((resolve, reject) =>
      fs.mkdir(path, { recursive: true, mode }, (err) => (err ? reject(err) : resolve())),
    ),
  openAppend: (path, mode) => new Promise((resolve, reject) => fs.open(path, 'a', mode, settle(resolve, reject))),
  size: (fd) =>
    new Promise((resolve, reject) => fs.fstat(fd, (err, stats) => (err ? reject(err) : resolve(stats.size)))),
  write: (fd, data) => new Promise((resolve, reject) => fs.write(fd, data, settle(resolve, reject))),
  truncate: (fd, length) =>
    new Promise((resolve, reject) => fs.ftruncate(fd, length, (err) => (err ? reject(err) : resolve()))),
  datasync: (fd) => new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve()))),
  close: (fd) => new Promise((resolve, reject) => fs.close(fd, (err) => (err ? reject(err) : resolve()))),
};
