import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { statSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(REPO_ROOT, 'packages/agent/bin/prism-telemetry.js');

export async function tempDir(prefix = 'prism-e2e-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

/** An environment with no inherited data-dir settings, so tests never touch the real home directory. */
export function isolatedEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.PRISM_TELEMETRY_DIR;
  delete env.XDG_STATE_HOME;
  return { ...env, HOME: path.join(tmpdir(), 'prism-e2e-no-home'), ...extra };
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI to completion. */
export function runCli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; uid?: number; gid?: number; node?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.node ?? process.execPath, [CLI, ...args], {
      env: options.env ?? isolatedEnv(),
      cwd: options.cwd ?? REPO_ROOT,
      ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid ?? options.uid }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export interface RunningAgent {
  child: ChildProcessWithoutNullStreams;
  output(): { stdout: string; stderr: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `prism-telemetry start ...` and resolves once it says it is running. */
export async function startAgent(args: string[], env = isolatedEnv()): Promise<RunningAgent> {
  const child = spawn(process.execPath, [CLI, 'start', ...args], { env, cwd: REPO_ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  await Promise.race([
    waitFor(() => stdout.includes('agent running'), 15_000, 'the agent to say it is running'),
    exited.then(({ code }) => {
      throw new Error(`agent exited early with ${code}\n${stderr}`);
    }),
  ]);
  return { child, output: () => ({ stdout, stderr }), exited };
}

export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMillis: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMillis} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A pipeline config file for tests. */
export async function writeConfig(
  dir: string,
  options: { level?: string; interval?: string; dashboard?: { endpoint?: string; enabled?: boolean } } = {},
): Promise<string> {
  const file = path.join(dir, 'config.yaml');
  // An ephemeral port: agents of tests running side by side must not fight over the default 8080.
  const dashboard = { endpoint: '127.0.0.1:0', ...options.dashboard };
  await writeFile(
    file,
    [
      'telemetry:',
      `  privacy_level: ${options.level ?? 'standard'}`,
      `  dashboard: ${JSON.stringify(dashboard)}`,
      'receivers:',
      '  hostmetrics:',
      `    collection_interval: ${options.interval ?? '1s'}`,
      'exporters:',
      '  file: {}',
      '  alerts: {}',
      'service:',
      '  pipelines:',
      '    metrics/local:',
      '      receivers: [hostmetrics]',
      '      processors: [privacy]',
      '      exporters: [file, alerts]',
      '',
    ].join('\n'),
  );
  return file;
}

/** Every `.jsonl` file under `<dataDir>/metrics`, relative path -> lines. */
export async function readMetricFiles(dataDir: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const root = path.join(dataDir, 'metrics');
  for (const category of await readdir(root).catch(() => [] as string[])) {
    for (const file of await readdir(path.join(root, category)).catch(() => [] as string[])) {
      if (!file.endsWith('.jsonl')) continue;
      const text = await readFile(path.join(root, category, file), 'utf8');
      out.set(
        `metrics/${category}/${file}`,
        text.split('\n').filter((l) => l.length > 0),
      );
    }
  }
  return out;
}

/** Every file under a directory, recursively, as text: for "this string appears nowhere" checks. */
export async function readAllFiles(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out.set(path.relative(dir, full), await readFile(full));
  }
  return out;
}

/** True when a user other than the owner may execute `file` (every parent directory searchable too). */
export function othersCanExecute(file: string): boolean {
  try {
    if ((statSync(file).mode & 0o001) === 0) return false;
    for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
      if ((statSync(dir).mode & 0o001) === 0) return false;
      if (dir === path.dirname(dir)) return true;
    }
  } catch {
    return false;
  }
}
