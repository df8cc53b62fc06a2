import type { Document, LineCounter } from 'yaml';
import { formatConfigPath, isPlainObject, valueAtPath, type ConfigPath } from '../config/config-path.js';
import { didYouMean } from '../config/did-you-mean.js';
import { locate } from '../config/locate.js';
import type { ConfigIssue } from '../config/types.js';

const SCHEMA_HINT = 'compare with the examples in otel-config/ and the opentelemetry-configuration schema';
const EXPORTER_SETTINGS = ['temporality_preference', 'default_histogram_aggregation'];

const MESSAGE_HINTS: Record<string, string> = {
  'must NOT have more than 1 properties': 'a reader has exactly one exporter: add a reader for each further exporter',
};

const READER_HINT = 'a reader is either periodic or pull: write each as its own entry of readers';

/** The keys the schema allows in the objects people edit most, to name the unknown one and a likely fix. */
const KNOWN_KEYS: Record<string, readonly string[]> = {
  meter_provider: ['readers', 'views', 'exemplar_filter', 'meter_configurator/development'],
  reader: ['periodic', 'pull'],
  periodic: ['interval', 'timeout', 'exporter', 'producers', 'cardinality_limits', 'max_export_batch_size/development'],
  pull: ['exporter', 'producers', 'cardinality_limits'],
  otlp_http: ['endpoint', 'tls', 'headers', 'headers_list', 'compression', 'timeout', 'encoding', ...EXPORTER_SETTINGS],
  console: EXPORTER_SETTINGS,
  'otlp_file/development': ['output_stream', ...EXPORTER_SETTINGS],
  'prometheus/development': [
    'host',
    'port',
    'scope_info_enabled',
    'target_info_enabled/development',
    'resource_constant_labels',
    'translation_strategy',
  ],
  header: ['name', 'value'],
};

export interface SchemaIssueContext {
  file: string;
  doc: Document;
  lineCounter: LineCounter;
}

/**
 * Turns an error thrown by `parseConfigFile` into issues with a place in the file. Its messages are
 * `Invalid OpenTelemetry config file: <file>: <pointer> <message>` (one or more lines),
 * `<file>: Unsupported file_format: ...` and `parse error: invalid env var substitution: ${...}`.
 */
export function schemaIssues(message: string, context: SchemaIssueContext): ConfigIssue[] {
  const { file } = context;
  const issue = (path: ConfigPath, at: 'key' | 'value', text: string, hint: string): ConfigIssue => ({
    path: formatConfigPath(path),
    ...(path.length > 0 ? (locate(context.doc, context.lineCounter, path, at) ?? {}) : {}),
    message: text,
    hint,
    source: file,
    code: 'PT_ERR_OTEL_CONFIG',
  });

  const detail = stripPrefix(stripPrefix(message, 'Invalid OpenTelemetry config file: '), `${file}: `);
  if (detail.startsWith('Unsupported file_format')) {
    return [
      issue(
        ['file_format'],
        'value',
        detail,
        'start the file with file_format: "1.0" (or "1.1"); this agent reads 1.x',
      ),
    ];
  }
  const substitution = /invalid env var substitution: (.*)$/.exec(detail);
  if (substitution) {
    return [
      issue(
        [],
        'value',
        `invalid reference ${substitution[1] ?? ''}`,
        'write ${NAME} or ${NAME:-default}; write $$ for a literal $',
      ),
    ];
  }
  const lines = detail
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const issues: ConfigIssue[] = [];
  for (const line of lines) {
    const match = /^(\/\S*)? ?(.*)$/.exec(line);
    const path = pointerToPath(match?.[1] ?? '');
    const text = match?.[2] ?? line;
    if (text === 'must NOT have additional properties') {
      const unknown = unknownKeys(context.doc.toJS() as unknown, path);
      if (unknown.length > 0) {
        issues.push(...unknown.map(({ key, suggestion }) => unknownKeyIssue(issue, [...path, key], suggestion)));
        continue;
      }
    }
    const hint = shapeOf(path) === 'reader' && text.startsWith('must NOT have more than') ? READER_HINT : undefined;
    issues.push(issue(path, 'value', text, hint ?? MESSAGE_HINTS[text] ?? SCHEMA_HINT));
  }
  return issues.length > 0 ? issues : [issue([], 'value', detail || 'invalid file', SCHEMA_HINT)];
}

function unknownKeyIssue(
  issue: (path: ConfigPath, at: 'key' | 'value', text: string, hint: string) => ConfigIssue,
  path: ConfigPath,
  suggestion: string | undefined,
): ConfigIssue {
  const key = String(path[path.length - 1]);
  const text = `unknown key ${JSON.stringify(key)}${suggestion ? `; did you mean ${JSON.stringify(suggestion)}?` : ''}`;
  return issue(path, 'key', text, SCHEMA_HINT);
}

function unknownKeys(data: unknown, path: ConfigPath): Array<{ key: string; suggestion: string | undefined }> {
  const known = KNOWN_KEYS[shapeOf(path)];
  const value = valueAtPath(data, path);
  if (!known || !isPlainObject(value)) return [];
  return Object.keys(value)
    .filter((key) => !known.includes(key))
    .map((key) => ({ key, suggestion: didYouMean(key, known) }));
}

function shapeOf(path: ConfigPath): string {
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  if (typeof last === 'number') return parent === 'readers' ? 'reader' : parent === 'headers' ? 'header' : '';
  return last ?? '';
}

/** JSON pointer (`/meter_provider/readers/0`, `~1` for `/`) to a config path. */
function pointerToPath(pointer: string): ConfigPath {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}

function stripPrefix(text: string, prefix: string): string {
  return text.startsWith(prefix) ? text.slice(prefix.length) : text;
}
