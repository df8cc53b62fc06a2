import type { z } from 'zod';
import { isPlainObject, type ConfigPath, type PathIssue } from './config-path.js';
import { parseComponentId } from './component-id.js';
import { componentSchemas, SECTION_NAMES, type SectionName } from './schema.js';
import type { ExporterConfig, ProcessorConfig, ReceiverConfig } from './types.js';
import { fromZodIssues } from './zod-issues.js';

export interface Components {
  receivers: Record<string, ReceiverConfig>;
  processors: Record<string, ProcessorConfig>;
  exporters: Record<string, ExporterConfig>;
}

/**
 * Checks every `receivers:` / `processors:` / `exporters:` entry: its id, then its config against its type's
 * schema. A section that is not a mapping is left to the file schema to report.
 */
export function validateComponents(
  root: unknown,
  mayEcho?: (path: ConfigPath) => boolean,
): { components: Components; issues: PathIssue[] } {
  const issues: PathIssue[] = [];
  const components: Record<SectionName, Record<string, unknown>> = { receivers: {}, processors: {}, exporters: {} };
  for (const section of SECTION_NAMES) {
    const entries = isPlainObject(root) ? root[section] : undefined;
    if (!isPlainObject(entries)) continue;
    for (const [id, input] of Object.entries(entries)) {
      const parsedId = parseComponentId(section, id);
      if (!parsedId.ok) {
        issues.push({ path: [section, id], at: 'key', message: parsedId.message, hint: parsedId.hint });
        continue;
      }
      const schemas: Record<string, z.ZodType> = componentSchemas[section];
      const schema = schemas[parsedId.type];
      if (schema === undefined) continue;
      // `file:` with nothing after it means the type's defaults, as in the Collector.
      const config = input ?? {};
      const result = schema.safeParse(config);
      if (result.success) components[section][id] = result.data;
      else
        issues.push(
          ...fromZodIssues(result.error.issues, {
            schema,
            input: config,
            prefix: [section, id],
            ...(mayEcho ? { mayEcho } : {}),
          }),
        );
    }
  }
  return { components: components as unknown as Components, issues };
}
