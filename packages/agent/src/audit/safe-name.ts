import { detectPersonalData } from '@prism-telemetry/privacy';

const NAME = /^[A-Za-z][A-Za-z0-9_.\-/]{0,127}$/;

/**
 * A metric or attribute name as it may appear in audit output. Names come from code, not from people, but
 * one that looks like personal data (or like anything but a name) is withheld: the audit must not repeat
 * what it found.
 */
export function safeName(name: unknown): string {
  if (typeof name !== 'string' || !NAME.test(name) || detectPersonalData(name) !== undefined) return '(name withheld)';
  return name;
}
