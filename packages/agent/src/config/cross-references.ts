import { isPrivacyLevel } from '@prism-telemetry/privacy';
import { isPlainObject, type PathIssue } from './config-path.js';
import type { Components } from './components.js';
import { parseComponentId, typeOfId } from './component-id.js';
import { didYouMean } from './did-you-mean.js';
import { PRIVACY_LEVELS, type PrivacyLevel } from './levels.js';
import { componentSchemas, SECTION_NAMES, SECTION_SINGULAR, type SectionName } from './schema.js';

const PIPELINE_ID = /^metrics(\/[A-Za-z0-9_.-]+)?$/;
const SHARING_HINT =
  'set telemetry.sharing.enabled: true to allow data to leave this machine (consent gating comes later)';

/**
 * Checks what the schema cannot: that pipelines exist and name defined components, that privacy processors only
 * narrow, and that nothing is sent off the machine without sharing enabled. Works on the substituted plain data,
 * so it still runs when other parts of the file have errors; any part that is malformed was already reported by
 * the schema and is skipped here, so nothing is reported twice.
 */
export function checkCrossReferences(
  root: unknown,
  components: Components,
): { errors: PathIssue[]; warnings: PathIssue[] } {
  const errors: PathIssue[] = [];
  const warnings: PathIssue[] = [];
  const data = isPlainObject(root) ? root : {};
  const defined = definedIds(data);
  const telemetry = data['telemetry'];
  const telemetryLevel = telemetryPrivacyLevel(telemetry);
  const sharing =
    isPlainObject(telemetry) && isPlainObject(telemetry['sharing']) && telemetry['sharing']['enabled'] === true;

  if (telemetryLevel !== undefined) errors.push(...checkPrivacyProcessors(data['processors'], telemetryLevel));

  const used = checkPipelines(data['service'], defined, sharing, errors);
  if (used !== undefined) warnings.push(...unusedComponents(explicitIds(data), used));
  warnings.push(...plainHttpEndpoints(components));
  return { errors, warnings };
}

function explicitIds(data: Record<string, unknown>): Record<SectionName, string[]> {
  const ids = { receivers: [], processors: [], exporters: [] } as Record<SectionName, string[]>;
  for (const section of SECTION_NAMES) {
    const entries = data[section];
    if (isPlainObject(entries)) ids[section] = Object.keys(entries);
  }
  return ids;
}

/** Ids a pipeline may name: the explicit ones, plus `privacy`, which always exists (the policy always applies). */
function definedIds(data: Record<string, unknown>): Record<SectionName, string[]> {
  const ids = explicitIds(data);
  if (!ids.processors.includes('privacy')) ids.processors = [...ids.processors, 'privacy'];
  return ids;
}

/** The telemetry level in effect, or undefined when it is invalid (and already reported). */
function telemetryPrivacyLevel(telemetry: unknown): PrivacyLevel | undefined {
  if (telemetry === undefined) return 'standard';
  if (!isPlainObject(telemetry)) return undefined;
  const level = telemetry['privacy_level'];
  if (level === undefined) return 'standard';
  return isPrivacyLevel(level) ? level : undefined;
}

function checkPrivacyProcessors(processors: unknown, telemetryLevel: PrivacyLevel): PathIssue[] {
  if (!isPlainObject(processors)) return [];
  const issues: PathIssue[] = [];
  const allowed = PRIVACY_LEVELS.slice(0, PRIVACY_LEVELS.indexOf(telemetryLevel) + 1);
  for (const [id, config] of Object.entries(processors)) {
    if (typeOfId(id) !== 'privacy' || !isPlainObject(config)) continue;
    const level = config['level'];
    if (!isPrivacyLevel(level) || PRIVACY_LEVELS.indexOf(level) <= PRIVACY_LEVELS.indexOf(telemetryLevel)) continue;
    issues.push({
      path: ['processors', id, 'level'],
      at: 'value',
      message: `"${level}" is wider than telemetry.privacy_level ("${telemetryLevel}")`,
      hint: `a privacy processor can only narrow the level: use ${allowed.join(' or ')}, or leave level out`,
    });
  }
  return issues;
}

/**
 * Reports pipeline errors into `errors` and returns the ids each section's entries are used by, or undefined
 * when `service.pipelines` is malformed (then "unused" would be noise).
 */
