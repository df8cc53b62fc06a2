import os from 'node:os';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import {
  DEFAULT_POLICY,
  DropCounter,
  PolicyAtLevel,
  PrivacyProcessor,
  buildResource,
  createHmacPseudonymizer,
  createPrivacyViews,
  loadOrCreateInstallSecret,
  narrowerLevel,
  type PrivacyLevel,
} from '@prism-telemetry/privacy';
import { systemClock, type Clock } from './component/clock.js';
import type { Component } from './component/component.js';
import type { Logger } from './component/logger.js';
import type { AgentConfig, PipelineConfig } from './config/types.js';
import { buildExporter } from './pipeline/build-exporter.js';
import { PipelineExporter } from './pipeline/pipeline-exporter.js';
import { HostMetricsReceiver } from './receivers/hostmetrics/host-metrics-receiver.js';
import { ensureDataDir, resolveDataDir, type DataDirSource } from './store/data-dir.js';
import { displayPath } from './store/display-path.js';
import { acquireDataDirLock, type DataDirLock } from './store/lock.js';
import { repairTornTails } from './store/repair.js';
import { RetentionScheduler } from './store/retention.js';
import { AGENT_VERSION } from './version.js';

/** Scope of the agent's own instruments; every pipeline carries them. */
export const AGENT_SCOPE = 'prism-telemetry/agent';
const receiverScope = (id: string): string => `prism-telemetry/receiver/${id}`;

export interface AgentOptions {
  config: AgentConfig;
  /** `--data-dir`; wins over the config file and the environment. */
  dataDirFlag?: string;
  env: Record<string, string | undefined>;
  logger: Logger;
  clock?: Clock;
  homedir?: string;
}

export interface AgentInfo {
  dataDir: string;
  dataDirSource: DataDirSource | 'config';
  privacyLevel: PrivacyLevel;
  pipelines: Array<{ id: string; level: PrivacyLevel; exporters: string[]; intervalMillis: number }>;
}

/**
 * The running agent: receivers -> MeterProvider with the privacy Views -> one reader per pipeline ->
 * privacy processor -> exporters. Owns the data directory while it runs (single-writer lock).
 */
export class Agent implements Component {
  readonly #options: AgentOptions;
  readonly #clock: Clock;
  readonly drops = new DropCounter();
  #lock: DataDirLock | undefined;
  #provider: MeterProvider | undefined;
  #receivers: Component[] = [];
  #exporters: PushMetricExporter[] = [];
  #retention: RetentionScheduler | undefined;
  #stopping: Promise<void> | undefined;
  info: AgentInfo | undefined;

  constructor(options: AgentOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  async start(): Promise<void> {
    const { config, logger, env } = this.#options;
    const homedir = this.#options.homedir ?? os.homedir();
    const flag = this.#options.dataDirFlag ?? config.telemetry.dataDir;
    const resolved = resolveDataDir({ ...(flag ? { flag } : {}), env, homedir });
    const dataDir = resolved.path;
    const dataDirSource = !this.#options.dataDirFlag && config.telemetry.dataDir ? 'config' : resolved.source;
    await ensureDataDir(dataDir, { homedir });
    this.#lock = await acquireDataDirLock(dataDir, { homedir });
    try {
      for (const repaired of await repairTornTails(dataDir)) {
        logger.warn('store: removed a torn last line left by a crash', { ...repaired });
      }
      const { secret, created, replaced } = await loadOrCreateInstallSecret({ dir: dataDir });
      if (created) logger.info('privacy: created the install secret for pseudonyms (mode 0600, never exported)');
      if (replaced) logger.warn('privacy: the install secret was damaged; moved it aside and made a new one');
      this.#startPipelines(dataDir, secret);
      this.info = { dataDir, dataDirSource, privacyLevel: config.telemetry.privacyLevel, pipelines: this.#describe() };
      this.#retention = new RetentionScheduler({
        clock: this.#clock,
        logger,
        dataDir,
        retentionMillis: config.telemetry.retentionMillis,
        maxTotalBytes: config.telemetry.maxTotalBytes,
      });
      await this.#retention.start();
      for (const receiver of this.#receivers) await receiver.start();
      logger.info('agent started', {
        version: AGENT_VERSION,
        level: config.telemetry.privacyLevel,
        data_dir: displayPath(dataDir, homedir),
        pipelines: config.pipelines.map((p) => p.id).join(','),
        sharing: config.telemetry.sharing.enabled,
      });
    } catch (error) {
      await this.shutdown();
      throw error;
    }
  }

  #levelOf(pipeline: PipelineConfig): PrivacyLevel {
    let level = this.#options.config.telemetry.privacyLevel;
    for (const id of pipeline.processors) {
      const processor = this.#options.config.processors[id];
      if (processor?.level) level = narrowerLevel(level, processor.level);
    }
    return level;
  }

