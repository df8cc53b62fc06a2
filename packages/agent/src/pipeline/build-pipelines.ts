import {
  AggregationTemporality,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import {
  DEFAULT_POLICY,
  PolicyAtLevel,
  PrivacyProcessor,
  narrowerLevel,
  type AttributeFilterContext,
  type PrivacyLevel,
} from '@prism-telemetry/privacy';
import type { Clock } from '../component/clock.js';
import type { Logger } from '../component/logger.js';
import type { AgentConfig, PipelineConfig } from '../config/types.js';
import { destinationOf } from '../outbound/outbound-log.js';
import type { OtelConfig } from '../otel-config/types.js';
import type { OutboundAttempt } from '../state/types.js';
import type { QueuedExporter } from '../exporters/otlphttp/queued-exporter.js';
import { buildExporter } from './build-exporter.js';
import type { SharingGate } from './consent-gate-exporter.js';
import { PipelineExporter } from './pipeline-exporter.js';

/** Scope of the agent's own instruments; every pipeline carries them. */
export const AGENT_SCOPE = 'prism-telemetry/agent';
export const receiverScope = (id: string): string => `prism-telemetry/receiver/${id}`;

export interface PipelineSummary {
  id: string;
  level: PrivacyLevel;
  exporters: string[];
  intervalMillis: number;
  sharing: boolean;
}

export interface BuiltPipelines {
  readers: PeriodicExportingMetricReader[];
  /** Every exporter once (pipelines may share one); shut down after the readers. */
  exporters: PushMetricExporter[];
  summaries: PipelineSummary[];
  /** Each pipeline's entry after the MeterProvider, by pipeline id: where received OTLP data goes in. */
  entries: Map<string, PipelineExporter>;
  /** The `otlphttp` exporters' durable queues, by exporter id: started, flushed and purged by the agent. */
  queues: Map<string, { exporter: QueuedExporter; destination: string; level: PrivacyLevel | undefined }>;
}

export interface BuildPipelinesOptions {
  config: AgentConfig;
  dataDir: string;
  context: AttributeFilterContext;
  gate: SharingGate;
  isCollecting: () => boolean;
  recordAttempt: (attempt: OutboundAttempt) => Promise<void>;
  /** PRISM_TELEMETRY_DEBUG: print what sharing exporters would send, and send nothing. */
  debugOut: NodeJS.WritableStream | undefined;
  clock: Clock;
  logger: Logger;
  /**
   * `start --otel-config`: that file chooses where data goes. One more pipeline per reader, fed by every
   * receiver; the pipeline config's own `file` and `otlphttp` exporters are then not used (alerts stay).
   */
  otelConfig?: OtelConfig;
  /** Where the agent's OTLP receivers listen; an otlp_http exporter aimed at one is refused. */
  ownListeners?: readonly string[];
  /** The install's anonymous id, sent with every sharing request. */
  clusterId: string;
  /** Asked before every sharing request, beyond `gate`: false while state.json has changed but is not re-read. */
  stateIsCurrent: () => boolean;
  env: Record<string, string | undefined>;
}

/** Exporter types an `--otel-config` file replaces. */
const REPLACED_BY_OTEL_CONFIG = new Set(['file', 'otlphttp']);

export function pipelineLevel(config: AgentConfig, pipeline: PipelineConfig): PrivacyLevel {
  let level = config.telemetry.privacyLevel;
  for (const id of pipeline.processors) {
    const processor = config.processors[id];
    if (processor?.level) level = narrowerLevel(level, processor.level);
  }
  return level;
}

export function pipelineInterval(config: AgentConfig, pipeline: PipelineConfig): number {
  // Push receivers (otlp) have no interval of their own: the pipeline then exports every 10 s.
  const intervals = pipeline.receivers.map((id) => config.receivers[id]);
  return Math.min(
    ...intervals.map((r) => (r && 'collectionIntervalMillis' in r ? r.collectionIntervalMillis : 10_000)),
  );
}

export const isSharingExporter = (config: AgentConfig, id: string): boolean =>
  config.exporters[id]?.type === 'otlphttp';

/**
 * receivers -> (MeterProvider with Views) -> one reader per pipeline -> privacy processor -> exporters.
 * What only sharing, dry runs or an `--otel-config` file need is loaded only then: an agent that keeps its data
 * local does not carry the HTTP sender, the queue or the declarative-config parser.
 */
export async function buildPipelines(options: BuildPipelinesOptions): Promise<BuiltPipelines> {
  const { config, dataDir, context, gate, clock, logger } = options;
  const processors = new Map<PrivacyLevel, PrivacyProcessor>();
  const processorFor = (level: PrivacyLevel): PrivacyProcessor => {
    let processor = processors.get(level);
    if (!processor)
      processors.set(level, (processor = new PrivacyProcessor(new PolicyAtLevel(DEFAULT_POLICY, level, context))));
    return processor;
  };
  const storePolicy = new PolicyAtLevel(DEFAULT_POLICY, config.telemetry.privacyLevel, context);

  const exporters = new Map<string, PushMetricExporter>();
  const queues: BuiltPipelines['queues'] = new Map();
  const used = (id: string): boolean =>
    !(options.otelConfig && REPLACED_BY_OTEL_CONFIG.has(config.exporters[id]?.type ?? ''));
  for (const [id, exporterConfig] of Object.entries(config.exporters)) {
    if (!used(id) || !config.pipelines.some((p) => p.exporters.includes(id))) continue;
    if (exporterConfig.type === 'otlphttp') {
      const destination = destinationOf(exporterConfig.endpoint);
      const { ConsentGateExporter } = await import('./consent-gate-exporter.js');
      let inner: PushMetricExporter;
      if (options.debugOut) {
        const { DebugPrintExporter } = await import('./debug-print-exporter.js');
        inner = new DebugPrintExporter({ out: options.debugOut, label: `${id} (would POST to ${destination})` });
      } else {
        const { openOtlpHttpExporter } = await import('../exporters/otlphttp/create-otlphttp-exporter.js');
        const queued = await openOtlpHttpExporter(id, exporterConfig, {
          dataDir,
          clusterId: options.clusterId,
          gate: () => {
            const consent = gate.consent();
            if (!options.stateIsCurrent()) return { allowed: false, reason: 'state.json changed; re-reading it' };
            if (!gate.sharingAllowed()) return { allowed: false, reason: 'sharing not allowed' };
            if (consent?.endpoint !== destination) return { allowed: false, reason: 'no consent for this endpoint' };
            return { allowed: true, reason: 'consented' };
          },
          recordAttempt: options.recordAttempt,
          env: options.env,
          clock,
          logger,
        });
        queues.set(id, { exporter: queued, destination, level: exporterConfig.privacyLevel });
        inner = queued;
      }
      exporters.set(
        id,
        new ConsentGateExporter({
          inner,
          gate: options.debugOut
            ? {
                ...gate,
                sharingAllowed: () => true,
                consent: () => ({
                  ...(gate.consent() ?? { millis: 0, level: config.telemetry.privacyLevel }),
                  endpoint: destination,
                }),
              }
            : gate,
          destination,
          ...(exporterConfig.privacyLevel ? { levelCap: exporterConfig.privacyLevel } : {}),
          processorFor,
          clock,
          logger,
        }),
      );
    } else {
      exporters.set(id, buildExporter(exporterConfig, { dataDir, policy: storePolicy, clock, logger }));
    }
  }

  const summaries: PipelineSummary[] = [];
  const entries = new Map<string, PipelineExporter>();
  const readers = config.pipelines.map((configured) => {
    const pipeline = { ...configured, exporters: configured.exporters.filter(used) };
    const intervalMillis = pipelineInterval(config, pipeline);
    const level = pipelineLevel(config, pipeline);
    const sharing = pipeline.exporters.some((id) => isSharingExporter(config, id));
    summaries.push({ id: pipeline.id, level, exporters: pipeline.exporters, intervalMillis, sharing });
    const entry = new PipelineExporter({
      scopes: new Set([AGENT_SCOPE, ...pipeline.receivers.map(receiverScope)]),
      processor: processorFor(level),
      exporters: pipeline.exporters.map((id) => exporters.get(id)!),
      temporality: sharing ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE,
      isOpen: options.isCollecting,
    });
    entries.set(pipeline.id, entry);
    return new PeriodicExportingMetricReader({
      exportIntervalMillis: intervalMillis,
      exportTimeoutMillis: Math.min(intervalMillis, 30_000),
      exporter: entry,
    });
  });
  const otelExporters: PushMetricExporter[] = [];
  if (options.otelConfig) {
    const [{ buildOtelReaders }, { buildOtelPipelines }] = await Promise.all([
      import('../otel-config/build-otel-readers.js'),
      import('../otel-config/otel-pipelines.js'),
    ]);
    const otel = buildOtelReaders(options.otelConfig, {
      dataDir,
      categoryOf: (name) => storePolicy.categoryOf(name),
      clock,
      logger,
      ownListeners: options.ownListeners ?? [],
    });
    otelExporters.push(...otel.exporters);
    const built = buildOtelPipelines({
      readers: otel.readers,
      scopes: new Set([AGENT_SCOPE, ...config.pipelines.flatMap((p) => p.receivers).map(receiverScope)]),
      level: config.telemetry.privacyLevel,
      processorFor,
      gate,
      recordAttempt: options.recordAttempt,
      isCollecting: options.isCollecting,
      debugOut: options.debugOut,
      clock,
      logger,
    });
    readers.push(...built.metricReaders);
    summaries.push(...built.summaries);
    for (const [id, entry] of built.entries) entries.set(id, entry);
  }
  return { readers, exporters: [...exporters.values(), ...otelExporters], summaries, entries, queues };
}
