import type { AttributeValue, Attributes } from '@opentelemetry/api';
import { ShapeError, asFields, at, bigInteger, double, field, list, text, type Fields } from './otlp-values.js';

/**
 * More attributes than this on one point or resource: its points are rejected rather than converted. No SDK
 * sends that many by default (their limit is 128), and the privacy policy would drop nearly all of them.
 */
export const MAX_ATTRIBUTES = 1024;

/** What the SDK's `Attributes` cannot carry, and was therefore left out. */
export interface AttributeDrops {
  /** Values that are key-value lists, bytes, empty, non-finite, or arrays of mixed or nested values. */
  droppedAttributes: number;
}

type Primitive = string | number | boolean;

const VALUE_KEYS = [
  'stringValue',
  'boolValue',
  'intValue',
  'doubleValue',
  'arrayValue',
  'kvlistValue',
  'bytesValue',
  'stringValueStrindex',
] as const;
type ValueKey = (typeof VALUE_KEYS)[number];

/** The one member of the AnyValue oneof that is set; undefined when none or several are. */
function setMember(value: Fields): ValueKey | undefined {
  let found: ValueKey | undefined;
  for (const key of VALUE_KEYS) {
    const member = field(value, key);
    if (member === undefined || member === null) continue;
    if (found) return undefined;
    found = key;
  }
  return found;
}

/** A scalar AnyValue as a JS value; undefined when it is not a scalar the SDK can carry. */
function primitive(value: Fields): Primitive | undefined {
  const key = setMember(value);
  const member = key === undefined ? undefined : field(value, key);
  switch (key) {
    case 'stringValue':
      return text(value, key);
    case 'boolValue':
      if (typeof member !== 'boolean') throw new ShapeError('expected true or false').within(key);
      return member;
    case 'intValue':
      return Number(at(key, () => bigInteger(member, { unsigned: false })));
    case 'doubleValue': {
      const number = at(key, () => double(member));
      return number !== undefined && Number.isFinite(number) ? number : undefined;
    }
    default:
      return undefined;
  }
}

function arrayValue(array: Fields): AttributeValue | undefined {
  const items: Array<Primitive | null> = [];
  let kind: string | undefined;
  for (const [index, item] of list(array, 'values').entries()) {
    const entry = at(`values[${index}]`, () => asFields(item));
    if (VALUE_KEYS.every((key) => field(entry, key) === undefined || field(entry, key) === null)) {
      items.push(null);
      continue;
    }
    const scalar = at(`values[${index}]`, () => primitive(entry));
    if (scalar === undefined) return undefined;
    if (kind !== undefined && typeof scalar !== kind) return undefined;
    kind = typeof scalar;
    items.push(scalar);
  }
  return items as AttributeValue;
}

function attributeValue(value: Fields): AttributeValue | undefined {
  if (setMember(value) === 'arrayValue') {
    const array = field(value, 'arrayValue');
    return at('arrayValue', () => arrayValue(asFields(array)));
  }
  return primitive(value);
}

/**
 * OTLP KeyValues as SDK Attributes; undefined when there are more than MAX_ATTRIBUTES. Keys are copied as
 * data (`__proto__` included), never as a prototype.
 */
export function toAttributes(keyValues: readonly unknown[], drops: AttributeDrops): Attributes | undefined {
  if (keyValues.length > MAX_ATTRIBUTES) return undefined;
  const entries: Array<[string, AttributeValue]> = [];
  keyValues.forEach((item, index) =>
    at(`attributes[${index}]`, () => {
      const keyValue = asFields(item);
      const key = text(keyValue, 'key');
      const value = field(keyValue, 'value');
      const converted =
        value === undefined || value === null ? undefined : at('value', () => attributeValue(asFields(value)));
      if (converted === undefined) drops.droppedAttributes++;
      else entries.push([key, converted]);
    }),
  );
  return Object.fromEntries(entries);
}
