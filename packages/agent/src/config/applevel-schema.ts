import { z } from 'zod';
import { parseJsonPath, type JsonPathSegment } from '../receivers/applevel/json-path.js';
import { durationSetting } from './unit-schemas.js';
import { httpUrl } from './url-schema.js';

export interface ApplevelReceiverConfig {
  type: 'applevel';
  /** http(s) URL answering GET with the level (0 to 100). */
  endpoint: string;
  /** Parsed `json_path`; empty: the body is the number. */
  jsonPath: JsonPathSegment[];
  collectionIntervalMillis: number;
  timeoutMillis: number;
  /** The evolution is the least-squares trend over this much history. */
  windowMillis: number;
  /** Level points per hour within which the trend is `stable`. */
  deadBandPerHour: number;
  /** `prism.app.functional` is 1 while the last value is at most this old. */
  stalenessMillis: number;
}

const levelEndpoint = httpUrl({
  exampleHint: 'write e.g. http://127.0.0.1:8000/consciousness/level',
  credentialsHint: 'expose the level on an endpoint that needs no login, e.g. on 127.0.0.1 only',
});

const jsonPathText = z
  .string()
  .default('')
  .transform((text, ctx) => {
    const parsed = parseJsonPath(text);
    if (!parsed.ok) {
      ctx.addIssue({
        code: 'custom',
        message: `is not a valid path: ${parsed.message}`,
        params: { hint: 'write keys joined by dots and [n] for array items, e.g. data.levels[0].value' },
      });
      return z.NEVER;
    }
    return parsed.segments;
  });

/** `receivers: applevel[/name]`: polls an application's own level. */
export const applevelSchema = z
  .strictObject({
    endpoint: levelEndpoint,
    json_path: jsonPathText,
    collection_interval: durationSetting('10s', { value: 1_000, text: '1s' }),
    timeout: durationSetting('2s', { value: 100, text: '100ms' }),
    window: durationSetting('1h', { value: 60_000, text: '1m' }),
    dead_band: z
      .number()
      .refine((n) => n >= 0, { message: 'must be 0 or more' })
      .default(1),
    staleness: durationSetting('1m', { value: 1_000, text: '1s' }),
  })
  .superRefine((r, ctx) => {
    if (r.window < 3 * r.collection_interval) {
      ctx.addIssue({
        code: 'custom',
        path: ['window'],
        message: 'must be at least 3 times collection_interval',
        params: { hint: 'a trend needs several samples: lengthen window or shorten collection_interval' },
      });
    }
    if (r.staleness < r.collection_interval) {
      ctx.addIssue({
        code: 'custom',
        path: ['staleness'],
        message: 'must be at least collection_interval',
        params: { hint: 'otherwise the app counts as not functional between two polls' },
      });
    }
  })
  .transform((r): ApplevelReceiverConfig => ({
    type: 'applevel',
    endpoint: r.endpoint,
    jsonPath: r.json_path,
    collectionIntervalMillis: r.collection_interval,
    timeoutMillis: r.timeout,
    windowMillis: r.window,
    deadBandPerHour: r.dead_band,
    stalenessMillis: r.staleness,
  }));
