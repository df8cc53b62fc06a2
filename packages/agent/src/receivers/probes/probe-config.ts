/**
 * The validated config of each service probe receiver, as `config/probe-schemas.ts` produces it: durations in
 * milliseconds, endpoints already split where a probe needs the parts.
 */

export interface ProbeReceiverBase {
  collectionIntervalMillis: number;
  /** Below `collectionIntervalMillis`, so one probe is in flight at a time. */
  timeoutMillis: number;
  /** For alerts: a probe slower than this is degraded. Below `timeoutMillis`. */
  latencyThresholdMillis: number | undefined;
  /** As written, after `${VAR}` substitution. May hold a password: never print or record it. */
  endpoint: string;
}

export interface RedisReceiverConfig extends ProbeReceiverBase {
  type: 'redis';
  /** `endpoint` as a redis:// or rediss:// URL (`host:port` becomes `redis://host:port`). */
  url: string;
}

export interface PostgresqlReceiverConfig extends ProbeReceiverBase {
  type: 'postgresql';
}

export type ProbeTls = 'verify' | 'self-signed';

export interface Neo4jReceiverConfig extends ProbeReceiverBase {
  type: 'neo4j';
  /** Without brackets for IPv6. */
  host: string;
  port: number;
  /** From the scheme: `+s` verifies the certificate, `+ssc` accepts a self-signed one; undefined is plain. */
  tls: ProbeTls | undefined;
  username: string | undefined;
  password: string | undefined;
}

export interface HttpcheckReceiverConfig extends ProbeReceiverBase {
  type: 'httpcheck';
  /** Inclusive ranges of statuses that count as up; default [[200, 399]]. */
  expectedStatus: [number, number][];
}

export interface TcpcheckReceiverConfig extends ProbeReceiverBase {
  type: 'tcpcheck';
  host: string;
  port: number;
}

export type ProbeReceiverConfig =
  | RedisReceiverConfig
  | PostgresqlReceiverConfig
  | Neo4jReceiverConfig
  | HttpcheckReceiverConfig
  | TcpcheckReceiverConfig;

export type ProbeReceiverType = ProbeReceiverConfig['type'];
