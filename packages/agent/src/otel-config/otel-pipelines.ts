import {
  AggregationTemporality,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import type { PrivacyLevel, PrivacyProcessor } from '@prism-telemetry/privacy';
import type { Clock } from '../component/clock.js';
import type { Logger } from '../component/logger.js';
import type { PipelineSummary } from '../pipeline/build-pipelines.js';
import { ConsentGateExporter, type SharingGate } from '../pipeline/consent-gate-exporter.js';
import { DebugPrintExporter } from '../pipeline/debug-print-exporter.js';
import { PipelineExporter } from '../pipeline/pipeline-exporter.js';
import type { OutboundAttempt } from '../state/types.js';
import type { OtelReader } from './types.js';

export interface OtelPipelinesOptions {
  readers: readonly OtelReader[];
  /** The agent's scope and every receiver's: a pipeline from the file is fed by all of them. */
  scopes: ReadonlySet<string>;
  /** `telemetry.privacy_level`: a file cannot narrow or widen it, only the agent's config can. */
  level: PrivacyLevel;
  processorFor(level: PrivacyLevel): PrivacyProcessor;
  gate: SharingGate;
  recordAttempt(attempt: OutboundAttempt): Promise<void>;
  isCollecting(): boolean;
  /** PRISM_TELEMETRY_DEBUG: sharing readers print what they would send, and send nothing. */
  debugOut: NodeJS.WritableStream | undefined;
  clock: Clock;
  logger: Logger;
}

export interface BuiltOtelPipelines {
  metricReaders: PeriodicExportingMetricReader[];
  /** Each pipeline's entry after the MeterProvider, by pipeline id (`otel/<i>`): where received OTLP data goes in. */
  entries: Map<string, PipelineExporter>;
  summaries: PipelineSummary[];
}

/**
 * One pipeline per reader of the file, drawn like the config's: every receiver -> privacy processor at the
 * telemetry level -> the reader's exporter. An exporter that sends off the machine sits behind the same
 * consent gate as an `otlphttp` exporter of the config, and its pipeline is delta so the gate can drop
 * exactly what was collected before consent. Shut the exporters of `buildOtelReaders` down after the readers.
 */
export function buildOtelPipelines(options: OtelPipelinesOptions): BuiltOtelPipelines {
  const metricReaders: PeriodicExportingMetricReader[] = [];
  const entries = new Map<string, PipelineExporter>();
  const summaries: PipelineSummary[] = [];
  for (const reader of options.readers) {
    const pipeline = new PipelineExporter({
      scopes: options.scopes,
      processor: options.processorFor(options.level),
      exporters: [reader.sharing ? gated(reader, options) : reader.exporter],
      temporality: reader.sharing ? AggregationTemporality.DELTA : reader.temporality,
      isOpen: options.isCollecting,
    });
    entries.set(reader.id, pipeline);
    metricReaders.push(
      new PeriodicExportingMetricReader({
        exportIntervalMillis: reader.intervalMillis,
        exportTimeoutMillis: reader.timeoutMillis,
        exporter: pipeline,
      }),
    );
    summaries.push({
      id: reader.id,
      level: options.level,
      exporters: [`${reader.kind} (${reader.destination})`],
      intervalMillis: reader.intervalMillis,
      sharing: reader.sharing,
    });
  }
  return { metricReaders, entries, summaries };
}

function gated(reader: OtelReader, options: OtelPipelinesOptions): PushMetricExporter {
  const { debugOut, gate, level } = options;
  // Debug mode mirrors build-pipelines: the payload is printed as if consent were given, and nothing is sent.
  const debugGate: SharingGate = {
    ...gate,
    sharingAllowed: () => true,
    consent: () => ({ ...(gate.consent() ?? { millis: 0, level }), endpoint: reader.destination }),
  };
  return new ConsentGateExporter({
    inner: debugOut
      ? new DebugPrintExporter({ out: debugOut, label: `${reader.id} (would POST to ${reader.destination})` })
      : reader.exporter,
    gate: debugOut ? debugGate : gate,
    destination: reader.destination,
    recordAttempt: debugOut ? async () => {} : (attempt) => options.recordAttempt(attempt),
    processorFor: (l) => options.processorFor(l),
    clock: options.clock,
    logger: options.logger,
  });
}
