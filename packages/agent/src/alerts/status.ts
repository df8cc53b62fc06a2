import type { Severity } from './rule.js';

export const SYSTEM_STATUSES = ['healthy', 'degraded', 'critical'] as const;
export type SystemStatus = (typeof SYSTEM_STATUSES)[number];

/** What `prism.system.status` records for each status (the policy's description says the same). */
export const SYSTEM_STATUS_VALUE: Record<SystemStatus, number> = { healthy: 0, degraded: 1, critical: 2 };

export interface StatusInputs {
  /** Severities of the alerts firing now (pending ones do not count). */
  firing: readonly Severity[];
  /** The latest `prism.service.up` of every probed service. */
  serviceUp: readonly number[];
}

/**
 * The one-word state of the system: critical while any critical alert fires; degraded while a warning fires or
 * a probed service is down (before its `service_down` alert has had time to fire); healthy otherwise.
 */
export function systemStatus({ firing, serviceUp }: StatusInputs): SystemStatus {
  if (firing.includes('critical')) return 'critical';
  if (firing.includes('warning') || serviceUp.some((up) => up === 0)) return 'degraded';
  return 'healthy';
}
