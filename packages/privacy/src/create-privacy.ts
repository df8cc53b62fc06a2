import type { PushMetricExporter, ViewOptions } from '@opentelemetry/sdk-metrics';
import { createHmacPseudonymizer, type Pseudonymizer } from './anonymize/hasher.js';
import { PrivacyExporter } from './export/privacy-exporter.js';
import { DEFAULT_POLICY } from './policy/default-policy.js';
import { PolicyAtLevel } from './policy/policy-at-level.js';
import type { Policy, PrivacyLevel } from './policy/types.js';
import { DropCounter } from './processor/drop-counter.js';
import { PrivacyProcessor } from './processor/privacy-processor.js';
import { createPrivacyViews } from './view/privacy-views.js';

export interface PrivacyOptions {
  level: PrivacyLevel;
  /** Per-install secret for pseudonyms (see loadOrCreateInstallSecret); or pass a ready pseudonymizer. */
  secret?: Uint8Array;
  pseudonymizer?: Pseudonymizer;
  policy?: Policy;
  drops?: DropCounter;
}

export interface Privacy {
  readonly policy: PolicyAtLevel;
  /** Views to pass to `new MeterProvider({ views })`. */
  readonly views: ViewOptions[];
  readonly processor: PrivacyProcessor;
  readonly drops: DropCounter;
  /** Wraps an exporter so it only ever sees data that passed the policy. */
  wrap(exporter: PushMetricExporter): PushMetricExporter;
}

/** Everything an OpenTelemetry JS app or the agent needs to apply one privacy level. */
export function createPrivacy(options: PrivacyOptions): Privacy {
  const pseudonymizer =
    options.pseudonymizer ??
    (options.secret
      ? createHmacPseudonymizer({ secret: options.secret })
      : failClosed('createPrivacy needs a secret or a pseudonymizer'));
  const drops = options.drops ?? new DropCounter();
  const policy = new PolicyAtLevel(options.policy ?? DEFAULT_POLICY, options.level, { pseudonymizer, drops });
  const processor = new PrivacyProcessor(policy);
  return {
    policy,
    views: createPrivacyViews(policy),
    processor,
    drops,
    wrap: (exporter) => new PrivacyExporter(exporter, processor),
  };
}

function failClosed(message: string): never {
  throw new Error(message);
}
