import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { PrivacyLevel } from '../policy/types.js';

export interface ResourceOptions {
  serviceName: string;
  serviceVersion: string;
  privacyLevel: PrivacyLevel;
}

/**
 * The agent's Resource, built by hand. No resource detectors run: the stock ones add the user name, the
 * command line, the executable path, the host name and the machine id.
 */
export function buildResource(options: ResourceOptions): Resource {
  return resourceFromAttributes({
    'service.name': options.serviceName,
    'service.version': options.serviceVersion,
    'telemetry.sdk.name': 'opentelemetry',
    'telemetry.sdk.language': 'nodejs',
    'prism.privacy_level': options.privacyLevel,
  });
}
