import { spawn } from 'node:child_process';
import type { AlertEvent } from '../rule.js';
import { NOTIFY_TIMEOUT_MILLIS, type AlertNotifier, type NotifyResult } from './notifier.js';

/**
 * Runs `argv` for each event, without a shell (nothing in an event can become a command), with the event
 * as one line of JSON on stdin. The command's output is discarded: it is the user's, and may say anything.
 */
export class CommandNotifier implements AlertNotifier {
  readonly kind = 'command';
  readonly #argv: readonly string[];
  readonly #timeoutMillis: number;

  constructor(argv: readonly string[], options: { timeoutMillis?: number } = {}) {
    if (argv.length === 0 || argv[0] === '') throw new RangeError('alert command must name a program');
    this.#argv = argv;
    this.#timeoutMillis = options.timeoutMillis ?? NOTIFY_TIMEOUT_MILLIS;
  }

  notify(event: AlertEvent): Promise<NotifyResult> {
    const [program, ...args] = this.#argv as [string, ...string[]];
    return new Promise((resolve) => {
      let settled = false;
      const finish = (result: NotifyResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      let child: ReturnType<typeof spawn>;
      try {
        child = spawn(program, args, { shell: false, stdio: ['pipe', 'ignore', 'ignore'] });
      } catch (error) {
        // spawn throws synchronously for arguments it cannot pass (e.g. a NUL byte); notify never rejects.
        resolve({ ok: false, reason: (error as NodeJS.ErrnoException).code ?? 'spawn_failed' });
        return;
      }
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        finish({ ok: false, reason: 'timeout' });
      }, this.#timeoutMillis);
      timer.unref();
      child.on('error', (error: NodeJS.ErrnoException) => finish({ ok: false, reason: error.code ?? 'spawn_failed' }));
      child.on('close', (code, signal) => {
        if (code === 0) finish({ ok: true });
        else finish({ ok: false, reason: signal ? `signal_${signal}` : `exit_${String(code)}` });
      });
      // A command that does not read its stdin closes the pipe early; that is its business, not a failure.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(`${JSON.stringify(event)}\n`);
    });
  }
}
