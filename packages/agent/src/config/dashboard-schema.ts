import { z } from 'zod';
import { parseHostPort } from './probe-schemas.js';

/** `telemetry.dashboard`: the local dashboard, `/metrics` and `/healthz`, on one loopback HTTP server. */
export interface DashboardConfig {
  enabled: boolean;
  /** As written (`host:port`), for messages. */
  endpoint: string;
  /** Without brackets for IPv6. */
  host: string;
  /** 0: any free port (tests). */
  port: number;
}

export const DEFAULT_DASHBOARD_ENDPOINT = '127.0.0.1:8080';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);
export const isLoopbackHost = (host: string): boolean => LOOPBACK_HOSTS.has(host);

// Loopback by default: the dashboard can turn sharing on and delete data, so any other address has to be
// written out by the user (and the agent warns at start).
const endpointSchema = z
  .string()
  .default(DEFAULT_DASHBOARD_ENDPOINT)
  .transform((text, ctx) => {
    const trimmed = text.trim();
    const parsed = parseHostPort(trimmed) ?? parseHostPort(trimmed.replace(/:0$/, ':1'));
    if (parsed) return { endpoint: trimmed, host: parsed.host, port: trimmed.endsWith(':0') ? 0 : parsed.port };
    ctx.addIssue({
      code: 'custom',
      message: 'must be host:port',
      params: { hint: `write e.g. ${DEFAULT_DASHBOARD_ENDPOINT} (only this machine can then open the dashboard)` },
    });
    return z.NEVER;
  });

export const dashboardSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    endpoint: endpointSchema,
  })
  .transform((d): DashboardConfig => ({ enabled: d.enabled, ...d.endpoint }))
  .prefault({});