  #intervalOf(pipeline: PipelineConfig): number {
    const intervals = pipeline.receivers.map(
      (id) => this.#options.config.receivers[id]?.collectionIntervalMillis ?? 10_000,
    );
    return Math.min(...intervals);
  }

  #describe(): AgentInfo['pipelines'] {
    return this.#options.config.pipelines.map((p) => ({
      id: p.id,
      level: this.#levelOf(p),
      exporters: p.exporters,
      intervalMillis: this.#intervalOf(p),
    }));
  }

  #startPipelines(dataDir: string, secret: Uint8Array): void {
    const { config, logger } = this.#options;
    const context = { pseudonymizer: createHmacPseudonymizer({ secret }), drops: this.drops };
    const collectLevel = config.telemetry.privacyLevel;
    const providerPolicy = new PolicyAtLevel(DEFAULT_POLICY, collectLevel, context);

    const exporters = new Map<string, PushMetricExporter>();
    for (const [id, exporterConfig] of Object.entries(config.exporters)) {
      if (!config.pipelines.some((p) => p.exporters.includes(id))) continue;
      exporters.set(id, buildExporter(exporterConfig, { dataDir, policy: providerPolicy, clock: this.#clock, logger }));
    }
    this.#exporters = [...exporters.values()];

    const readers = config.pipelines.map((pipeline) => {
      const intervalMillis = this.#intervalOf(pipeline);
      const policy = new PolicyAtLevel(DEFAULT_POLICY, this.#levelOf(pipeline), context);
      return new PeriodicExportingMetricReader({
        exportIntervalMillis: intervalMillis,
        exportTimeoutMillis: Math.min(intervalMillis, 30_000),
        exporter: new PipelineExporter({
          scopes: new Set([AGENT_SCOPE, ...pipeline.receivers.map(receiverScope)]),
          processor: new PrivacyProcessor(policy),
          exporters: pipeline.exporters.map((id) => exporters.get(id)!),
        }),
      });
    });

    this.#provider = new MeterProvider({
      resource: buildResource({
        serviceName: 'prism-telemetry-agent',
        serviceVersion: AGENT_VERSION,
        privacyLevel: collectLevel,
      }),
      views: createPrivacyViews(providerPolicy),
      readers,
    });

    const dropped = this.#provider.getMeter(AGENT_SCOPE, AGENT_VERSION).createCounter('prism.privacy.dropped');
    this.drops.onDrop((reason, count) => dropped.add(count, { reason }));

    const agentStartMillis = this.#clock.now();
    const used = new Set(config.pipelines.flatMap((p) => p.receivers));
    for (const id of used) {
      const receiver = config.receivers[id];
      if (!receiver) continue;
      this.#receivers.push(
        new HostMetricsReceiver({
          meter: this.#provider.getMeter(receiverScope(id), AGENT_VERSION),
          metrics: DEFAULT_POLICY.metrics,
          intervalMillis: receiver.collectionIntervalMillis,
          clock: this.#clock,
          logger,
          agentStartMillis,
          rootPath: receiver.rootPath,
        }),
      );
    }
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
    for (const receiver of this.#receivers) await receiver.shutdown();
    // Readers collect once more on shutdown, so the last samples reach the files.
    await this.#provider?.shutdown();
    for (const exporter of this.#exporters) await exporter.shutdown();
    await this.#retention?.shutdown();
    await this.#lock?.release();
    this.#options.logger.info('agent stopped');
  }
}
