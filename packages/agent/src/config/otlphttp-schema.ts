import { z } from 'zod';
import { PRIVACY_LEVELS } from './levels.js';
import type { OtlpHttpExporterConfig } from './types.js';
import { durationSetting, sizeSetting } from './unit-schemas.js';
import { httpUrl } from './url-schema.js';

/*
 * `exporters: otlphttp[/name]`: the sharing exporter. Data reaches it only through the consent gate; it is
 * appended to a durable queue in the data directory, then sent in batches with retries.
 * Defaults follow the Corrective Drift agent's documented ones (batch_size 100, flush every 300 s,
 * max_retries 3, retry_backoff_seconds 30).
 */

const endpointSchema = httpUrl({
  exampleHint: 'write e.g. https://collector.example/v1/metrics',
  credentialsHint: 'send credentials in headers (e.g. Authorization), where they stay out of logs',
});

const absoluteFile = z.string().superRefine((path, ctx) => {
  if (path.startsWith('/')) return;
  ctx.addIssue({
    code: 'custom',
    message: 'must be an absolute path',
    params: { hint: 'write the full path of the PEM file, starting with /' },
  });
});

/** RFC 9110 token characters. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const headerValue = z.unknown().transform((value, ctx) => {
  if (typeof value !== 'string') {
    ctx.addIssue({
      code: 'custom',
      message: 'a header value must be a string',
      params: { hint: 'quote it, e.g. "${TOKEN}", so YAML does not read it as a number or boolean' },
    });
    return z.NEVER;
  }
  if (/[\r\n\0]/.test(value)) {
    ctx.addIssue({
      code: 'custom',
      message: 'a header value must be one line',
      params: { hint: 'remove the line break' },
    });
    return z.NEVER;
  }
  return value;
});

const headersSchema = z
  .record(z.string(), headerValue)
  .superRefine((headers, ctx) => {
    for (const name of Object.keys(headers)) {
      if (!HEADER_NAME.test(name)) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'is not a valid HTTP header name',
          params: { hint: 'header names are letters, digits and -, e.g. Authorization', at: 'key' },
        });
      }
    }
  })
  .nullable()
  .prefault({});

export const otlpHttpExporterSchema = z
  .strictObject({
    endpoint: endpointSchema,
    headers: headersSchema,
    /** Sent as `Authorization: Bearer <key>`; usually `${PRISM_TELEMETRY_API_KEY}`. Never logged. */
    api_key: z.string().nullable().optional(),
    encoding: z.enum(['protobuf', 'json']).default('protobuf'),
    compression: z.enum(['gzip', 'none']).default('gzip'),
    timeout: durationSetting('10s'),
    tls: z.strictObject({ ca_file: absoluteFile.nullable().optional() }).nullable().prefault({}),
    /** Narrows (never widens) what this exporter sends, below its pipeline's level. */
    privacy_level: z.enum(PRIVACY_LEVELS).nullable().optional(),
    sending_queue: z
      .strictObject({
        batch_size: z
          .number()
          .int({ message: 'must be a whole number' })
          .min(1, { message: 'must be at least 1' })
          .max(10_000, { message: 'must be at most 10000' })
          .default(100),
        flush_interval: durationSetting('300s', { value: 100, text: '100ms' }),
        max_size: sizeSetting('256MiB', { value: 64 * 1024, text: '64KiB' }),
        max_age: durationSetting('7d', { value: 1_000, text: '1s' }),
      })
      .prefault({}),
    retry_on_failure: z
      .strictObject({
        max_retries: z
          .number()
          .int({ message: 'must be a whole number' })
          .min(0, { message: 'must be 0 or more' })
          .max(100, { message: 'must be at most 100' })
          .default(3),
        initial_interval: durationSetting('30s', { value: 10, text: '10ms' }),
        max_interval: durationSetting('5m', { value: 10, text: '10ms' }),
      })
      .prefault({}),
  })
  .superRefine((e, ctx) => {
    const authorization = Object.keys(e.headers ?? {}).find((name) => name.toLowerCase() === 'authorization');
    if (e.api_key && authorization) {
      ctx.addIssue({
        code: 'custom',
        path: ['api_key'],
        message: 'api_key and an Authorization header are both set',
        params: { hint: 'keep one: api_key is sent as "Authorization: Bearer <key>"' },
      });
    }
    if (e.retry_on_failure.max_interval < e.retry_on_failure.initial_interval) {
      ctx.addIssue({
        code: 'custom',
        path: ['retry_on_failure', 'max_interval'],
        message: 'is shorter than initial_interval',
        params: { hint: 'make max_interval at least initial_interval' },
      });
    }
  })
  .transform((e): OtlpHttpExporterConfig => ({
    type: 'otlphttp',
    endpoint: e.endpoint,
    headers: e.headers ?? {},
    apiKey: e.api_key ? e.api_key : undefined,
    encoding: e.encoding,
    compression: e.compression,
    timeoutMillis: e.timeout,
    caFile: e.tls?.ca_file ?? undefined,
    privacyLevel: e.privacy_level ?? undefined,
    queue: {
      batchRecords: e.sending_queue.batch_size,
      flushIntervalMillis: e.sending_queue.flush_interval,
      maxBytes: e.sending_queue.max_size,
      maxAgeMillis: e.sending_queue.max_age,
    },
    retry: {
      maxRetries: e.retry_on_failure.max_retries,
      initialBackoffMillis: e.retry_on_failure.initial_interval,
      maxBackoffMillis: e.retry_on_failure.max_interval,
    },
  }));
