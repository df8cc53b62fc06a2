import { statSync, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Clock, Ticker } from '../component/clock.js';
import type { Component } from '../component/component.js';
import type { Logger } from '../component/logger.js';
import { PrismError } from '../errors.js';
import { readState } from './telemetry-state.js';
import type { TelemetryState } from './types.js';

export interface StateWatcherOptions {
  dataDir: string;
  clock: Clock;
  logger: Logger;
  intervalMillis?: number;
  /** Called with the first state at start, then whenever mode, consent or data generation change. */
  onChange(state: TelemetryState, previous: TelemetryState | undefined): Promise<void> | void;
}

const STATE_FILE = 'state.json';

/** Which version of state.json is on disk: an atomic write replaces the file, so the inode changes too. */
function stampOf(stat: { ino: number; size: number; mtimeMs: number } | undefined): string {
  return stat ? `${stat.ino}:${stat.size}:${stat.mtimeMs}` : 'none';
}

function fingerprint(state: TelemetryState): string {
  return JSON.stringify([state.mode, state.modeSince, state.consent?.id, state.dataGeneration]);
}

/**
 * Polls `<data-dir>/state.json`, so that `mode`, `enable`, `disable`, `delete` and the dashboard, all of which
 * only write that file, take effect in a running agent within one interval.
 */
export class StateWatcher implements Component {
  readonly #options: StateWatcherOptions;
  #ticker: Ticker | undefined;
  #current: TelemetryState | undefined;
  #checking: Promise<void> | undefined;
  /** The version of state.json the current state was read from (taken before the read: errs towards stale). */
  #appliedStamp = '';

  constructor(options: StateWatcherOptions) {
    this.#options = options;
  }

  get state(): TelemetryState | undefined {
    return this.#current;
  }

  async start(): Promise<void> {
    await this.check();
    this.#ticker = this.#options.clock.every(this.#options.intervalMillis ?? 2000, () => {
      this.#checking ??= this.check().finally(() => (this.#checking = undefined));
    });
  }

  /** Reads the state now and applies a change; never rejects (a bad read keeps the last good state). */
  async check(): Promise<void> {
    let state: TelemetryState;
    const stamp = stampOf(await fs.stat(path.join(this.#options.dataDir, STATE_FILE)).catch(() => undefined));
    // Unchanged since it was applied (every write replaces the file, so its inode changes): nothing to read.
    if (this.#current && stamp === this.#appliedStamp) return;
    try {
      const read = await readState(this.#options.dataDir);
      if (read.movedAside) {
        this.#options.logger.warn('state: damaged state file moved aside; mode is local', { file: read.movedAside });
      }
      state = read.state;
    } catch (error) {
      this.#options.logger.warn('state: could not read state.json; keeping the last known mode', {
        error: (error as NodeJS.ErrnoException).code ?? 'unknown',
      });
      return;
    }
    if (this.#current && fingerprint(state) === fingerprint(this.#current)) {
      this.#appliedStamp = stamp;
      return;
    }
    const previous = this.#current;
    this.#current = state;
    try {
      await this.#options.onChange(state, previous);
      this.#appliedStamp = stamp;
    } catch (error) {
      // Not applied: forget it, so the next check tries again.
      this.#current = previous;
      this.#options.logger.error('state: could not apply a change of mode or data; will retry', {
        error: error instanceof PrismError ? error.code : error instanceof Error ? error.name : 'unknown',
      });
    }
  }

  /**
   * Reads the state now, after any read in progress (which may predate a write this process just made), and
   * resolves once a change is applied: the dashboard answers with the mode the agent is actually in.
   */
  async checkNow(): Promise<void> {
    await this.#checking;
    this.#checking ??= this.check().finally(() => (this.#checking = undefined));
    await this.#checking;
  }

  /**
   * True when state.json has not changed since the state in force was read. Synchronous and cheap (one stat), so
   * a sender can ask before every request: a consent revoked a moment ago stops sending before the next poll.
   */
  isCurrent(): boolean {
    let stat;
    try {
      stat = statSync(path.join(this.#options.dataDir, STATE_FILE));
    } catch {
      stat = undefined;
    }
    const current = stampOf(stat) === this.#appliedStamp;
    if (!current) this.#checking ??= this.check().finally(() => (this.#checking = undefined));
    return current;
  }

  async shutdown(): Promise<void> {
    this.#ticker?.cancel();
    this.#ticker = undefined;
    await this.#checking;
  }
}
