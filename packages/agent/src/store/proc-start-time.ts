import { readFile } from 'node:fs/promises';

/**
 * Start time of a process in clock ticks since boot (field 22 of /proc/<pid>/stat), or undefined where there is
 * no /proc (not Linux) or the process is gone. Together with the pid it identifies one process, so a lock left
 * by a crashed agent is not mistaken for a live one when the pid has been reused.
 */
export async function processStartTimeTicks(pid: number): Promise<number | undefined> {
  let stat: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Field 2 (comm) is in parentheses and may contain spaces or ')'; the fields after the last ')' are plain.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(rest[22 - 3]);
  return Number.isSafeInteger(ticks) ? ticks : undefined;
}
