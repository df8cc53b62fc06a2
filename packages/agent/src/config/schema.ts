import { z } from 'zod';
import { CATEGORIES, PRIVACY_LEVELS, type Category } from './levels.js';
import type { FileExporterConfig, HostmetricsReceiverConfig, PrivacyProcessorConfig } from './types.js';
import { probeReceiverSchemas } from './probe-schemas.js';
import { alertsExporterSchema } from './alerts-schema.js';
import { applevelSchema } from './applevel-schema.js';
import { dashboardSchema } from './dashboard-schema.js';
import { otlpReceiverSchema } from './otlp-schema.js';
import { durationSetting, sizeSetting } from './unit-schemas.js';
import { otlpHttpExporterSchema } from './otlphttp-schema.js';

/*
 * Every object is strict: an unknown key is an error, because a misspelt key would otherwise be ignored and a
 * privacy setting silently not applied. Messages never include the value a user wrote (it may be a secret);
 * the path says where, the line number points at it.
 */

/** An absolute path; `~` is not expanded (the agent may run without a shell or HOME). */
function absolutePath(options: { allowEmpty: boolean }) {
  return z.string().superRefine((path, ctx) => {
    if (path.startsWith('/') || (options.allowEmpty && path === '')) return;
    ctx.addIssue({
      code: 'custom',
      message: 'must be an absolute path',
      params: { hint: path.startsWith('~') ? 'write the full path: ~ is not expanded' : 'write it starting with /' },
    });
  });
}

export const telemetrySchema = z
  .strictObject({
    privacy_level: z.enum(PRIVACY_LEVELS).default('standard'),
    /** Empty or null: use the default resolution (flag, env, XDG, ~/.local/state). */
    data_dir: absolutePath({ allowEmpty: true }).nullable().optional(),
    retention: z
      .strictObject({ health: durationSetting('30d'), level: durationSetting('90d'), errors: durationSetting('7d') })
      .prefault({}),
    max_total_size: sizeSetting('1GiB'),
    sharing: z.strictObject({ enabled: z.boolean().default(false) }).prefault({}),
    dashboard: dashboardSchema,
  })
  .transform((t) => ({
    privacyLevel: t.privacy_level,
    dataDir: t.data_dir ? t.data_dir : undefined,
    retentionMillis: Object.fromEntries(CATEGORIES.map((c) => [c, t.retention[c]])) as Record<Category, number>,
    maxTotalBytes: t.max_total_size,
    sharing: { enabled: t.sharing.enabled },
    dashboard: t.dashboard,
  }))
  .prefault({});

/** A component section (`receivers:` …): ids to configs. Each config is checked by its type's schema. */
const componentSection = z.record(z.string(), z.unknown()).nullable().prefault({});

const idList = z
  .array(z.string())
  .nullable()
  .optional()
  .transform((ids) => ids ?? []);

export const pipelineSchema = z
  .strictObject({ receivers: idList, processors: idList, exporters: idList })
  .nullable()
  .transform((p) => p ?? { receivers: [], processors: [], exporters: [] });

/** The whole file. Component configs are only shaped here; `componentSchemas` checks each by its type. */
export const configFileSchema = z.strictObject({
  telemetry: telemetrySchema,
  receivers: componentSection,
  processors: componentSection,
  exporters: componentSection,
  service: z
    .strictObject({ pipelines: z.record(z.string(), pipelineSchema).nullable().prefault({}) })
    .nullable()
    .prefault({}),
});

const hostmetricsSchema = z
  .strictObject({
    collection_interval: durationSetting('10s', { value: 1_000, text: '1s' }),
    root_path: absolutePath({ allowEmpty: false }).default('/'),
  })
  .transform((r): HostmetricsReceiverConfig => ({
    type: 'hostmetrics',
    collectionIntervalMillis: r.collection_interval,
    rootPath: r.root_path,
  }));

const privacyProcessorSchema = z
  .strictObject({ level: z.enum(PRIVACY_LEVELS).optional() })
  .transform((p): PrivacyProcessorConfig => ({ type: 'privacy', level: p.level }));

const fileExporterSchema = z.strictObject({}).transform((): FileExporterConfig => ({ type: 'file' }));

/** The component types, by section, and the schema of each type's config. */
export const componentSchemas = {
  receivers: {
    hostmetrics: hostmetricsSchema,
    ...probeReceiverSchemas,
    applevel: applevelSchema,
    otlp: otlpReceiverSchema,
  },
  processors: { privacy: privacyProcessorSchema },
  exporters: { file: fileExporterSchema, otlphttp: otlpHttpExporterSchema, alerts: alertsExporterSchema },
} as const;

export type SectionName = keyof typeof componentSchemas;
export const SECTION_NAMES = Object.keys(componentSchemas) as SectionName[];

/** Singular names for messages: "exporter", "receiver". */
export const SECTION_SINGULAR: Record<SectionName, string> = {
  receivers: 'receiver',
  processors: 'processor',
  exporters: 'exporter',
};
