import type { Counter, Gauge, Meter } from '@opentelemetry/api';
import { DEFAULT_POLICY } from '../policy/default-policy.js';

const LEVEL_MIN = 0;
const LEVEL_MAX = 100;

/*
 * For applications that report their level and critical errors themselves, through a MeterProvider made
 * with the privacy package's Views. Instruments are made once per meter; name, unit and description come
 * from the policy, so what an app records is exactly what the policy and the manifest describe.
 */

interface AppInstruments {
  level: Gauge;
  errors: Counter;
}

const byMeter = new WeakMap<Meter, AppInstruments>();

function optionsOf(name: string): { unit?: string; description?: string } {
  const rule = DEFAULT_POLICY.metrics.find((m) => m.name === name);
  return rule ? { unit: rule.unit, description: rule.description } : {};
}

function instruments(meter: Meter): AppInstruments {
  let found = byMeter.get(meter);
  if (!found) {
    found = {
      level: meter.createGauge('prism.app.level', optionsOf('prism.app.level')),
      errors: meter.createCounter('prism.errors.critical', optionsOf('prism.errors.critical')),
    };
    byMeter.set(meter, found);
  }
  return found;
}

/** Records the application's level (0 to 100). Returns false, recording nothing, for any other value. */
export function recordLevel(meter: Meter, value: number): boolean {
  if (!Number.isFinite(value) || value < LEVEL_MIN || value > LEVEL_MAX) return false;
  instruments(meter).level.record(value);
  return true;
}

export interface CriticalError {
  /** Kind of error: a class name or a short identifier, never a message. */
  type: string;
  /** A short code such as ECONNREFUSED; dropped by the policy at the minimal level. */
  code?: string;
}

/** Counts one critical error by kind and code. Messages, stack traces and paths are never taken. */
export function reportCriticalError(meter: Meter, error: CriticalError): void {
  const attributes: Record<string, string> = { 'error.type': error.type };
  if (error.code !== undefined) attributes['error.code'] = error.code;
  instruments(meter).errors.add(1, attributes);
}
