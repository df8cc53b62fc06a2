import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/**
 * The vendored opentelemetry-proto tree. `../../proto` holds from both `src/otlp/` (tsx, vitest) and
 * `dist/otlp/` (compiled), because `proto/` sits next to both in the package root.
 */
export const PROTO_DIR = fileURLToPath(new URL('../../proto/', import.meta.url));

const METRICS_SERVICE_PROTO = 'opentelemetry/proto/collector/metrics/v1/metrics_service.proto';
const REQUEST_TYPE = 'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest';

let cachedRequestType: protobuf.Type | undefined;

/** The `ExportMetricsServiceRequest` message type, loaded once from the vendored protos. */
export function getMetricsServiceRequestType(): protobuf.Type {
  if (cachedRequestType) return cachedRequestType;
  const root = new protobuf.Root();
  // The protos import each other by repository-relative path ("opentelemetry/proto/..."), while protobufjs
  // resolves imports relative to the importing file by default; anchor them at the proto root instead.
  root.resolvePath = (_origin, target) => (path.isAbsolute(target) ? target : path.join(PROTO_DIR, target));
  root.loadSync(METRICS_SERVICE_PROTO);
  root.resolveAll();
  cachedRequestType = root.lookupType(REQUEST_TYPE);
  return cachedRequestType;
}

/**
 * Problems found in an OTLP/JSON `ExportMetricsServiceRequest`; empty when it conforms.
 * `fromObject` ignores keys it does not know, so a separate walk reports every key that is not a field of its
 * message: that is how a serializer that drifted from the proto (renamed or snake_case keys) gets caught.
 */
export function checkOtlpJsonRequest(obj: unknown): string[] {
  const type = getMetricsServiceRequestType();
  const problems: string[] = [];
  if (!isPlainObject(obj)) return ['$: expected an object'];
  try {
    const verifyError = type.verify(type.fromObject(obj));
    if (verifyError) problems.push(`$: ${verifyError}`);
  } catch (err) {
    problems.push(`$: ${err instanceof Error ? err.message : String(err)}`);
  }
  walkUnknownKeys(type, obj, '$', problems);
  return problems;
}

function walkUnknownKeys(type: protobuf.Type, obj: Record<string, unknown>, at: string, problems: string[]): void {
  for (const [key, value] of Object.entries(obj)) {
    const field = type.fields[key];
    const keyPath = `${at}.${key}`;
    if (!field) {
      problems.push(`${keyPath}: not a field of ${type.name}`);
      continue;
    }
    const child = field.resolvedType;
    if (!(child instanceof protobuf.Type) || value === null || value === undefined) continue;
    if (field.repeated || field.map) {
      const items: Array<[string, unknown]> = Array.isArray(value)
        ? value.map((item, index) => [String(index), item])
        : isPlainObject(value)
          ? Object.entries(value)
          : [];
      for (const [index, item] of items) checkNested(child, item, `${keyPath}[${index}]`, problems);
    } else {
      checkNested(child, value, keyPath, problems);
    }
  }
}

function checkNested(type: protobuf.Type, value: unknown, at: string, problems: string[]): void {
  if (isPlainObject(value)) walkUnknownKeys(type, value, at, problems);
  else problems.push(`${at}: expected an object for ${type.name}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
