import { CATEGORIES, type Category } from '@prism-telemetry/privacy';

export { CATEGORIES };
export type { Category };

export function isCategory(value: string): value is Category {
  return (CATEGORIES as readonly string[]).includes(value);
}
