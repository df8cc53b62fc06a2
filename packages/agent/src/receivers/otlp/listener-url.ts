import type { OtlpReceiverConfig } from '../../config/otlp-schema.js';

/**
 * Where an OTLP receiver listens, as a URL base (`http://127.0.0.1:4318`): to refuse exporters aimed back at it.
 * A module of its own, so the agent can tell without loading the receiver.
 */
export function otlpListenerUrl(config: Pick<OtlpReceiverConfig, 'host' | 'port'>): string {
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${config.port}`;
}
