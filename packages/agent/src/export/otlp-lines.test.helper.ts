import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface TestMetric {
  name: string;
  attributes?: Record<string, string>;
}

/** One stored line as the file exporter writes it: an OTLP/JSON ExportMetricsServiceRequest. */
export function otlpRequest(level: string | undefined, metrics: TestMetric[]): Record<string, unknown> {
  const resource = [
    { key: 'service.name', value: { stringValue: 'prism-telemetry-agent' } },
    ...(level === undefined ? [] : [{ key: 'prism.privacy_level', value: { stringValue: level } }]),
  ];
  return {
    resourceMetrics: [
      {
        resource: { attributes: resource, droppedAttributesCount: 0 },
        scopeMetrics: [
          {
            scope: { name: 'prism-telemetry/receiver/hostmetrics', version: '0.1.0' },
            metrics: metrics.map((m) => ({
              name: m.name,
              unit: '1',
              gauge: {
                dataPoints: [
                  {
                    attributes: Object.entries(m.attributes ?? {}).map(([key, v]) => ({
                      key,
                      value: { stringValue: v },
                    })),
                    startTimeUnixNano: '1795345797461000000',
                    timeUnixNano: '1795345798455000000',
                    asDouble: 25276510208,
                  },
                ],
              },
            })),
          },
        ],
      },
    ],
  };
}

/** Writes `<dataDir>/<relative>` with the given lines (objects are JSON-encoded, strings written as they are). */
export async function writeLines(dataDir: string, relative: string, lines: Array<string | object>): Promise<void> {
  const file = path.join(dataDir, relative);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
}
