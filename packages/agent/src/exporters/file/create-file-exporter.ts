import { DEFAULT_POLICY, type Category } from '@prism-telemetry/privacy';
import { systemClock, type Clock } from '../../component/clock.js';
import { createStderrLogger, type Logger } from '../../component/logger.js';
import { FileExporter } from './file-exporter.js';

const CATEGORY_OF: ReadonlyMap<string, Category> = new Map(DEFAULT_POLICY.metrics.map((m) => [m.name, m.category]));

/**
 * The local OTLP-JSON store for an app's own MeterProvider, in one call: files under
 * `<dataDir>/metrics/<category>/<day>.jsonl`, as the agent writes them. Wrap it with `privacy.wrap(...)`.
 */
export function createFileExporter(options: { dataDir: string; clock?: Clock; logger?: Logger }): FileExporter {
  return new FileExporter({
    dataDir: options.dataDir,
    categoryOf: (name) => CATEGORY_OF.get(name),
    clock: options.clock ?? systemClock,
    logger: options.logger ?? createStderrLogger(),
  });
}
