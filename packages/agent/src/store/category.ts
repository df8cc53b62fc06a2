/**
 * Storage categories, each with its own retention. Mirrors `Category` in packages/privacy/src/policy/types.ts;
 * declared here because the privacy package's export is not wired into the agent yet.
 */
export type Category = 'health' | 'level' | 'errors';

export const CATEGORIES: readonly Category[] = ['health', 'level', 'errors'];

export function isCategory(value: string): value is Category {
  return (CATEGORIES as readonly string[]).includes(value);
}
