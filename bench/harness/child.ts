import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

const OUTPUT_LIMIT_CHARS = 64 * 1024;

/** A child process whose output and exit are recorded, so a benchmark can say why it died. */
export class Child {
  readonly name: string;
  readonly process: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output = '';
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  constructor(name: string, command: string, args: readonly string[], options: SpawnOptions) {
    this.name = name;
    this.process = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT_CHARS);
    };
    this.process.stdout?.on('data', keep);
    this.process.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => {
      this.process.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
      this.process.once('error', (error) => {
        keep(Buffer.from(`spawn failed: ${error.message}\n`));
        this.exit ??= { code: null, signal: null };
        resolve(this.exit);
      });
    });
  }

  get pid(): number {
    if (this.process.pid === undefined) throw new Error(`${this.name} did not start: ${this.output.trim()}`);
    return this.process.pid;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Resolves when the output matches `pattern`; rejects when the child exits first or time runs out. */
  async waitForOutput(pattern: RegExp, timeoutMillis: number): Promise<void> {
    const deadline = Date.now() + timeoutMillis;
    while (!pattern.test(this.output)) {
      if (!this.running)
        throw new Error(`${this.name} exited (${describeExit(this.exit)}) before it was ready:\n${this.tail()}`);
      if (Date.now() > deadline)
        throw new Error(`${this.name} was not ready after ${timeoutMillis} ms:\n${this.tail()}`);
      await sleep(50);
    }
  }

  /** SIGTERM, then SIGKILL after `graceMillis`; returns how it ended. */
  async stop(graceMillis = 5_000): Promise<{ killed: boolean; millis: number }> {
    const start = Date.now();
    if (!this.running) return { killed: false, millis: 0 };
    this.process.kill('SIGTERM');
    const timeout = new AbortController();
    const graceful = await Promise.race([
      this.exited.then(() => true),
      sleep(graceMillis, false, { signal: timeout.signal }).catch(() => false),
    ]);
    timeout.abort();
    if (!graceful) {
      this.process.kill('SIGKILL');
      await this.exited;
    }
    return { killed: !graceful, millis: Date.now() - start };
  }

  /** Last lines of output, for error messages. */
  tail(lines = 20): string {
    return this.output.trimEnd().split('\n').slice(-lines).join('\n');
  }
}

export function describeExit(exit: { code: number | null; signal: NodeJS.Signals | null } | undefined): string {
  if (!exit) return 'still running';
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}
