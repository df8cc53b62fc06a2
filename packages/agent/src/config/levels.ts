export { CATEGORIES, PRIVACY_LEVELS } from '@prism-telemetry/privacy';
export type { Category, PrivacyLevel } from '@prism-telemetry/privacy';
