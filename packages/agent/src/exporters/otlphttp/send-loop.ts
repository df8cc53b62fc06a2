import { sleep, type Clock, type Ticker } from '../../component/clock.js';
import type { Component } from '../../component/component.js';
import type { Logger } from '../../component/logger.js';
import type { OutboundAttempt } from '../../state/types.js';
import { errorCode } from '../../store/fs-error.js';
import type { DurableQueue, Lease } from './queue/durable-queue.js';
import { DROP_REASONS, type DropReason, type QueueCounts } from './queue/stats-file.js';
import type { Sender, SendOutcome } from './sender/types.js';

export interface RetryOptions {
  /** Retries of one request after its first attempt, within one cycle; then it waits for the next cycle. */
  maxRetries: number;
  initialBackoffMillis: number;
  maxBackoffMillis: number;
}

/** A server's Retry-After is honoured up to this; a longer one is treated as a bad value. */
const MAX_RETRY_AFTER_MILLIS = 60 * 60 * 1000;

/**
 * Delay before retry number `attempt` (1 = the first retry): "full jitter" exponential backoff, a uniformly
 * random delay below `min(maxMillis, initialMillis * 2^(attempt-1))`; never shorter than the server's
 * Retry-After (capped at an hour).
 */
export function backoffMillis(
  attempt: number,
  limits: { initialMillis: number; maxMillis: number },
  random: () => number,
  retryAfterMillis?: number,
): number {
  const ceiling = Math.min(limits.maxMillis, limits.initialMillis * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.floor(random() * ceiling);
  if (retryAfterMillis === undefined || !(retryAfterMillis >= 0)) return jittered;
  return Math.max(jittered, Math.min(retryAfterMillis, MAX_RETRY_AFTER_MILLIS));
}

export interface SendLoopOptions {
  queue: DurableQueue;
  sender: Sender;
  /** Asked before every attempt: no request is made while it says no (consent revoked, DO_NOT_TRACK). */
  gate: () => { allowed: boolean; reason: string };
  /** Most records concatenated into one request (OTLP protobuf requests concatenate into one valid request). */
  batchRecords: number;
  /** Most payload bytes in one request (a single larger record still goes alone). Default 8 MiB. */
  maxBatchBytes?: number;
  flushIntervalMillis: number;
  retry: RetryOptions;
  clock: Clock;
  /** Uniform in [0, 1): jitter. */
  random: () => number;
  /** Origin and path of the endpoint, for the outbound log. */
  destination: string;
  recordAttempt(attempt: OutboundAttempt): Promise<void>;
  logger: Logger;
}

/** Why a send cycle ended. */
export type CycleEnd = 'empty' | 'gate' | 'retries_exhausted' | 'shutdown';

export interface FlushReport {
  sentBatches: number;
  sentRecords: number;
  sentPoints: number;
  retries: number;
  rejectedPoints: number;
  /** Records dropped while flushing, by reason. */
  dropped: Record<DropReason, number>;
  /** Records still queued afterwards. */
  remainingRecords: number;
  stoppedBy: CycleEnd;
}

/** Names of network errors that mean the request never reached the endpoint. */
const NOT_DELIVERED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const wasAnswered = (outcome: SendOutcome & { kind: 'retryable' }): boolean =>
  outcome.status !== undefined || NOT_DELIVERED.has(outcome.reason) || outcome.reason.startsWith('tls_');

/**
 * Sends the durable queue to the endpoint: every `flushIntervalMillis` (and when a full batch is waiting), while
 * the gate allows, it leases the oldest records, sends them as one request and acknowledges them on success.
 * A retryable failure is retried with backoff up to `maxRetries` times, then the batch stays queued for the next
 * cycle (it leaves only by age); a permanent failure drops it once, counted. Every attempt goes to the outbound
 * log. Shutdown stops at once, mid-backoff too, and never drops queued data.
 */
export class SendLoop implements Component {
  readonly #options: SendLoopOptions;
  #ticker: Ticker | undefined;
  #running: Promise<CycleEnd> | undefined;
  #lastEnd: CycleEnd | undefined;
  #stopped = false;
  readonly #abort = new AbortController();
  #activity: 'idle' | 'sending' | 'waiting' = 'idle';

  constructor(options: SendLoopOptions) {
    this.#options = options;
  }

  /** `sending` while a cycle does I/O, `waiting` in a backoff; for status and for tests on a manual clock. */
  get activity(): 'idle' | 'sending' | 'waiting' {
    return this.#activity;
  }

  async start(): Promise<void> {
    if (this.#ticker || this.#stopped) return;
    this.#ticker = this.#options.clock.every(this.#options.flushIntervalMillis, () => this.kick());
    this.kick();
  }

  /** Starts a cycle unless one is running. Expired records are swept even while the gate is closed. */
  kick(): void {
    if (this.#stopped) return;
    this.#options.queue.sweepExpired();
    if (!this.#running) void this.#runCycle();
  }

  /** A batch was queued: send now when a full batch waits, unless the endpoint is failing (then wait a tick). */
  queued(): void {
    if (this.#options.queue.depthRecords >= this.#options.batchRecords && this.#lastEnd !== 'retries_exhausted') {
      this.kick();
    }
  }

  /** Sends everything queued now (respecting the gate) and reports what happened. */
  async flushNow(): Promise<FlushReport> {
    const before = this.#options.queue.stats().counts;
    let stoppedBy: CycleEnd = 'shutdown';
    if (!this.#stopped) {
      this.#options.queue.sweepExpired();
      while (this.#running) await this.#running;
      stoppedBy = await this.#runCycle();
    }
    return report(before, this.#options.queue.stats().counts, this.#options.queue.depthRecords, stoppedBy);
  }

  async shutdown(): Promise<void> {
    if (this.#stopped) {
      await this.#running;
      return;
    }
    this.#stopped = true;
    this.#ticker?.cancel();
    this.#ticker = undefined;
    this.#abort.abort();
    await this.#running;
    this.#options.sender.close?.();
    await this.#options.queue.checkpoint();
  }

  #runCycle(): Promise<CycleEnd> {
    this.#activity = 'sending';
    const running = this.#cycle()
      .catch((error: unknown) => {
        this.#options.logger.error('otlphttp: send cycle failed', { error: errorCode(error) });
        return 'retries_exhausted' as const;
      })
      .then(async (end) => {
        await this.#options.queue.checkpoint().catch(() => undefined);
        this.#lastEnd = end;
        this.#running = undefined;
        this.#activity = 'idle';
        return end;
      });
    this.#running = running;
    return running;
  }

  async #cycle(): Promise<CycleEnd> {
    const { queue, batchRecords, maxBatchBytes = 8 * 1024 * 1024 } = this.#options;
    for (;;) {
      if (this.#stopped) return 'shutdown';
      if (!this.#options.gate().allowed) return 'gate';
      const lease = await queue.take(batchRecords, maxBatchBytes);
      if (!lease) return this.#stopped ? 'shutdown' : 'empty';
      let end: CycleEnd | undefined;
      try {
        end = await this.#send(lease);
      } catch (error) {
        // A lease left held would make every later take() throw: the batch goes back, possibly sent.
        queue.release(lease, { answered: false });
        throw error;
      }
      if (end !== undefined) return end;
    }
  }

  /** Sends one lease until it is settled; undefined when the cycle may go on to the next batch. */
  async #send(lease: Lease): Promise<CycleEnd | undefined> {
    const { queue, sender, retry, clock, random, logger } = this.#options;
    const body =
      lease.records.length === 1 ? lease.records[0]!.payload : Buffer.concat(lease.records.map((r) => r.payload));
    let answered = true;
    for (let attempt = 0; ; attempt++) {
      if (!queue.holds(lease)) return 'gate'; // purged: consent was revoked
      if (this.#stopped) {
        queue.release(lease, { answered });
        return 'shutdown';
      }
      if (!this.#options.gate().allowed) {
        queue.release(lease, { answered });
        return 'gate';
      }
      if (attempt > 0) queue.recordRetry();
      const outcome = await sender.send(body, this.#abort.signal);
      await this.#record(outcome);
      if (outcome.kind === 'success') {
        queue.recordSent(lease, outcome.rejectedDataPoints);
        queue.ack(lease);
        if (outcome.rejectedDataPoints > 0) {
          logger.warn('otlphttp: the endpoint rejected some data points', { points: outcome.rejectedDataPoints });
        }
        return undefined;
      }
      queue.recordError(outcome.reason);
      if (outcome.kind === 'failed' && isConfigurationProblem(outcome.reason)) {
        // A certificate we don't trust or a redirect says nothing about the batch: dropping it would lose every
        // batch until someone fixes the config. It stays queued (bounded by max_age); `status` shows the error.
        logger.warn('otlphttp: cannot reach the endpoint as configured; batches stay queued', {
          reason: outcome.reason,
        });
        queue.release(lease, { answered: false });
        return 'retries_exhausted';
      }
      if (outcome.kind === 'failed') {
        logger.warn('otlphttp: the endpoint refused a batch; dropped', {
          reason: outcome.reason,
          records: lease.records.length,
        });
        queue.drop(lease, 'rejected');
        return undefined;
      }
      answered &&= wasAnswered(outcome);
      if (this.#stopped || attempt >= retry.maxRetries) {
        queue.release(lease, { answered });
        if (!this.#stopped)
          logger.warn('otlphttp: endpoint unavailable; batches stay queued', { reason: outcome.reason });
        return this.#stopped ? 'shutdown' : 'retries_exhausted';
      }
      const delay = backoffMillis(
        attempt + 1,
        { initialMillis: retry.initialBackoffMillis, maxMillis: retry.maxBackoffMillis },
        random,
        outcome.retryAfterMillis,
      );
      this.#activity = 'waiting';
      await sleep(clock, delay, this.#abort.signal);
      this.#activity = 'sending';
    }
  }

  async #record(outcome: SendOutcome): Promise<void> {
    const result =
      outcome.kind === 'success'
        ? 'sent'
        : outcome.kind === 'failed' && !isConfigurationProblem(outcome.reason)
          ? `dropped:${outcome.reason}`
          : `failed:${outcome.reason}`;
    try {
      await this.#options.recordAttempt({
        at: new Date(this.#options.clock.now()).toISOString(),
        destination: this.#options.destination,
        bytes: outcome.bytes,
        // Requests are made only while the gate allows, which is only in mode `on`.
        mode: 'on',
        result,
        purpose: 'collect',
      });
    } catch (error) {
      // The request was made either way; its result stands even when the log cannot be written.
      this.#options.logger.error('outbound log: could not record an attempt', { error: errorCode(error) });
    }
  }
}

/** TLS and redirect failures: the endpoint or its certificate is misconfigured, not the data. */
export const isConfigurationProblem = (reason: string): boolean =>
  reason.startsWith('tls_') || reason.startsWith('redirect_');

function report(before: QueueCounts, after: QueueCounts, remaining: number, stoppedBy: CycleEnd): FlushReport {
  return {
    sentBatches: after.sentBatches - before.sentBatches,
    sentRecords: after.sentRecords - before.sentRecords,
    sentPoints: after.sentPoints - before.sentPoints,
    retries: after.retries - before.retries,
    rejectedPoints: after.rejectedPoints - before.rejectedPoints,
    dropped: Object.fromEntries(DROP_REASONS.map((r) => [r, after.dropped[r] - before.dropped[r]])) as Record<
      DropReason,
      number
    >,
    remainingRecords: remaining,
    stoppedBy,
  };
}
