import os from 'node:os';
import path from 'node:path';

/**
 * A path fit for log lines and error messages: the home directory (which carries the user name) becomes `~`.
 * Every message in the store and exporters that names a file goes through this.
 */
export function displayPath(p: string, homedir: string = os.homedir()): string {
  const home = homedir.replace(/[\\/]+$/, '');
  // An empty or root home would turn every path into "~/..." and hide nothing useful.
  if (home === '') return p;
  if (p === home) return '~';
  for (const sep of new Set([path.sep, '/'])) {
    if (p.startsWith(home + sep)) return `~/${p.slice(home.length + sep.length)}`;
  }
  return p;
}
