import { z } from 'zod';
import type {
  HttpcheckReceiverConfig,
  Neo4jReceiverConfig,
  PostgresqlReceiverConfig,
  ProbeReceiverBase,
  ProbeTls,
  RedisReceiverConfig,
  TcpcheckReceiverConfig,
} from '../receivers/probes/probe-config.js';
import { optionalDuration } from './unit-schemas.js';

/*
 * Config of the service probe receivers (redis, postgresql, neo4j, httpcheck, tcpcheck). Endpoints often hold a
 * password, so no message here ever includes what the user wrote: the path names the key, the hint shows an
 * example.
 */

export type { ProbeReceiverConfig } from '../receivers/probes/probe-config.js';

const DEFAULT_INTERVAL_MILLIS = 10_000;
const DEFAULT_TIMEOUT_MILLIS = 2_000;
const MIN_INTERVAL = { value: 1_000, text: '1s' };

const HOST_PORT = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)):(\d{1,5})$/;

/** `host:port` or `[v6]:port`; the host comes back without brackets. */
export function parseHostPort(text: string): { host: string; port: number } | undefined {
  const match = HOST_PORT.exec(text);
  const port = Number(match?.[3]);
  const host = match?.[1] ?? match?.[2];
  if (host === undefined || !(port >= 1 && port <= 65_535)) return undefined;
  return { host, port };
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

type Issue = { message: string; hint?: string };
type EndpointCheck<T> = (text: string) => { ok: true; value: T } | ({ ok: false } & Issue);

/** Runs `check` on a string endpoint and reports its issue under the endpoint's path, never with its value. */
function endpoint<T>(check: EndpointCheck<T>) {
  return z.string().transform((text, ctx) => {
    const result = check(text.trim());
    if (result.ok) return result.value;
    ctx.addIssue({
      code: 'custom',
      message: result.message,
      ...(result.hint ? { params: { hint: result.hint } } : {}),
    });
    return z.NEVER;
  });
}

const wrongForm = (message: string, example: string) =>
  ({ ok: false, message, hint: `write e.g. ${example}` }) as const;

const redisEndpoint = endpoint((text) => {
  const bad = wrongForm('must be a redis:// or rediss:// URL, or host:port', 'redis://localhost:6379');
  const hostPort = parseHostPort(text);
  if (hostPort) return { ok: true, value: { endpoint: text, url: `redis://${text}` } };
  const url = parseUrl(text);
  if (!url || !['redis:', 'rediss:'].includes(url.protocol) || url.hostname === '') return bad;
  return { ok: true, value: { endpoint: text, url: text } };
});

const postgresqlEndpoint = endpoint((text) => {
  const url = parseUrl(text);
  if (!url || !['postgresql:', 'postgres:'].includes(url.protocol)) {
    return wrongForm('must be a postgresql:// or postgres:// URL', 'postgresql://monitor@localhost:5432/app');
  }
  return { ok: true, value: { endpoint: text } };
});

const NEO4J_SCHEMES: ReadonlyMap<string, ProbeTls | undefined> = new Map([
  ['bolt:', undefined],
  ['neo4j:', undefined],
  ['bolt+s:', 'verify'],
  ['neo4j+s:', 'verify'],
  ['bolt+ssc:', 'self-signed'],
  ['neo4j+ssc:', 'self-signed'],
]);

const neo4jEndpoint = endpoint((text) => {
  const hostPort = parseHostPort(text);
  if (hostPort) return { ok: true, value: { endpoint: text, ...hostPort, tls: undefined } };
  const url = parseUrl(text);
  if (!url || !NEO4J_SCHEMES.has(url.protocol) || url.hostname === '') {
    return wrongForm('must be a bolt:// or neo4j:// URL (+s or +ssc for TLS), or host:port', 'bolt://localhost:7687');
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, message: 'must not contain credentials', hint: 'set username and password instead' };
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    ok: true,
    value: { endpoint: text, host, port: Number(url.port || 7687), tls: NEO4J_SCHEMES.get(url.protocol) },
  };
});

const httpEndpoint = endpoint((text) => {
  const url = parseUrl(text);
  if (!url || !['http:', 'https:'].includes(url.protocol)) {
    return wrongForm('must be an http:// or https:// URL', 'http://localhost:8080/health');
  }
  return { ok: true, value: { endpoint: text } };
});

const tcpEndpoint = endpoint((text) => {
  const hostPort = parseHostPort(text);
  if (!hostPort) return wrongForm('must be host:port', 'localhost:5672');
  return { ok: true, value: { endpoint: text, ...hostPort } };
});

const STATUS_ISSUE = { message: 'must be an HTTP status (100-599) or a range such as 200-299', hint: 'write e.g. 200' };

