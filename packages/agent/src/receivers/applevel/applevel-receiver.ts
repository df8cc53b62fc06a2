import type { Gauge, Meter } from '@opentelemetry/api';
import type { Clock, Ticker } from '../../component/clock.js';
import type { Component } from '../../component/component.js';
import type { Logger } from '../../component/logger.js';
import { EVOLUTION_VALUE, evolutionStatus, type Evolution, type LevelSample } from './evolution.js';
import type { JsonPathSegment } from './json-path.js';
import { readLevel, type LevelRejectReason } from './read-level.js';

/** The part of the policy's `MetricRule` this receiver reads; `DEFAULT_POLICY.metrics` is assignable to it. */
export interface AppLevelMetricRule {
  readonly name: string;
  readonly unit: string;
  readonly description: string;
  readonly instrument: string;
}

export const APP_LEVEL_METRICS = ['prism.app.level', 'prism.app.level.evolution', 'prism.app.functional'] as const;
type AppLevelMetric = (typeof APP_LEVEL_METRICS)[number];

export interface AppLevelReceiverOptions {
  /** Meter of the MeterProvider that carries the privacy Views. */
  meter: Meter;
  metrics: readonly AppLevelMetricRule[];
  /** The config id (`applevel/mainza`), for log lines; the endpoint itself is never logged. */
  id: string;
  endpoint: string;
  /** Where the number is in the JSON body; empty: the body is the number. */
  jsonPath: readonly JsonPathSegment[];
  intervalMillis: number;
  timeoutMillis: number;
  /** The evolution is the trend over this much history. */
  windowMillis: number;
  deadBandPerHour: number;
  /** `prism.app.functional` is 1 while the last accepted value is at most this old. */
  stalenessMillis: number;
  clock: Clock;
  logger: Logger;
  fetchImpl?: typeof fetch;
}

/**
 * Polls an application for its level (0 to 100) and records the level, its trend over the window
 * (`evolutionStatus`) and whether the application is answering. Like the host metrics receiver it records on
 * synchronous gauges taken from the policy, so the privacy Views apply and nothing the policy lacks is made.
 */
export class AppLevelReceiver implements Component {
  readonly #options: AppLevelReceiverOptions;
  readonly #gauges = new Map<AppLevelMetric, Gauge>();
  /** Enough samples to cover a quarter of the window: a trend from a minute of data is only noise. */
  readonly #minSamples: number;
  #samples: LevelSample[] = [];
  #lastAcceptedMillis: number | undefined;
  #failing: LevelRejectReason | undefined;
  #ticker: Ticker | undefined;
  #inFlight: Promise<void> | undefined;
  #started = false;
  #shutDown = false;

  constructor(options: AppLevelReceiverOptions) {
    for (const [name, value] of Object.entries({
      intervalMillis: options.intervalMillis,
      timeoutMillis: options.timeoutMillis,
      windowMillis: options.windowMillis,
      stalenessMillis: options.stalenessMillis,
    })) {
      if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`applevel ${name} must be a positive number`);
    }
    this.#options = options;
    this.#minSamples = Math.max(3, Math.ceil(options.windowMillis / options.intervalMillis / 4));
    for (const rule of options.metrics) {
      if (!(APP_LEVEL_METRICS as readonly string[]).includes(rule.name)) continue;
      if (rule.instrument !== 'gauge') {
        options.logger.warn('applevel metric skipped: the policy instrument kind cannot carry this value', {
          metric: rule.name,
          policyInstrument: rule.instrument,
          expected: 'gauge',
        });
        continue;
      }
      const gauge = options.meter.createGauge(rule.name, { unit: rule.unit, description: rule.description });
      this.#gauges.set(rule.name as AppLevelMetric, gauge);
    }
  }

  async start(): Promise<void> {
    if (this.#started || this.#shutDown) return;
    this.#started = true;
    await this.#beginPoll();
    if (this.#shutDown) return;
    this.#ticker = this.#options.clock.every(this.#options.intervalMillis, () => {
      // A poll waits at most its timeout; one still running when the next tick comes is not doubled up.
      if (!this.#inFlight) void this.#beginPoll();
    });
  }

  /** Resolves once no poll is running. */
  async idle(): Promise<void> {
    await this.#inFlight;
  }

  /** The trend as of the last poll; for status displays and tests. */
  evolution(): Evolution {
    return this.#evolutionAt(this.#options.clock.now());
  }

  async shutdown(): Promise<void> {
    this.#shutDown = true;
    this.#ticker?.cancel();
    this.#ticker = undefined;
    await this.#inFlight;
  }

  #beginPoll(): Promise<void> {
    const poll = this.#poll()
      .catch((error: unknown) => {
        this.#options.logger.error('applevel poll failed', {
          receiver: this.#options.id,
          error: error instanceof Error ? error.name : typeof error,
        });
      })
      .finally(() => {
        if (this.#inFlight === poll) this.#inFlight = undefined;
      });
    this.#inFlight = poll;
    return poll;
  }

  async #poll(): Promise<void> {
    const { clock, endpoint, jsonPath, timeoutMillis, fetchImpl, windowMillis, stalenessMillis } = this.#options;
    const polledAt = clock.now();
    const reading = await readLevel({ url: endpoint, path: jsonPath, timeoutMillis, fetchImpl });
    if (this.#shutDown) return;
    if (reading.ok) {
      this.#accept(polledAt, reading.value);
    } else {
      this.#reject(reading.reason);
    }
    const now = clock.now();
    this.#samples = this.#samples.filter((s) => s.atMillis > now - windowMillis);
    const evolution = this.#evolutionAt(now);
    if (evolution !== 'unknown') this.#gauges.get('prism.app.level.evolution')?.record(EVOLUTION_VALUE[evolution]);
    const fresh = this.#lastAcceptedMillis !== undefined && now - this.#lastAcceptedMillis <= stalenessMillis;
    this.#gauges.get('prism.app.functional')?.record(fresh ? 1 : 0);
  }

  #accept(atMillis: number, value: number): void {
    this.#gauges.get('prism.app.level')?.record(value);
    this.#samples.push({ atMillis, value });
    this.#lastAcceptedMillis = atMillis;
    if (this.#failing !== undefined) {
      this.#options.logger.info('applevel: level readable again', { receiver: this.#options.id });
      this.#failing = undefined;
    }
  }

  /** Logs when the reason changes, so an application that is down for a day logs once, not every poll. */
  #reject(reason: LevelRejectReason): void {
    if (this.#failing === reason) return;
    this.#failing = reason;
    // The value and the body are never logged: all that is said is why the sample was not taken.
    this.#options.logger.warn('applevel: sample rejected', { receiver: this.#options.id, reason });
  }

  #evolutionAt(nowMillis: number): Evolution {
    const { windowMillis, deadBandPerHour } = this.#options;
    return evolutionStatus(this.#samples, { nowMillis, windowMillis, deadBandPerHour, minSamples: this.#minSamples });
  }
}
