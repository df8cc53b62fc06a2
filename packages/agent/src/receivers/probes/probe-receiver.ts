import type { Attributes, Gauge, Histogram, Meter } from '@opentelemetry/api';
import type { Clock, Ticker } from '../../component/clock.js';
import type { Component } from '../../component/component.js';
import type { Logger } from '../../component/logger.js';
import { classifyProbeError, describeProbeResult, type ProbeErrorCode } from './probe-errors.js';

/** The `prism.service.type` values. */
export type ServiceType = 'redis' | 'postgresql' | 'neo4j' | 'http' | 'tcp';

/** How one kind of service is checked. */
export interface Probe {
  /** Loads what `check` needs (a driver) before the stopwatch starts, so the first latency is not load time. */
  prepare?: () => Promise<void>;
  /**
   * Resolves when the service answered as expected, rejects otherwise (with a ProbeFailure or a system error
   * that `classifyProbeError` knows). When `signal` aborts it must close whatever it opened, at once.
   */
  check: (signal: AbortSignal) => Promise<void>;
}

export interface ProbeResult {
  up: boolean;
  /** Until the answer or the failure; the timeout itself when the service did not answer. */
  latencyMillis: number;
  errorCode?: ProbeErrorCode;
  /** When the probe finished, epoch milliseconds from the injected clock. */
  at: number;
}

/** The part of the privacy package's `MetricRule` this receiver reads (as `HostMetricRule` does). */
export interface ProbeMetricRule {
  readonly name: string;
  readonly unit: string;
  readonly description: string;
  readonly instrument: 'counter' | 'updowncounter' | 'gauge' | 'histogram';
}

export interface ProbeReceiverOptions {
  /** Meter of the MeterProvider that carries the privacy Views. */
  meter: Meter;
  /** The policy's metric rules; `prism.service.up` and `prism.service.latency` are taken from here. */
  metrics: readonly ProbeMetricRule[];
  /** The user-given name (`cache` in `redis/cache`); recorded as `prism.service`. */
  service: string;
  type: ServiceType;
  probe: Probe;
  intervalMillis: number;
  /** Must be below `intervalMillis`, so one probe is in flight at a time. */
  timeoutMillis: number;
  /** For alerts; carried, not used here. */
  latencyThresholdMillis?: number;
  clock: Clock;
  logger: Logger;
  /** Monotonic milliseconds for latency. Default `performance.now`. */
  stopwatch?: () => number;
}

/** How long a probe may take to close its connections after a timeout before it is abandoned. */
const CLEANUP_GRACE_MILLIS = 1_000;
const TIMED_OUT = Symbol('timed out');

/** Resolves with TIMED_OUT after `millis` on the injected clock, unless cancelled. */
function deadline(clock: Clock, millis: number): { reached: Promise<typeof TIMED_OUT>; cancel: () => void } {
  let ticker: Ticker | undefined;
  const reached = new Promise<typeof TIMED_OUT>((resolve) => {
    ticker = clock.every(millis, () => {
      ticker?.cancel();
      resolve(TIMED_OUT);
    });
  });
  return { reached, cancel: () => ticker?.cancel() };
}

/**
 * Probes one service on its own interval and records `prism.service.up` (1/0) and `prism.service.latency`
 * (seconds, for up and down results) on synchronous gauges. Logs only changes of state, so a service that
 * stays down warns once.
 */
export class ProbeReceiver implements Component {
  readonly service: string;
  readonly type: ServiceType;
  readonly latencyThresholdMillis: number | undefined;
  readonly #options: ProbeReceiverOptions;
  readonly #attributes: Attributes;
  readonly #stopwatch: () => number;
  #up: Gauge | Histogram | undefined;
  #latency: Gauge | Histogram | undefined;
  #ticker: Ticker | undefined;
  #inFlight: Promise<ProbeResult | undefined> | undefined;
  #abortInFlight: (() => void) | undefined;
  #last: ProbeResult | undefined;
  #started = false;
  #shutDown = false;

  constructor(options: ProbeReceiverOptions) {
    const { intervalMillis, timeoutMillis } = options;
    if (!(Number.isFinite(intervalMillis) && intervalMillis > 0)) {
      throw new RangeError('probe intervalMillis must be a positive number of milliseconds');
    }
    if (!(Number.isFinite(timeoutMillis) && timeoutMillis > 0 && timeoutMillis < intervalMillis)) {
      throw new RangeError('probe timeoutMillis must be positive and below intervalMillis');
    }
    this.#options = options;
    this.service = options.service;
    this.type = options.type;
    this.latencyThresholdMillis = options.latencyThresholdMillis;
    this.#attributes = { 'prism.service': options.service, 'prism.service.type': options.type };
    this.#stopwatch = options.stopwatch ?? (() => performance.now());
    this.#up = this.#instrument('prism.service.up');
    this.#latency = this.#instrument('prism.service.latency');
  }