function statusRange(entry: unknown): [number, number] | undefined {
  const text = typeof entry === 'number' ? String(entry) : entry;
  if (typeof text !== 'string') return undefined;
  const match = /^(\d{3})(?:-(\d{3}))?$/.exec(text.trim());
  const low = Number(match?.[1]);
  const high = Number(match?.[2] ?? match?.[1]);
  return low >= 100 && high <= 599 && low <= high ? [low, high] : undefined;
}

/** `200`, `200-299`, or a list of them. */
const expectedStatus = z
  .unknown()
  .optional()
  .transform((input, ctx): [number, number][] => {
    if (input === undefined || input === null) return [[200, 399]];
    const entries: unknown[] = Array.isArray(input) ? input : [input];
    if (entries.length === 0) {
      ctx.addIssue({
        code: 'custom',
        message: 'must list at least one status',
        params: { hint: 'write e.g. [200, 204]' },
      });
      return z.NEVER;
    }
    const ranges: [number, number][] = [];
    entries.forEach((entry, index) => {
      const range = statusRange(entry);
      if (range) ranges.push(range);
      else
        ctx.addIssue({
          code: 'custom',
          ...(Array.isArray(input) ? { path: [index] } : {}),
          message: STATUS_ISSUE.message,
          params: { hint: STATUS_ISSUE.hint },
        });
    });
    return ranges;
  });

const common = {
  collection_interval: optionalDuration(MIN_INTERVAL),
  timeout: optionalDuration(),
  latency_threshold: optionalDuration(),
};

interface CommonInput {
  collection_interval: number | undefined;
  timeout: number | undefined;
  latency_threshold: number | undefined;
}

/**
 * Interval, timeout and threshold, checked against each other. An unset timeout is 2s, or half the interval
 * when that is shorter, so `collection_interval: 1s` alone is valid.
 */
function timing(input: CommonInput, ctx: z.RefinementCtx): Omit<ProbeReceiverBase, 'endpoint'> {
  const interval = input.collection_interval ?? DEFAULT_INTERVAL_MILLIS;
  const timeout = input.timeout ?? Math.min(DEFAULT_TIMEOUT_MILLIS, Math.floor(interval / 2));
  if (timeout >= interval) {
    ctx.addIssue({
      code: 'custom',
      path: ['timeout'],
      message: 'must be shorter than collection_interval',
      params: { hint: 'a probe must finish before the next one starts: lower timeout or raise collection_interval' },
    });
  }
  const threshold = input.latency_threshold;
  if (threshold !== undefined && threshold >= timeout) {
    ctx.addIssue({
      code: 'custom',
      path: ['latency_threshold'],
      message: 'must be shorter than timeout',
      params: { hint: 'a probe slower than its timeout counts as down, so this threshold could never be crossed' },
    });
  }
  return { collectionIntervalMillis: interval, timeoutMillis: timeout, latencyThresholdMillis: threshold };
}

export const redisReceiverSchema = z
  .strictObject({ endpoint: redisEndpoint, ...common })
  .transform((r, ctx): RedisReceiverConfig => ({ type: 'redis', ...r.endpoint, ...timing(r, ctx) }));

export const postgresqlReceiverSchema = z
  .strictObject({ endpoint: postgresqlEndpoint, ...common })
  .transform((r, ctx): PostgresqlReceiverConfig => ({ type: 'postgresql', ...r.endpoint, ...timing(r, ctx) }));

export const neo4jReceiverSchema = z
  .strictObject({
    endpoint: neo4jEndpoint,
    username: z.string().optional(),
    password: z.string().optional(),
    ...common,
  })
  .transform((r, ctx): Neo4jReceiverConfig => {
    if (r.password !== undefined && r.username === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['password'],
        message: 'a password needs a username',
        params: { hint: 'add username (Neo4j’s default user is neo4j)' },
      });
    }
    return { type: 'neo4j', ...r.endpoint, username: r.username, password: r.password, ...timing(r, ctx) };
  });

export const httpcheckReceiverSchema = z
  .strictObject({ endpoint: httpEndpoint, expected_status: expectedStatus, ...common })
  .transform((r, ctx): HttpcheckReceiverConfig => ({
    type: 'httpcheck',
    ...r.endpoint,
    expectedStatus: r.expected_status,
    ...timing(r, ctx),
  }));

export const tcpcheckReceiverSchema = z
  .strictObject({ endpoint: tcpEndpoint, ...common })
  .transform((r, ctx): TcpcheckReceiverConfig => ({ type: 'tcpcheck', ...r.endpoint, ...timing(r, ctx) }));

/** To spread into `componentSchemas.receivers`. */
export const probeReceiverSchemas = {
  redis: redisReceiverSchema,
  postgresql: postgresqlReceiverSchema,
  neo4j: neo4jReceiverSchema,
  httpcheck: httpcheckReceiverSchema,
  tcpcheck: tcpcheckReceiverSchema,
} as const;
