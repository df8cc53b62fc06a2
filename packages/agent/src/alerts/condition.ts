import type { Condition } from './rule.js';

/** Whether `value` meets the condition: what starts an alert. */
export function conditionHolds(condition: Condition, value: number, threshold: number): boolean {
  switch (condition) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}

/**
 * Whether an alert already pending or firing goes on: the value is not yet back past the threshold by more
 * than `hysteresis`. A value wobbling around the threshold then stays one episode instead of a storm of
 * fired/resolved pairs. `!=` has no band (the config refuses a hysteresis there).
 */
export function conditionStillHolds(
  condition: Condition,
  value: number,
  threshold: number,
  hysteresis: number,
): boolean {
  switch (condition) {
    case '>':
      return value > threshold - hysteresis;
    case '>=':
      return value >= threshold - hysteresis;
    case '<':
      return value < threshold + hysteresis;
    case '<=':
      return value <= threshold + hysteresis;
    case '==':
      return Math.abs(value - threshold) <= hysteresis;
    case '!=':
      return value !== threshold;
  }
}
