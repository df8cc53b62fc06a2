import path from 'node:path';
import { AggregationTemporality, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { Clock } from '../component/clock.js';
import type { Logger } from '../component/logger.js';
import { PrismError } from '../errors.js';
import { FileExporter } from '../exporters/file/file-exporter.js';
import { destinationOf } from '../outbound/outbound-log.js';
import type { Category } from '../store/category.js';
import { displayPath } from '../store/display-path.js';
import { metricsDir } from '../store/layout.js';
import { isLoopbackUrl } from '../alerts/loopback.js';
import { ConsoleTextExporter } from './console-text-exporter.js';
import { createOtlpHttpMetricExporter } from './otlp-http-metric-exporter.js';
import { OtlpJsonLinesExporter } from './otlp-json-lines-exporter.js';
import type { OtelConfig, OtelReader, OtelReaderSettings } from './types.js';

export interface OtelBuildContext {
  dataDir: string;
  /** Storage category of a metric (the policy at the telemetry level); the file exporter drops the rest. */
  categoryOf: (metricName: string) => Category | undefined;
  clock: Clock;
  logger: Logger;
  /**
   * The pipelines' own file exporter, if they have one. It must be shared: two exporters appending to the
   * same day file would each cut back the other's lines after a failed write.
   */
  fileExporter?: FileExporter;
  /** Where `console` and `output_stream: stdout` write; default process.stdout. */
  stdout?: NodeJS.WritableStream;
  homedir?: string;
  /**
   * Where the agent's own receivers listen (e.g. `http://127.0.0.1:4318`): an otlp_http exporter aimed at one
   * would feed the agent its own output, again and again.
   */
  ownListeners?: readonly string[];
}

export interface BuiltOtelReaders {
  readers: OtelReader[];
  /** Every exporter built here, once; shut them down after the readers. A shared `fileExporter` is not here. */
  exporters: PushMetricExporter[];
  /** The file exporter the readers write through (the shared one or a new one), if any reader does. */
  fileExporter: FileExporter | undefined;
}

/**
 * Builds each reader's exporter. Throws PT_ERR_OTEL_CONFIG when a file output is not the data directory or an
 * otlp_http endpoint is one of `ownListeners`.
 */
export function buildOtelReaders(config: OtelConfig, context: OtelBuildContext): BuiltOtelReaders {
  // Every check runs before anything is built, so a refused file leaves nothing to shut down.
  for (const reader of config.readers) {
    const settings = reader.exporter;
    if (settings.kind === 'file') checkFileOutput(config.source, reader, settings.outputPath, context);
    if (settings.kind === 'otlp_http') {
      checkNotOwnListener(config.source, reader, settings.endpoint, context.ownListeners ?? []);
    }
  }
  const exporters: PushMetricExporter[] = [];
  let fileExporter = context.fileExporter;
  const fileExporterFor = (): FileExporter => {
    if (!fileExporter) {
      fileExporter = new FileExporter({
        dataDir: context.dataDir,
        categoryOf: context.categoryOf,
        clock: context.clock,
        logger: context.logger,
        ...(context.homedir === undefined ? {} : { homedir: context.homedir }),
      });
      exporters.push(fileExporter);
    }
    return fileExporter;
  };

  const readers = config.readers.map((reader, index): OtelReader => {
    const common = {
      id: `otel/${index}`,
      intervalMillis: reader.intervalMillis,
      timeoutMillis: reader.timeoutMillis,
      temporality: reader.temporality === 'delta' ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE,
    };
    const settings = reader.exporter;
    switch (settings.kind) {
      case 'file': {
        const display = displayPath(metricsDir(context.dataDir), context.homedir);
        return { ...common, kind: 'file', exporter: fileExporterFor(), destination: display, sharing: false };
      }
      case 'console': {
        const out = context.stdout ?? process.stdout;
        const exporter =
          settings.format === 'text' ? new ConsoleTextExporter({ out }) : new OtlpJsonLinesExporter({ out });
        exporters.push(exporter);
        return { ...common, kind: 'console', exporter, destination: 'stdout', sharing: false };
      }
      case 'otlp_http': {
        const exporter = createOtlpHttpMetricExporter(settings);
        exporters.push(exporter);
        const destination = destinationOf(settings.endpoint);
        return { ...common, kind: 'otlp_http', exporter, destination, sharing: !settings.loopback };
      }
    }
  });
  return { readers, exporters, fileExporter };
}

/** The metric store is the data directory's: retention, `export`, `audit` and `delete --all` all cover it. */
function checkFileOutput(
  source: string,
  reader: OtelReaderSettings,
  outputPath: string | undefined,
  context: OtelBuildContext,
): void {
  if (outputPath === undefined) return;
  const wanted = path.resolve(outputPath);
  if (wanted === path.resolve(context.dataDir) || wanted === path.resolve(metricsDir(context.dataDir))) return;
  const where = `${reader.path}.periodic.exporter["otlp_file/development"].output_stream`;
  throw new PrismError(
    'PT_ERR_OTEL_CONFIG',
    `${source}: ${where}: the file exporter writes only to the data directory ` +
      `(${displayPath(context.dataDir, context.homedir)}), not ${displayPath(wanted, context.homedir)}`,
    { hint: 'leave output_stream out to write to the data directory, or start the agent with --data-dir there' },
  );
}

function checkNotOwnListener(
  source: string,
  reader: OtelReaderSettings,
  endpoint: string,
  listeners: readonly string[],
): void {
  const own = listeners.find((listener) => sameListener(endpoint, listener));
  if (own === undefined) return;
  throw new PrismError(
    'PT_ERR_OTEL_CONFIG',
    `${source}: ${reader.path}.periodic.exporter.otlp_http.endpoint: ${destinationOf(endpoint)} is this agent's ` +
      `own OTLP receiver (${destinationOf(own)}); its data would loop back into it`,
    { hint: 'point otlp_http at a Collector on another port, e.g. OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4319' },
  );
}

/** Same port and the same host; loopback spellings, and a listener on every interface, count as this host. */
function sameListener(a: string, b: string): boolean {
  let urlA: URL;
  let urlB: URL;
  try {
    urlA = new URL(a);
    urlB = new URL(b);
  } catch {
    return false;
  }
  const port = (url: URL): string => url.port || (url.protocol === 'https:' ? '443' : '80');
  if (port(urlA) !== port(urlB)) return false;
  const local = (url: URL, text: string): boolean =>
    isLoopbackUrl(text) || url.hostname === '0.0.0.0' || url.hostname === '[::]';
  return urlA.hostname === urlB.hostname || (local(urlA, a) && local(urlB, b));
}
