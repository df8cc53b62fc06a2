import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { seriesKey } from '../../alerts/series-store.js';
import type { AlertEvent } from '../../alerts/rule.js';
import { systemStatus } from '../../alerts/status.js';
import type { AgentConfig } from '../../config/types.js';
import { serviceNameOf } from '../../receivers/probes/build-probe-receiver.js';

const PROBE_KINDS = ['redis', 'postgresql', 'neo4j', 'httpcheck', 'tcpcheck'] as const;
type ProbeKind = (typeof PROBE_KINDS)[number];

export interface ServiceJson {
  name: string;
  kind: ProbeKind;
  status: 'up' | 'down' | 'unknown';
  latencyMillis: number | null;
}

interface Sample {
  service: string | undefined;
  type: string | undefined;
  value: number;
}

function samplesOf(metrics: ResourceMetrics | undefined, name: string): Sample[] {
  const out: Sample[] = [];
  for (const scope of metrics?.scopeMetrics ?? []) {
    for (const metric of scope.metrics) {
      if (metric.descriptor.name !== name) continue;
      for (const point of metric.dataPoints) {
        if (typeof point.value !== 'number') continue;
        const service = point.attributes['prism.service'];
        const type = point.attributes['prism.service.type'];
        out.push({
          service: typeof service === 'string' ? service : undefined,
          type: typeof type === 'string' ? type : undefined,
          value: point.value,
        });
      }
    }
  }
  return out;
}

/** The probe type as the policy records it (`prism.service.type`). */
const RECORDED_TYPE: Record<ProbeKind, string> = {
  redis: 'redis',
  postgresql: 'postgresql',
  neo4j: 'neo4j',
  httpcheck: 'http',
  tcpcheck: 'tcp',
};

/**
 * Every probed service of the config with its latest probe. Where the level hashes the service name, a
 * service is still found when it is the only one of its kind.
 */
export function servicesOverview(config: AgentConfig, live: ResourceMetrics | undefined): ServiceJson[] {
  const probed = new Set(config.pipelines.flatMap((p) => p.receivers));
  const services = Object.entries(config.receivers).flatMap(([id, receiver]) =>
    probed.has(id) && (PROBE_KINDS as readonly string[]).includes(receiver.type)
      ? [{ name: serviceNameOf(id), kind: receiver.type as ProbeKind }]
      : [],
  );
  const up = samplesOf(live, 'prism.service.up');
  const latency = samplesOf(live, 'prism.service.latency');
  const find = (samples: Sample[], name: string, kind: ProbeKind): number | undefined => {
    const type = RECORDED_TYPE[kind];
    const exact = samples.find((s) => s.service === name && s.type === type);
    if (exact) return exact.value;
    const sameKind = services.filter((s) => s.kind === kind);
    const ofType = samples.filter((s) => s.type === type);
    return sameKind.length === 1 && ofType.length === 1 ? ofType[0]!.value : undefined;
  };
  return services.map(({ name, kind }) => {
    const isUp = find(up, name, kind);
    const seconds = find(latency, name, kind);
    return {
      name,
      kind,
      status: isUp === undefined ? 'unknown' : isUp >= 1 ? 'up' : 'down',
      latencyMillis: seconds === undefined ? null : Math.round(seconds * 1000 * 10) / 10,
    };
  });
}

export function overallStatus(
  fromAlerts: 'healthy' | 'degraded' | 'critical' | undefined,
  services: readonly ServiceJson[],
): 'healthy' | 'degraded' | 'critical' | 'unknown' {
  if (fromAlerts) return fromAlerts;
  const known = services.filter((s) => s.status !== 'unknown');
  if (services.length === 0 || known.length === 0) return 'unknown';
  return systemStatus({ firing: [], serviceUp: known.map((s) => (s.status === 'up' ? 1 : 0)) });
}

export interface AlertsJson {
  firing: Array<{ rule: string; severity: string; since: string; summary: string }>;
  resolved: Array<{ rule: string; severity: string; since: string | null; resolvedAt: string; summary: string }>;
}

/** From the recorded events, oldest first: what fires now, and what resolved in the window (newest first). */
export function alertsOverview(events: readonly AlertEvent[], sinceMillis: number): AlertsJson {
  const latest = new Map<string, AlertEvent>();
  const firedAt = new Map<string, string>();
  const resolved: AlertsJson['resolved'] = [];
  for (const event of events) {
    const key = `${event.alert}\u0000${seriesKey(event.series)}`;
    latest.set(key, event);
    if (event.state === 'firing') firedAt.set(key, event.at);
    if (event.state === 'resolved' && Date.parse(event.at) >= sinceMillis) {
      resolved.push({
        rule: event.alert,
        severity: event.severity,
        since: firedAt.get(key) ?? null,
        resolvedAt: event.at,
        summary: event.summary,
      });
    }
  }
  const firing = [...latest.values()]
    .filter((e) => e.state === 'firing')
    .map((e) => ({ rule: e.alert, severity: e.severity, since: e.at, summary: e.summary }));
  return { firing, resolved: resolved.reverse().slice(0, 50) };
}
