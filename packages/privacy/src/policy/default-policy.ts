import type { AttributeRule, MetricRule, Policy, PrivacyLevel, Treatment } from './types.js';
import { DROP_REASONS } from '../processor/drop-reasons.js';

function at(minimal: Treatment, standard: Treatment, detailed: Treatment): Record<PrivacyLevel, Treatment> {
  return { minimal, standard, detailed };
}
const KEEP_ALL = at('keep', 'keep', 'keep');

const MOUNTPOINT: AttributeRule = {
  key: 'system.filesystem.mountpoint',
  description: 'Where the file system is mounted; a path can name a user, so it is hashed below detailed.',
  treatment: at('hash', 'hash', 'keep'),
};

const SERVICE_NAME: AttributeRule = {
  key: 'prism.service',
  description: 'The name the user gave the probed service in the config (e.g. "cache"); hashed at minimal.',
  treatment: at('hash', 'keep', 'keep'),
};

const SERVICE_TYPE: AttributeRule = {
  key: 'prism.service.type',
  description: 'Kind of probe.',
  treatment: KEEP_ALL,
  values: ['redis', 'postgresql', 'neo4j', 'http', 'tcp'],
};

function metric(rule: Omit<MetricRule, 'attributes'> & { attributes?: readonly AttributeRule[] }): MetricRule {
  return { ...rule, attributes: rule.attributes ?? [] };
}

/**
 * The one source of truth for what Prism Telemetry collects. Views, the anonymizing processor, the file
 * store's categories and (later) the manifest shown to users are all derived from this object.
 */