  #instrument(name: string): Gauge | Histogram | undefined {
    const rule = this.#options.metrics.find((m) => m.name === name);
    if (!rule) return undefined;
    const options = { unit: rule.unit, description: rule.description };
    if (rule.instrument === 'gauge') return this.#options.meter.createGauge(name, options);
    if (rule.instrument === 'histogram') return this.#options.meter.createHistogram(name, options);
    this.#options.logger.warn('probe metric skipped: the policy instrument kind cannot carry this value', {
      metric: name,
      policyInstrument: rule.instrument,
      expected: 'gauge|histogram',
    });
    return undefined;
  }

  /**
   * Loads the client library, starts the first probe and returns without waiting for it (a dead service must
   * not delay start-up); then probes each interval.
   */
  async start(): Promise<void> {
    if (this.#started || this.#shutDown) return;
    this.#started = true;
    // Loading a driver takes a few hundred ms, once: done before the first probe, so no tick is skipped for it.
    await this.#options.probe.prepare?.().catch(() => {
      this.#options.logger.error('service probe could not load its client library', this.#fields());
    });
    if (this.#shutDown) return;
    void this.#beginProbe();
    this.#ticker = this.#options.clock.every(this.#options.intervalMillis, () => {
      if (this.#inFlight) {
        this.#options.logger.warn('service probe still running; tick skipped', {
          service: this.service,
          intervalMillis: this.#options.intervalMillis,
        });
        return;
      }
      void this.#beginProbe();
    });
  }

  /** The latest finished probe; undefined before the first one finishes. */
  lastResult(): ProbeResult | undefined {
    return this.#last;
  }

  /** Resolves once no probe is running. */
  async idle(): Promise<void> {
    await this.#inFlight;
  }

  /** Probes now (or joins the probe already running) and resolves with its result, once it is recorded. */
  async probeOnce(): Promise<ProbeResult> {
    const result = await (this.#inFlight ?? this.#beginProbe());
    if (!result) throw new Error('the probe receiver is shut down');
    return result;
  }

  /** Stops the ticker and aborts a probe in progress; nothing is recorded after this resolves. */
  async shutdown(): Promise<void> {
    this.#shutDown = true;
    this.#ticker?.cancel();
    this.#ticker = undefined;
    this.#abortInFlight?.();
    await this.#inFlight;
  }

  /** Never rejects; the promise is kept in `#inFlight` until the probe has closed its connections. */
  #beginProbe(): Promise<ProbeResult | undefined> {
    const run = this.#run()
      .catch((error: unknown) => {
        this.#options.logger.error('service probe failed unexpectedly', {
          service: this.service,
          error: error instanceof Error ? error.name : typeof error,
        });
        return undefined;
      })
      .finally(() => {
        if (this.#inFlight === run) this.#inFlight = undefined;
      });
    this.#inFlight = run;
    return run;
  }

  async #run(): Promise<ProbeResult | undefined> {
    const { clock, timeoutMillis, probe } = this.#options;
    if (this.#shutDown) return undefined;
    try {
      await probe.prepare?.();
    } catch (error) {
      // No driver means no answer: the service counts as down (and says why), it does not just go missing.
      const result: ProbeResult = {
        up: false,
        latencyMillis: 0,
        errorCode: classifyProbeError(error),
        at: clock.now(),
      };
      if (!this.#shutDown) this.#record(result);
      return result;
    }
    if (this.#shutDown) return undefined;
    const controller = new AbortController();
    this.#abortInFlight = () => controller.abort();
    const startedAt = this.#stopwatch();
    // Settles with undefined (up) or the error, so an abandoned attempt never rejects unhandled.
    const attempt = Promise.resolve()
      .then(() => probe.check(controller.signal))
      .then(
        () => undefined,
        (error: unknown) => ({ error }),
      );
    const timer = deadline(clock, timeoutMillis);
    const outcome = await Promise.race([attempt, timer.reached]);
    timer.cancel();
    const latencyMillis = Math.max(this.#stopwatch() - startedAt, 0);
    if (outcome === TIMED_OUT) controller.abort();
    const aborted = controller.signal.aborted && outcome !== TIMED_OUT;
    let result: ProbeResult | undefined;
    if (!aborted && !this.#shutDown) {
      result =
        outcome === TIMED_OUT
          ? { up: false, latencyMillis: timeoutMillis, errorCode: 'timed out', at: clock.now() }
          : outcome === undefined
            ? { up: true, latencyMillis, at: clock.now() }
            : { up: false, latencyMillis, errorCode: classifyProbeError(outcome.error), at: clock.now() };
      this.#record(result);
    }
    if (outcome === TIMED_OUT) {
      const grace = deadline(clock, CLEANUP_GRACE_MILLIS);
      const cleanedUp = await Promise.race([attempt.then(() => true), grace.reached.then(() => false)]);
      grace.cancel();
      if (!cleanedUp)
        this.#options.logger.warn('service probe did not close in time after its timeout', this.#fields());
    }
    this.#abortInFlight = undefined;
    return result;
  }

  #record(result: ProbeResult): void {
    this.#up?.record(result.up ? 1 : 0, this.#attributes);
    this.#latency?.record(result.latencyMillis / 1000, this.#attributes);
    const previous = this.#last;
    this.#last = result;
    if (previous?.up === result.up && previous.errorCode === result.errorCode) return;
    const message = describeProbeResult(this.service, result);
    if (result.up) this.#options.logger.info(message, this.#fields());
    else this.#options.logger.warn(message, this.#fields());
  }

  #fields(): Record<string, string> {
    return { type: this.type };
  }
}