function checkPipelines(
  service: unknown,
  defined: Record<SectionName, string[]>,
  sharing: boolean,
  errors: PathIssue[],
): Record<SectionName, Set<string>> | undefined {
  if (service !== undefined && service !== null && !isPlainObject(service)) return undefined;
  const pipelines = isPlainObject(service) ? service['pipelines'] : undefined;
  if (pipelines !== undefined && pipelines !== null && !isPlainObject(pipelines)) return undefined;
  if (!isPlainObject(pipelines) || Object.keys(pipelines).length === 0) {
    errors.push({
      path: ['service', 'pipelines'],
      at: 'value',
      message: 'no pipelines are defined',
      hint: 'add one under service.pipelines, e.g. metrics: { receivers: [hostmetrics], exporters: [file] }',
    });
    return undefined;
  }

  const used = { receivers: new Set<string>(), processors: new Set<string>(), exporters: new Set<string>() };
  for (const [pipelineId, pipeline] of Object.entries(pipelines)) {
    const base = ['service', 'pipelines', pipelineId];
    if (!PIPELINE_ID.test(pipelineId)) {
      const signal = typeOfId(pipelineId);
      errors.push({
        path: base,
        at: 'key',
        message:
          signal === 'traces' || signal === 'logs'
            ? `${signal} pipelines are not supported`
            : 'is not a valid pipeline id',
        hint: 'write metrics or metrics/<name> (letters, digits, _, . and -)',
      });
    }
    if (pipeline !== null && !isPlainObject(pipeline)) continue;
    for (const section of SECTION_NAMES) {
      const list = pipeline?.[section];
      if (list !== undefined && list !== null && !Array.isArray(list)) continue;
      const ids = (list ?? []) as unknown[];
      if (section !== 'processors' && ids.length === 0) {
        errors.push({
          path: [...base, section],
          at: 'value',
          message: `a pipeline needs at least one ${SECTION_SINGULAR[section]}`,
          hint: `list one, e.g. ${section}: [${defined[section][0] ?? Object.keys(componentSchemas[section])[0]}]`,
        });
      }
      const seen = new Set<string>();
      ids.forEach((id, index) => {
        if (typeof id !== 'string') return;
        const path = [...base, section, index];
        if (seen.has(id)) {
          errors.push({ path, at: 'value', message: `${quoteId(id)} is listed twice`, hint: 'remove the repeat' });
          return;
        }
        seen.add(id);
        if (!defined[section].includes(id)) {
          errors.push({ path, at: 'value', ...undefinedReference(section, id, defined) });
          return;
        }
        used[section].add(id);
        if (section === 'exporters' && typeOfId(id) === 'otlphttp' && !sharing) {
          errors.push({
            path,
            at: 'value',
            message: `exporter ${quoteId(id)} sends data off this machine, but sharing is not enabled`,
            hint: SHARING_HINT,
            code: 'PT_ERR_SHARING_NOT_ENABLED',
          });
        }
      });
    }
  }
  return used;
}

function undefinedReference(
  section: SectionName,
  id: string,
  defined: Record<SectionName, string[]>,
): { message: string; hint: string } {
  const message = `${SECTION_SINGULAR[section]} ${quoteId(id)} is not defined`;
  const suggestion = didYouMean(id, defined[section]);
  if (suggestion !== undefined) return { message, hint: `did you mean "${suggestion}"?` };
  const elsewhere = SECTION_NAMES.find((other) => other !== section && defined[other].includes(id));
  if (elsewhere !== undefined) {
    return { message, hint: `${quoteId(id)} is a ${SECTION_SINGULAR[elsewhere]}; list it under ${elsewhere}` };
  }
  return { message, hint: `define it under ${section}:` };
}

/** Ids are keys, safe to echo; a reference that does not look like an id is not echoed. */
function quoteId(id: string): string {
  return /^[A-Za-z0-9_./-]{1,64}$/.test(id) ? `"${id}"` : 'this reference';
}

function unusedComponents(defined: Record<SectionName, string[]>, used: Record<SectionName, Set<string>>): PathIssue[] {
  const issues: PathIssue[] = [];
  for (const section of SECTION_NAMES) {
    for (const id of defined[section]) {
      if (used[section].has(id) || !parseComponentId(section, id).ok) continue;
      issues.push({
        path: [section, id],
        at: 'key',
        message: `${SECTION_SINGULAR[section]} "${id}" is not used by any pipeline`,
        hint: 'add it to a pipeline under service.pipelines, or remove it',
      });
    }
  }
  return issues;
}

function plainHttpEndpoints(components: Components): PathIssue[] {
  const issues: PathIssue[] = [];
  for (const [id, exporter] of Object.entries(components.exporters)) {
    if (exporter.type !== 'otlphttp') continue;
    const url = new URL(exporter.endpoint);
    const loopback = url.hostname === 'localhost' || url.hostname === '[::1]' || url.hostname.startsWith('127.');
    if (url.protocol !== 'http:' || loopback) continue;
    issues.push({
      path: ['exporters', id, 'endpoint'],
      at: 'value',
      message: 'sends data unencrypted (http://)',
      hint: 'use https:// for anything that leaves this machine',
    });
  }
  return issues;
}
