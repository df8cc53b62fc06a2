import { PRIVACY_LEVELS, type PrivacyLevel } from './types.js';

export function levelRank(level: PrivacyLevel): number {
  return PRIVACY_LEVELS.indexOf(level);
}

/** True when `level` collects at least what `atLeast` collects. */
export function levelIncludes(level: PrivacyLevel, atLeast: PrivacyLevel): boolean {
  return levelRank(level) >= levelRank(atLeast);
}

export function narrowerLevel(a: PrivacyLevel, b: PrivacyLevel): PrivacyLevel {
  return levelRank(a) <= levelRank(b) ? a : b;
}

export function isPrivacyLevel(value: unknown): value is PrivacyLevel {
  return typeof value === 'string' && (PRIVACY_LEVELS as readonly string[]).includes(value);
}
