import type { AttributeValue } from './rule.js';

/** A value for people: at most 4 significant digits, no exponent for everyday magnitudes. */
export function formatValue(value: number | null): string {
  if (value === null) return '-';
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}

/**
 * Fills `{{value}}`, `{{threshold}}`, `{{service}}` (the `prism.service` attribute) and `{{<attribute>}}`.
 * A placeholder with nothing to fill it becomes `?`. The result is one line, whatever the template held.
 */
export function renderSummary(
  template: string,
  fields: { value: number | null; threshold?: number; attributes: Record<string, AttributeValue> },
): string {
  const rendered = template.replace(/\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g, (_, name: string) => {
    if (name === 'value') return formatValue(fields.value);
    if (name === 'threshold') return fields.threshold === undefined ? '?' : formatValue(fields.threshold);
    const key = name === 'service' ? 'prism.service' : name;
    const attribute = Object.hasOwn(fields.attributes, key) ? fields.attributes[key] : undefined;
    return attribute === undefined ? '?' : String(attribute);
  });
  return rendered.replace(/\s+/g, ' ').trim();
}
