import { OTLPMetricExporterBase } from '@opentelemetry/exporter-metrics-otlp-http';
import { createOtlpHttpExportDelegate, httpAgentFactoryFromOptions } from '@opentelemetry/otlp-exporter-base/node-http';
import {
  JsonMetricsSerializer,
  MetricsExporterMetricsHelper,
  ProtobufMetricsSerializer,
} from '@opentelemetry/otlp-transformer';
import { AggregationTemporality, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { OtlpHttpSettings } from './types.js';

/** In-flight requests per exporter, the OTLP exporters' own default. */
const CONCURRENCY_LIMIT = 30;

/**
 * An OTLP/HTTP metric exporter configured from the file alone. The stock `OTLPMetricExporter` fills unset
 * options from OTEL_EXPORTER_OTLP_* variables (headers, certificates, temporality), which would let an
 * application's environment add a token or change the destination behind the file's back; the delegate
 * built here has every option spelled out, so the environment reaches it only through `${VAR}` in the file.
 * It is the same transport (retries 429/502/503/504 with Retry-After) as the stock exporter.
 */
export function createOtlpHttpMetricExporter(settings: OtlpHttpSettings): PushMetricExporter {
  const json = settings.encoding === 'json';
  const contentType = json ? 'application/json' : 'application/x-protobuf';
  const delegate = createOtlpHttpExportDelegate(
    {
      url: settings.endpoint,
      headers: async () => ({ ...settings.headers, 'Content-Type': contentType }),
      timeoutMillis: settings.timeoutMillis,
      concurrencyLimit: CONCURRENCY_LIMIT,
      compression: settings.compression,
      agentFactory: httpAgentFactoryFromOptions({ keepAlive: true }),
    },
    json ? JsonMetricsSerializer : ProtobufMetricsSerializer,
    'otlp_http_metric_exporter',
    MetricsExporterMetricsHelper,
    undefined,
  );
  // The reader's temporality is chosen by the pipeline in front of this exporter, never by the environment.
  return new OTLPMetricExporterBase(delegate, { temporalityPreference: AggregationTemporality.CUMULATIVE });
}