export const DEFAULT_POLICY: Policy = {
  version: '1',
  metrics: [
    metric({
      name: 'system.cpu.utilization',
      unit: '1',
      description: 'Fraction of CPU time not idle across all logical CPUs since the previous sample.',
      category: 'health',
      instrument: 'gauge',
      minLevel: 'minimal',
    }),
    metric({
      name: 'system.cpu.logical.count',
      unit: '{cpu}',
      description: 'Number of logical CPUs.',
      category: 'health',
      instrument: 'gauge',
      minLevel: 'minimal',
    }),
    metric({
      name: 'system.cpu.time',
      unit: 's',
      description: 'CPU time spent in each mode, summed over logical CPUs.',
      category: 'health',
      instrument: 'counter',
      minLevel: 'standard',
      attributes: [
        {
          key: 'cpu.mode',
          description: 'CPU mode.',
          treatment: KEEP_ALL,
          values: ['user', 'nice', 'system', 'idle', 'iowait', 'interrupt', 'steal'],
        },
      ],
    }),
    ...(['1m', '5m', '15m'] as const).map((window) =>
      metric({
        name: `system.cpu.load_average.${window}`,
        unit: '{thread}',
        description: `Load average over ${{ '1m': '1 minute', '5m': '5 minutes', '15m': '15 minutes' }[window]}.`,
        category: 'health',
        instrument: 'gauge',
        minLevel: 'standard',
      }),
    ),
    metric({
      name: 'system.memory.limit',
      unit: 'By',
      description: 'Total physical memory.',
      category: 'health',
      instrument: 'gauge',
      minLevel: 'minimal',
    }),
    metric({
      name: 'system.memory.utilization',
      unit: '1',
      description: 'Fraction of physical memory in use (total minus available).',
      category: 'health',
      instrument: 'gauge',
      minLevel: 'minimal',
    }),
    metric({
      name: 'system.memory.usage',
      unit: 'By',
      description: 'Physical memory by state.',
      category: 'health',
      instrument: 'gauge',
      minLevel: 'standard',
      attributes: [
        {
          key: 'system.memory.state',
          description: 'Memory state.',
          treatment: KEEP_ALL,
          values: ['used', 'free', 'cached', 'buffers'],
        },
      ],
    }),
    metric({
      name: 'system.filesystem.utilization',
      unit: '1',
      description: 'Fraction of each local file system in use.',
      category: 'health',
      instrument: 'gauge',
      minLevel: 'minimal',
      attributes: [MOUNTPOINT],
    }),
    metric({
      name: 'system.filesystem.usage',
      unit: 'By',
      description: 'Bytes of each local file system by state.',
      category: 'health',
      instrument: 'gauge',
      minLevel: 'standard',
      attributes: [
        MOUNTPOINT,
        {
          key: 'system.filesystem.state',
          description: 'Used, free (available to unprivileged users) or reserved bytes.',
          treatment: KEEP_ALL,
          values: ['used', 'free', 'reserved'],
        },
      ],
    }),
    metric({
      name: 'system.network.io',
      unit: 'By',
      description: 'Bytes sent and received over network interfaces (loopback excluded) since the agent started.',
      category: 'health',
      instrument: 'counter',
      minLevel: 'standard',
      attributes: [
        {
          key: 'network.io.direction',
          description: 'Transmit or receive.',
          treatment: KEEP_ALL,
          values: ['transmit', 'receive'],
        },
        {
          key: 'system.device',
          description: 'Network interface name; it can embed a MAC address, so it is summed away or hashed.',
          treatment: at('drop', 'drop', 'hash'),
        },
      ],
    }),
    metric({
      name: 'system.network.errors',
      unit: '{error}',
      description: 'Network receive and transmit errors since the agent started.',
      category: 'health',
      instrument: 'counter',
      minLevel: 'detailed',
      attributes: [
        {
          key: 'network.io.direction',
          description: 'Transmit or receive.',
          treatment: KEEP_ALL,
          values: ['transmit', 'receive'],
        },
      ],
    }),
    metric({
      name: 'system.uptime',
      unit: 's',
      description: 'Time since the operating system booted.',
      category: 'health',
      instrument: 'gauge',
      minLevel: 'minimal',
    }),
    metric({
      name: 'prism.agent.uptime',
      unit: 's',
      description: 'Time since this agent started.',
      category: 'health',
      instrument: 'gauge',
      minLevel: 'minimal',
    }),
    metric({
      name: 'prism.privacy.dropped',
      unit: '{item}',
      description: 'Metrics, data points and attributes the privacy policy removed, by reason.',
      category: 'health',
      instrument: 'counter',
      minLevel: 'minimal',
      attributes: [
        { key: 'reason', description: 'Why it was removed.', treatment: KEEP_ALL, values: [...DROP_REASONS] },
      ],
    }),
    ...(
      [
        [
          'prism.service.up',
          '1',
          'Whether a dependency (Redis, PostgreSQL, Neo4j, HTTP, TCP) answered its last probe: 1 up, 0 down.',
        ],
        ['prism.service.latency', 's', 'Time the last probe of a dependency took.'],
      ] as const
    ).map(([name, unit, description]) =>
      metric({
        name,
        unit,
        description,
        category: 'health',
        instrument: 'gauge',
        minLevel: 'minimal',
        attributes: [SERVICE_NAME, SERVICE_TYPE],
      }),
    ),
    metric({
      name: 'http.server.request.duration',
      unit: 's',
      description: "Duration of the application's HTTP requests, as its OpenTelemetry SDK reports them.",
      category: 'health',
      instrument: 'histogram',
      minLevel: 'standard',
      attributes: [
        {
          key: 'http.request.method',
          description: 'HTTP method.',
          treatment: KEEP_ALL,
          values: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT', 'TRACE', '_OTHER'],
        },
        {
          key: 'http.response.status_code',
          description: 'Response status, as its class (e.g. 500-600).',
          treatment: at('bucket', 'bucket', 'bucket'),
          buckets: [100, 200, 300, 400, 500, 600],
        },
        {
          key: 'http.route',
          description: 'Route template; it can hold identifiers, so it is summed away, or hashed at detailed.',
          treatment: at('drop', 'drop', 'hash'),
        },
      ],
    }),
    metric({
      name: 'prism.system.status',
      unit: '1',
      description: 'Overall status derived from probes and alerts: 0 healthy, 1 degraded, 2 critical.',
      category: 'health',
      instrument: 'gauge',
      minLevel: 'minimal',
    }),
    metric({
      name: 'prism.app.level.evolution',
      unit: '1',
      description: "Trend of the application's level over the evolution window: 1 growing, 0 stable, -1 declining.",
      category: 'level',
      instrument: 'gauge',
      minLevel: 'minimal',
    }),
    metric({
      name: 'prism.app.functional',
      unit: '1',
      description: 'Whether a level value arrived within the staleness window: 1 yes, 0 no.',
      category: 'level',
      instrument: 'gauge',
      minLevel: 'minimal',
    }),
    metric({
      name: 'prism.app.level',
      unit: '%',
      description: "The application's own level gauge, 0 to 100, reported by the application.",
      category: 'level',
      instrument: 'gauge',
      minLevel: 'minimal',
    }),
    metric({
      name: 'prism.errors.critical',
      unit: '{error}',
      description: 'Critical errors by kind and code; never messages, stack traces or paths.',
      category: 'errors',
      instrument: 'counter',
      minLevel: 'minimal',
      attributes: [
        {
          key: 'error.type',
          description: 'Kind of error, e.g. a class name or a short identifier.',
          treatment: KEEP_ALL,
        },
        {
          key: 'error.code',
          description: 'A short error code, e.g. ECONNREFUSED.',
          treatment: at('drop', 'keep', 'keep'),
        },
      ],
    }),
  ],
  resource: [
    {
      key: 'service.name',
      description: 'Name of the reporting service.',
      treatment: KEEP_ALL,
    },
    {
      key: 'service.version',
      description: 'Version of the reporting service.',
      treatment: KEEP_ALL,
    },
    {
      key: 'telemetry.sdk.name',
      description: 'OpenTelemetry SDK name.',
      treatment: KEEP_ALL,
    },
    {
      key: 'telemetry.sdk.language',
      description: 'OpenTelemetry SDK language.',
      treatment: KEEP_ALL,
    },
    {
      key: 'telemetry.sdk.version',
      description: 'OpenTelemetry SDK version.',
      treatment: KEEP_ALL,
    },
    {
      key: 'prism.privacy_level',
      description: 'The privacy level the data was collected at.',
      treatment: KEEP_ALL,
      values: ['minimal', 'standard', 'detailed'],
    },
  ],
  neverCollected: [
    'Personal data: user names, e-mail addresses, phone numbers, IP and MAC addresses, home directory paths',
    'Secrets: passwords, API keys, bearer tokens, connection strings',
    'Host identity: host name, machine id, command lines, executable paths',
    'Application content: source code, logs, messages, stack traces, request or query text',
    'Usage tracking: sessions, user interactions, navigation, feature usage',
  ],
};
