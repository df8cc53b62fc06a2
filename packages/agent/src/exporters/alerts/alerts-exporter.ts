import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { Clock } from '../../component/clock.js';
import type { Logger } from '../../component/logger.js';
import { AlertEngine, type FiringAlert } from '../../alerts/engine.js';
import { consoleLine } from '../../alerts/notifiers/console.js';
import type { AlertNotifier } from '../../alerts/notifiers/notifier.js';
import type { AlertEvent, AlertRule } from '../../alerts/rule.js';
import { SeriesStore } from '../../alerts/series-store.js';
import { systemStatus, type SystemStatus } from '../../alerts/status.js';
import { appendAlertEvent, readAlertEvents } from '../../alerts/store.js';
import { errorCode } from '../../store/fs-error.js';

export interface AlertsExporterOptions {
  dataDir: string;
  rules: readonly AlertRule[];
  clock: Clock;
  logger: Logger;
  /** Told about `firing` and `resolved` events (not `pending`). */
  notifiers?: readonly AlertNotifier[];
  /** Where each event's one-line form goes; default the agent's stderr. */
  consoleOut?: (line: string) => void;
  /** A series not exported for this long is gone and its alert resolves; default 5 minutes. */
  staleAfterMillis?: number;
}

const DEFAULT_STALE_AFTER_MILLIS = 5 * 60_000;

/**
 * The end of a pipeline that watches instead of storing: it keeps the latest value of every series the
 * privacy processor let through, evaluates the alert rules on each export (time from the injected clock),
 * and records each lifecycle event in `<data-dir>/alerts/`, on stderr, and with the configured notifiers.
 * Everything stays on this machine. It records no metrics itself; `status()` is read by the agent.
 */
export class AlertsExporter implements PushMetricExporter {
  readonly #options: AlertsExporterOptions;
  readonly #engine: AlertEngine;
  readonly #series: SeriesStore;
  readonly #notifications = new Set<Promise<void>>();
  /** Exports and raises run one at a time, so events reach the file in the order they happened. */
  #queue: Promise<unknown> = Promise.resolve();
  #restored = false;
  #writeFailure: string | undefined;
  #shutdown: Promise<void> | undefined;

  constructor(options: AlertsExporterOptions) {
    this.#options = options;
    this.#engine = new AlertEngine({
      rules: options.rules,
      staleAfterMillis: options.staleAfterMillis ?? DEFAULT_STALE_AFTER_MILLIS,
    });
    this.#series = new SeriesStore({ historyMillis: this.#engine.historyMillis() });
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    if (this.#shutdown) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('alerts exporter: export after shutdown') });
      return;
    }
    const nowMillis = this.#options.clock.now();
    const staleAfter = this.#options.staleAfterMillis ?? DEFAULT_STALE_AFTER_MILLIS;
    this.#enqueue(() => {
      this.#series.ingest(metrics, nowMillis);
      this.#series.forgetStale(nowMillis, staleAfter);
      return this.#emit(this.#engine.evaluate(this.#series, nowMillis));
    }).then((failure) =>
      resultCallback(
        failure === undefined
          ? { code: ExportResultCode.SUCCESS }
          : { code: ExportResultCode.FAILED, error: new Error(`alerts exporter: cannot write alerts: ${failure}`) },
      ),
    );
  }

  /**
   * Fires an alert the agent found itself (`agent_crash_restart` when it took over a stale lock). It resolves
   * on its own after the rule's `keep_firing_for`. Nothing happens if the user disabled the rule.
   */
  async raise(name: string, summary?: string): Promise<void> {
    const nowMillis = this.#options.clock.now();
    await this.#enqueue(() => this.#emit(this.#engine.raise(name, summary, nowMillis)));
  }

  /** healthy, degraded or critical, from the alerts firing now and the probes' latest `prism.service.up`. */
  status(): SystemStatus {
    return systemStatus({
      firing: this.#engine.firing().map((alert) => alert.severity),
      serviceUp: this.#series.series('prism.service.up').map((s) => s.value),
    });
  }

  firing(): FiringAlert[] {
    return this.#engine.firing();
  }

  /** Waits for queued events to be written and for notifiers still running (each is bounded by its timeout). */
  async forceFlush(): Promise<void> {
    await this.#queue;
    while (this.#notifications.size > 0) await Promise.all([...this.#notifications]);
  }

  shutdown(): Promise<void> {
    this.#shutdown ??= this.forceFlush();
    return this.#shutdown;
  }

  /** Runs `task` after the ones before it; resolves with a write failure's code, or undefined. */
  #enqueue(task: () => Promise<string | undefined>): Promise<string | undefined> {
    const run = this.#queue.then(async () => {
      const restoreFailure = await this.#restoreOnce();
      return (await task()) ?? restoreFailure;
    });
    this.#queue = run.catch(() => undefined);
    return run.catch((error: unknown) => errorCode(error));
  }

  /** Carries firing alerts over from the previous run, so a restart neither repeats nor forgets them. */
  async #restoreOnce(): Promise<string | undefined> {
    if (this.#restored) return undefined;
    this.#restored = true;
    let events: AlertEvent[];
    try {
      ({ events } = await readAlertEvents(this.#options.dataDir));
    } catch (error) {
      this.#options.logger.warn('alerts: could not read earlier alert events; starting afresh', {
        error: errorCode(error),
      });
      return undefined;
    }
    return this.#emit(this.#engine.restore(events, this.#options.clock.now()));
  }

  async #emit(events: readonly AlertEvent[]): Promise<string | undefined> {
    let failure: string | undefined;
    for (const event of events) {
      try {
        await appendAlertEvent(this.#options.dataDir, event);
        if (this.#writeFailure !== undefined) {
          this.#options.logger.info('alerts: writing alert events works again');
          this.#writeFailure = undefined;
        }
      } catch (error) {
        failure = errorCode(error);
        if (this.#writeFailure !== failure) {
          this.#options.logger.error('alerts: cannot write alert events', { error: failure });
          this.#writeFailure = failure;
        }
      }
      (this.#options.consoleOut ?? ((line) => void process.stderr.write(`${line}\n`)))(consoleLine(event));
      if (event.state !== 'pending') this.#notify(event);
    }
    return failure;
  }

  #notify(event: AlertEvent): void {
    for (const notifier of this.#options.notifiers ?? []) {
      const delivery = notifier.notify(event).then((result) => {
        if (result.ok) return;
        this.#options.logger.warn('alerts: notifier failed', {
          notifier: notifier.kind,
          alert: event.alert,
          reason: result.reason,
        });
      });
      this.#notifications.add(delivery);
      void delivery.finally(() => this.#notifications.delete(delivery));
    }
  }
}
