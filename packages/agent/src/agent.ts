import os from 'node:os';
import type { Counter } from '@opentelemetry/api';
import { MeterProvider, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import {
  DEFAULT_POLICY,
  DropCounter,
  PolicyAtLevel,
  buildResource,
  createHmacPseudonymizer,
  createPrivacyViews,
  loadOrCreateInstallSecret,
  type PrivacyLevel,
} from '@prism-telemetry/privacy';
import { systemClock, type Clock } from './component/clock.js';
import { PrismError } from './errors.js';
import type { Component } from './component/component.js';
import type { Logger } from './component/logger.js';
import type { AgentConfig } from './config/types.js';
import type { OtelConfig } from './otel-config/types.js';
import { recordOutboundAttempt } from './outbound/outbound-log.js';
import {
  AGENT_SCOPE,
  buildPipelines,
  receiverScope,
  type BuiltPipelines,
  type PipelineSummary,
} from './pipeline/build-pipelines.js';
import type { FlushReport } from './exporters/otlphttp/send-loop.js';
import { clusterIdFor } from './outbound/cluster-id.js';
import type { SharingGate } from './pipeline/consent-gate-exporter.js';
import { buildReceiver } from './receivers/build-receiver.js';
import { otlpListenerUrl } from './receivers/otlp/listener-url.js';
import { consumeIntoPipelines } from './receivers/otlp/consume-into-pipelines.js';
import { AlertsExporter } from './exporters/alerts/alerts-exporter.js';
import { SYSTEM_STATUS_VALUE } from './alerts/status.js';
import { effectiveMode, envFlag } from './state/effective-mode.js';
import { StateWatcher } from './state/state-watcher.js';
import type { EffectiveMode, TelemetryState } from './state/types.js';
import { ensureDataDir, resolveDataDir, type DataDirSource } from './store/data-dir.js';
import { displayPath } from './store/display-path.js';
import { acquireDataDirLock, type DataDirLock } from './store/lock.js';
import { repairTornTails } from './store/repair.js';
import { RetentionScheduler } from './store/retention.js';
import { AGENT_VERSION } from './version.js';
import { startAgentDashboard, type RunningDashboard } from './server/agent-dashboard.js';
import type { DashboardBackend, SharingQueue } from './server/dashboard-backend.js';
import { ScrapeReader } from './server/scrape-reader.js';
import { startPrometheusServers } from './otel-config/start-prometheus-servers.js';
import type { SystemStatus } from './alerts/status.js';
import { PrivacyProcessor } from '@prism-telemetry/privacy';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';

export { AGENT_SCOPE };

export interface AgentOptions {
  config: AgentConfig;
  /** `--data-dir`; wins over the config file and the environment. */
  dataDirFlag?: string;
  env: Record<string, string | undefined>;
  logger: Logger;
  clock?: Clock;
  homedir?: string;
  /** Where PRISM_TELEMETRY_DEBUG=1 prints payloads; default stdout. */
  debugOut?: NodeJS.WritableStream;
  /** How often state.json is read; default 2 s. */
  statePollMillis?: number;
  /** `start --otel-config`, already loaded: its readers choose the exporters. */
  otelConfig?: OtelConfig;
}

export interface AgentInfo {
  dataDir: string;
  dataDirSource: DataDirSource | 'config';
  privacyLevel: PrivacyLevel;
  pipelines: PipelineSummary[];
  mode: EffectiveMode;
  /** The dashboard URL with this launch's token; undefined when disabled or its port was taken. */
  dashboardUrl: string | undefined;
}

/**
 * The running agent: receivers -> MeterProvider with the privacy Views -> one reader per pipeline ->
 * privacy processor -> exporters (sharing ones behind the consent gate). Owns the data directory while it
 * runs (single-writer lock) and follows `state.json` for the mode, consent and data deletions.
 */
export class Agent implements Component {
  readonly #options: AgentOptions;
  readonly #clock: Clock;
  readonly drops = new DropCounter();
  #droppedCounter: Counter | undefined;
  /** True while pipelines are torn down for a rebuild: their final collection must not be stored. */
  #discarding = false;
  #lock: DataDirLock | undefined;
  #provider: MeterProvider | undefined;
  #receiverFactories: Array<() => Promise<Component>> = [];
  #receivers: Component[] = [];
  /** Why the receivers last failed to start (a port in use...); undefined once they run. */
  #receiverError: unknown;
  #exporters: PushMetricExporter[] = [];
  #queues: BuiltPipelines['queues'] = new Map();
  #retention: RetentionScheduler | undefined;
  #watcher: StateWatcher | undefined;
  // Fail closed until state.json has been read: nothing is collected or sent on an unknown mode.
  #mode: EffectiveMode = { mode: 'off', sharingAllowed: false, reason: 'mode not read yet', forcedBy: undefined };
  #state: TelemetryState | undefined;
  #dataDir = '';
  #stopping: Promise<void> | undefined;
  info: AgentInfo | undefined;
  /** Every `alerts` exporter of the pipelines; `raise('agent_crash_restart')` goes to each. */
  alerts: AlertsExporter[] = [];
  /** `/metrics` collects through this reader of the current provider (a new one after `delete --all`). */
  #scrapeReader: ScrapeReader | undefined;
  #scrapeProcessor: PrivacyProcessor | undefined;
  #dashboard: RunningDashboard | undefined;
  /** `--otel-config` pull readers: a `/metrics` endpoint each, serving what `scrape()` returns. */
  #prometheus: Component[] = [];

  constructor(options: AgentOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.drops.onDrop((reason, count) => this.#droppedCounter?.add(count, { reason }));
  }

  get mode(): EffectiveMode {
    return this.#mode;
  }

  async start(): Promise<void> {
    const { config, logger, env } = this.#options;
    const homedir = this.#options.homedir ?? os.homedir();
    const flag = this.#options.dataDirFlag ?? config.telemetry.dataDir;
    const resolved = resolveDataDir({ ...(flag ? { flag } : {}), env, homedir });
    const dataDir = (this.#dataDir = resolved.path);
    const dataDirSource = !this.#options.dataDirFlag && config.telemetry.dataDir ? 'config' : resolved.source;
    await ensureDataDir(dataDir, { homedir });
    this.#lock = await acquireDataDirLock(dataDir, { homedir });
    try {
      for (const repaired of await repairTornTails(dataDir, { homedir })) {
        logger.warn('store: removed a torn last line left by a crash', { ...repaired });
      }
      const { secret, created, replaced } = await loadOrCreateInstallSecret({ dir: dataDir });
      if (created) logger.info('privacy: created the install secret for pseudonyms (mode 0600, never exported)');
      if (replaced) logger.warn('privacy: the install secret was damaged; moved it aside and made a new one');
      const summaries = await this.#startPipelines(dataDir, secret);
      this.#retention = new RetentionScheduler({
        clock: this.#clock,
        logger,
        dataDir,
        homedir,
        retentionMillis: config.telemetry.retentionMillis,
        maxTotalBytes: config.telemetry.maxTotalBytes,
      });
      await this.#retention.start();
      this.#watcher = new StateWatcher({
        dataDir,
        clock: this.#clock,
        logger,
        ...(this.#options.statePollMillis ? { intervalMillis: this.#options.statePollMillis } : {}),
        onChange: (state, previous) => this.#applyState(state, previous),
      });
      await this.#watcher.start();
      // The first reading of state.json started the receivers (unless the mode is off): a receiver that cannot
      // listen fails the start, rather than leaving an agent that looks started and collects nothing.
      if (this.#receiverError !== undefined) throw this.#receiverError;
      await this.#startQueues();
      if (this.#lock.tookOverStale && this.#mode.mode !== 'off') {
        logger.warn('agent: the previous agent on this data directory stopped without shutting down (crash or kill)');
        for (const alerts of this.alerts) await alerts.raise('agent_crash_restart');
      }
      this.#dashboard = await startAgentDashboard(
        config.telemetry.dashboard,
        this.#dashboardBackend(dataDirSource, homedir),
        logger,
      );
      if (this.#options.otelConfig) {
        this.#prometheus = await startPrometheusServers(this.#options.otelConfig, {
          scrape: () => this.scrape(),
          logger,
          dashboardPort: this.#dashboard ? Number(new URL(this.#dashboard.url).port) : undefined,
          ownListeners: Object.values(config.receivers).flatMap((r) => (r.type === 'otlp' ? [otlpListenerUrl(r)] : [])),
        });
      }
      this.info = {
        dataDir,
        dataDirSource,
        privacyLevel: config.telemetry.privacyLevel,
        pipelines: summaries,
        mode: this.#mode,
        dashboardUrl: this.#dashboard?.url,
      };
      logger.info('agent started', {
        version: AGENT_VERSION,
        level: config.telemetry.privacyLevel,
        mode: this.#mode.mode,
        data_dir: displayPath(dataDir, homedir),
        pipelines: summaries.map((p) => p.id).join(','),
      });
    } catch (error) {
      await this.shutdown();
      throw error;
    }
  }

  async #startPipelines(dataDir: string, secret: Uint8Array): Promise<PipelineSummary[]> {
    const { config, logger, env } = this.#options;
    const context = { pseudonymizer: createHmacPseudonymizer({ secret }), drops: this.drops };
    const collectPolicy = new PolicyAtLevel(DEFAULT_POLICY, config.telemetry.privacyLevel, context);
    const gate: SharingGate = {
      mode: () => this.#mode.mode,
      sharingAllowed: () => this.#mode.sharingAllowed,
      consent: () => {
        const receipt = this.#state?.consent;
        return receipt
          ? { millis: Date.parse(receipt.timestamp), level: receipt.level, endpoint: receipt.endpoint }
          : undefined;
      },
    };
    const debug = envFlag(env['PRISM_TELEMETRY_DEBUG']);
    const built = await buildPipelines({
      config,
      clusterId: clusterIdFor(secret),
      stateIsCurrent: () => this.#watcher?.isCurrent() ?? false,
      env,
      dataDir,
      context,
      gate,
      isCollecting: () => this.#mode.mode !== 'off' && !this.#discarding,
      recordAttempt: (attempt) => recordOutboundAttempt(dataDir, attempt),
      debugOut: debug ? (this.#options.debugOut ?? process.stdout) : undefined,
      clock: this.#clock,
      logger,
      ...(this.#options.otelConfig ? { otelConfig: this.#options.otelConfig } : {}),
      ownListeners: Object.values(config.receivers).flatMap((r) => (r.type === 'otlp' ? [otlpListenerUrl(r)] : [])),
    });
    this.#exporters = built.exporters;
    this.#queues = built.queues;
    this.#provider = new MeterProvider({
      resource: buildResource({
        serviceName: 'prism-telemetry-agent',
        serviceVersion: AGENT_VERSION,
        privacyLevel: config.telemetry.privacyLevel,
      }),
      views: createPrivacyViews(collectPolicy),
      readers: [...built.readers, (this.#scrapeReader = new ScrapeReader())],
    });
    this.#scrapeProcessor = new PrivacyProcessor(collectPolicy);
    this.#droppedCounter = this.#provider.getMeter(AGENT_SCOPE, AGENT_VERSION).createCounter('prism.privacy.dropped');
    // The alerts exporters evaluate on each export; the status they derive is recorded like any agent metric.
    const alerts = built.exporters.filter((e): e is AlertsExporter => e instanceof AlertsExporter);
    this.alerts = alerts;
    if (alerts.length > 0) {
      this.#provider
        .getMeter(AGENT_SCOPE, AGENT_VERSION)
        .createObservableGauge('prism.system.status')
        .addCallback((result) => result.observe(Math.max(...alerts.map((a) => SYSTEM_STATUS_VALUE[a.status()]))));
    }
    this.#receiverFactories = [];

    // Received OTLP enters, after the MeterProvider, every pipeline that lists its receiver; with
    // --otel-config, also that file's pipelines (fed by every receiver).
    const otelEntries = [...built.entries]
      .filter(([id]) => !config.pipelines.some((p) => p.id === id))
      .map(([, e]) => e);
    const consumerFor = (receiverId: string) =>
      consumeIntoPipelines([
        ...config.pipelines
          .filter((p) => p.receivers.includes(receiverId))
          .flatMap((p) => built.entries.get(p.id) ?? []),
        ...otelEntries,
      ]);
    const agentStartMillis = this.#clock.now();
    for (const id of new Set(config.pipelines.flatMap((p) => p.receivers))) {
      const receiver = config.receivers[id];
      if (!receiver) continue;
      const meter = this.#provider.getMeter(receiverScope(id), AGENT_VERSION);
      this.#receiverFactories.push(() =>
        buildReceiver(id, receiver, { meter, clock: this.#clock, logger, agentStartMillis, consumerFor }),
      );
    }
    return built.summaries;
  }

  async #applyState(state: TelemetryState, previous: TelemetryState | undefined): Promise<void> {
    const { logger, env } = this.#options;
    this.#state = state;
    const before = this.#mode;
    this.#mode = effectiveMode(state, env);
    if (this.info) this.info.mode = this.#mode;
    if (!previous || before.mode !== this.#mode.mode || before.sharingAllowed !== this.#mode.sharingAllowed) {
      logger.info('mode', { mode: this.#mode.mode, sharing: this.#mode.sharingAllowed, reason: this.#mode.reason });
    }
    if (this.#mode.mode === 'off') await this.#stopReceivers();
    else await this.#startReceivers();
    // Data queued under a consent must not outlive it: leaving mode on, or a new receipt, empties the queues.
    const consentEnded = state.mode !== 'on' || !state.consent;
    const consentReplaced = previous?.consent !== undefined && state.consent?.id !== previous.consent.id;
    // `delete --all` removed the queue files; what the queues still hold in memory was deleted too.
    const dataDeleted = previous !== undefined && state.dataGeneration !== previous.dataGeneration;
    if (consentEnded || consentReplaced || dataDeleted) await this.#purgeQueues();
    if (previous && state.dataGeneration !== previous.dataGeneration) await this.#rebuildAfterDeletion();
    if (this.#mode.sharingAllowed) for (const { exporter } of this.#queues.values()) exporter.forceFlush();
  }

  async #purgeQueues(): Promise<void> {
    for (const [id, { exporter }] of this.#queues) {
      const removed = await exporter.purge();
      if (removed > 0)
        this.#options.logger.info('otlphttp: consent revoked; queued data removed', { exporter: id, records: removed });
    }
  }

  async #startQueues(): Promise<void> {
    for (const { exporter } of this.#queues.values()) await exporter.start();
  }

  /** Each sharing exporter's queue: depth, oldest item, last success and error, counts. */
  sharingQueues(): SharingQueue[] {
    return [...this.#queues].map(([id, q]) => ({
      id,
      destination: q.destination,
      levelCap: q.level,
      stats: q.exporter.stats(),
    }));
  }

  /** Sends every sharing queue now (the `flush` command); resolves with what each send did. */
  async flushQueues(): Promise<Array<{ id: string; report: FlushReport }>> {
    await this.#provider?.forceFlush();
    const reports = [];
    for (const [id, { exporter }] of this.#queues) reports.push({ id, report: await exporter.flush() });
    return reports;
  }

  /**
   * `delete --all` removed the data and rotated the secret. Swapping the key is not enough: the SDK's
   * cumulative storage still holds series keyed by the old pseudonyms, so every pipeline is rebuilt and the
   * old provider's final collection is discarded.
   */
  async #rebuildAfterDeletion(): Promise<void> {
    this.#discarding = true;
    await this.#stopReceivers();
    await this.#provider?.shutdown();
    for (const exporter of this.#exporters) await exporter.shutdown();
    this.#discarding = false;
    const { secret } = await loadOrCreateInstallSecret({ dir: this.#dataDir });
    const summaries = await this.#startPipelines(this.#dataDir, secret);
    await this.#startQueues();
    if (this.info) this.info.pipelines = summaries;
    if (this.#mode.mode !== 'off') await this.#startReceivers();
    this.#options.logger.info('data deleted by the user: new install secret, pipelines rebuilt, new files');
  }

  /**
   * All receivers or none: when one cannot start (its port is taken), those already started are stopped again
   * and the error is kept, so that `start` fails with it, and a later change of mode tries them all again.
   */
  async #startReceivers(): Promise<void> {
    if (this.#receivers.length > 0 || this.#stopping) return;
    const started: Component[] = [];
    try {
      const receivers = await Promise.all(this.#receiverFactories.map((create) => create()));
      // Built while awaiting: a shutdown that began meanwhile found nothing to stop, so nothing may start now.
      if (this.#stopping) return;
      for (const receiver of receivers) {
        await receiver.start();
        started.push(receiver);
      }
      this.#receivers = started;
      this.#receiverError = undefined;
    } catch (error) {
      for (const receiver of started.reverse()) await receiver.shutdown().catch(() => undefined);
      const message = error instanceof Error ? error.message : String(error);
      const previous = this.#receiverError instanceof Error ? this.#receiverError.message : undefined;
      if (message !== previous) {
        this.#options.logger.error('receivers could not start', {
          ...(error instanceof PrismError ? { code: error.code } : {}),
          error: message,
        });
      }
      this.#receiverError = error;
      throw error;
    }
  }

  async #stopReceivers(): Promise<void> {
    const running = this.#receivers;
    this.#receivers = [];
    for (const receiver of running) await receiver.shutdown();
  }

  /** What the dashboard and `/metrics` read from the running agent. */
  #dashboardBackend(dataDirSource: AgentInfo['dataDirSource'], homedir: string): DashboardBackend {
    const { config, env } = this.#options;
    return {
      config,
      dataDir: this.#dataDir,
      dataDirSource,
      homedir,
      env,
      clock: this.#clock,
      startedAtMillis: this.#clock.now(),
      mode: () => this.#mode,
      systemStatus: () => this.systemStatus(),
      scrape: () => this.scrape(),
      applyStateNow: () => this.#watcher?.checkNow() ?? Promise.resolve(),
      sharingQueues: () => this.sharingQueues(),
    };
  }

  /** healthy, degraded or critical from the alerts exporters; undefined when no pipeline has one. */
  systemStatus(): SystemStatus | undefined {
    if (this.alerts.length === 0) return undefined;
    const order: SystemStatus[] = ['healthy', 'degraded', 'critical'];
    return order[Math.max(...this.alerts.map((a) => order.indexOf(a.status())))];
  }

  /** The metrics now, through the privacy policy as the files get them; undefined while nothing is collected. */
  async scrape(): Promise<ResourceMetrics | undefined> {
    const reader = this.#scrapeReader;
    const processor = this.#scrapeProcessor;
    if (!reader || !processor || this.#mode.mode === 'off' || this.#discarding) return undefined;
    return processor.process(await reader.scrape());
  }

  /** Collects and exports now, in every pipeline. */
  async flush(): Promise<void> {
    await this.#provider?.forceFlush();
  }

  shutdown(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    for (const server of this.#prometheus) await server.shutdown();
    await this.#dashboard?.shutdown();
    await this.#watcher?.shutdown();
    await this.#stopReceivers();
    // Readers collect once more on shutdown, so the last samples reach the files.
    await this.#provider?.shutdown();
    for (const exporter of this.#exporters) await exporter.shutdown();
    await this.#retention?.shutdown();
    await this.#lock?.release();
    this.#options.logger.info('agent stopped');
  }
}
