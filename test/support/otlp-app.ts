/*
 * An application instrumented with the official OpenTelemetry JS SDK that sends, once, metrics the privacy
 * policy names (with personal data planted in attributes, resource, scope and a metric name) to an OTLP/HTTP
 * endpoint:  node --import tsx test/support/otlp-app.ts <url> <json|proto>
 * Prints `RESULT <export result code>`.
 */
import { OTLPMetricExporter as JsonExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { CollectingReader } from '@prism-telemetry/privacy';

const [url, encoding] = process.argv.slice(2);
if (!url || (encoding !== 'json' && encoding !== 'proto')) throw new Error('usage: otlp-app.ts <url> <json|proto>');

const reader = new CollectingReader();
const provider = new MeterProvider({
  resource: resourceFromAttributes({
    'service.name': 'shop',
    'user.email': 'alice.canary@example.com',
    'host.name': 'carolcanary-laptop',
  }),
  readers: [reader],
});
const meter = provider.getMeter('shop/http', '1.0.0');
const errors = meter.createCounter('prism.errors.critical');
errors.add(2, { 'error.type': 'TimeoutError', 'error.code': 'ETIMEDOUT' });
errors.add(1, { 'error.type': 'failed for alice.canary@example.com', 'error.code': 'EFAIL' });
meter.createGauge('prism.app.level').record(64.5);
const duration = meter.createHistogram('http.server.request.duration', {
  unit: 's',
  advice: { explicitBucketBoundaries: [0.1, 0.5, 1] },
});
duration.record(0.05, {
  'http.request.method': 'GET',
  'http.response.status_code': 200,
  'http.route': '/users/alice.canary',
});
duration.record(0.3, { 'http.request.method': 'GET', 'http.response.status_code': 204, 'http.route': '/users/{id}' });
duration.record(2, { 'http.request.method': 'POST', 'http.response.status_code': 503, 'http.route': '/checkout' });
meter.createCounter('logins.of.alice.canary@example.com').add(1);

const rm = await reader.collectOnce();
const exporter = encoding === 'json' ? new JsonExporter({ url }) : new ProtoExporter({ url });
const code = await new Promise<number>((resolve) => exporter.export(rm, (r) => resolve(r.code)));
process.stdout.write(`RESULT ${code}\n`);
await exporter.shutdown();
