/**
 * Lifecycle shared by receivers, processors and exporters (as in the OpenTelemetry Collector):
 * `start()` once, `shutdown()` flushes and is safe to call more than once.
 */
export interface Component {
  start(): Promise<void>;
  shutdown(): Promise<void>;
}
