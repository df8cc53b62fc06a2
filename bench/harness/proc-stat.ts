import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export interface ProcSample {
  /** Resident set size from /proc/<pid>/status `VmRSS`. */
  rssBytes: number;
  /** utime + stime from /proc/<pid>/stat, in clock ticks. */
  cpuTicks: number;
  /** When the sample was taken, from `process.hrtime.bigint()`. */
  atNanos: bigint;
}

/** Kernel clock ticks per second (`getconf CLK_TCK`); 100 on every Linux we run on. */
export function clockTicksPerSecond(): number {
  const result = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const ticks = Number(result.stdout?.trim());
  return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
}

export async function sampleProcess(pid: number): Promise<ProcSample> {
  const [status, stat] = await Promise.all([
    readFile(`/proc/${pid}/status`, 'utf8'),
    readFile(`/proc/${pid}/stat`, 'utf8'),
  ]);
  const atNanos = process.hrtime.bigint();
  const rss = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!rss) throw new Error(`/proc/${pid}/status has no VmRSS line`);
  // The command name (field 2) may contain spaces and parentheses: fields are counted after the last ')'.
  // What follows is field 3 (state), so utime and stime (fields 14 and 15) are at indexes 11 and 12.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`/proc/${pid}/stat is not parseable`);
  return { rssBytes: Number(rss[1]) * 1024, cpuTicks: utime + stime, atNanos };
}

/** CPU use between two samples, in percent of one core. */
export function cpuPercent(start: ProcSample, end: ProcSample, ticksPerSecond: number): number {
  const wallSeconds = Number(end.atNanos - start.atNanos) / 1e9;
  return ((end.cpuTicks - start.cpuTicks) / ticksPerSecond / wallSeconds) * 100;
}
