/*
 * An OtlpReceiver alone in its own process, so a test can measure the memory an attack costs it without the
 * attacker's buffers in the same heap:
 *   fork('test/support/otlp-receiver-process.ts', { execArgv: ['--import', 'tsx', '--expose-gc'] })
 * It sends `{ type: 'listening', port }`, answers `{ type: 'gc' }` with `{ type: 'memory', rss, points }` after
 * a full collection, and shuts down on SIGTERM (exiting by itself: nothing else holds the event loop).
 */
import { createStderrLogger } from '../../packages/agent/src/component/logger.js';
import { OtlpReceiver } from '../../packages/agent/src/receivers/otlp/otlp-receiver.js';

let points = 0;
const receiver = new OtlpReceiver({
  id: 'otlp',
  host: '127.0.0.1',
  port: 0,
  maxRequestBodyBytes: 20 * 1024 * 1024,
  maxConcurrentRequests: 16,
  headerTimeoutMillis: 10_000,
  idleTimeoutMillis: 30_000,
  consume: async (rm) => {
    for (const scope of rm.scopeMetrics) for (const metric of scope.metrics) points += metric.dataPoints.length;
    return { rejectedDataPoints: 0 };
  },
  logger: createStderrLogger(),
});

await receiver.start();
process.send?.({ type: 'listening', port: receiver.address().port });
process.on('message', (message: { type?: string }) => {
  if (message.type !== 'gc') return;
  (globalThis as { gc?: () => void }).gc?.();
  process.send?.({ type: 'memory', rss: process.memoryUsage().rss, points });
});
process.once('SIGTERM', () => {
  void receiver.shutdown().then(() => process.disconnect?.());
});
