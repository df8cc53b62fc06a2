import type { AttributeValue, Attributes } from '@opentelemetry/api';
import {
  ShapeError,
  asFields,
  double,
  field,
  int64Number,
  list,
  rethrowWithin,
  text,
  type Fields,
} from './otlp-values.js';

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
const VALUE_KEY_SET: ReadonlySet<string> = new Set(VALUE_KEYS);

/** Names an object inherits from Object.prototype (`__proto__`, `constructor`, ...). */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

const isSet = (value: Fields, key: ValueKey): boolean => {
  const member = field(value, key);
  return member !== undefined && member !== null;
};

/** The one member of the AnyValue oneof that is set; undefined when none or several are. */
function setMember(value: Fields): ValueKey | undefined {
  if (Object.getPrototypeOf(value) === Object.prototype) return setMemberOfPlain(value);
  let found: ValueKey | undefined;
  for (let i = 0; i < VALUE_KEYS.length; i++) {
    const key = VALUE_KEYS[i]!;
    if (!isSet(value, key)) continue;
    if (found) return undefined;
    found = key;
  }
  return found;
}

/**
 * `setMember` for parsed OTLP/JSON, whose objects are plain: everything enumerable is their own, so walking
 * their keys (nearly always one, `{"stringValue": "..."}`) finds the set member without a lookup per member.
 */
function setMemberOfPlain(value: Fields): ValueKey | undefined {
  let found: ValueKey | undefined;
  for (const key in value) {
    if (!VALUE_KEY_SET.has(key) || !Object.hasOwn(value, key)) continue;
    const member = value[key];
    if (member === undefined || member === null) continue;
    if (found) return undefined;
    found = key as ValueKey;
  }
  return found;
}

/** A scalar AnyValue (whose set member is `key`) as a JS value; undefined when not a scalar the SDK can carry. */
function primitive(value: Fields, key: ValueKey | undefined): Primitive | undefined {
  switch (key) {
    case 'stringValue':
      return text(value, key);
    case 'boolValue': {
      const member = value[key];
      if (typeof member !== 'boolean') throw new ShapeError('expected true or false').within(key);
      return member;
    }
    case 'intValue':
      try {
        return int64Number(value[key]);
      } catch (error) {
        return rethrowWithin(error, key);
      }
    case 'doubleValue': {
      let number: number | undefined;
      try {
        number = double(value[key]);
      } catch (error) {
        rethrowWithin(error, key);
      }
      return number !== undefined && Number.isFinite(number) ? number : undefined;
    }
    default:
      return undefined;
  }
}

function arrayValue(array: Fields): AttributeValue | undefined {
  const items: Array<Primitive | null> = [];
  let kind: string | undefined;
  const values = list(array, 'values');
  for (let index = 0; index < values.length; index++) {
    let scalar: Primitive | undefined;
    try {
      const entry = asFields(values[index]);
      const key = setMember(entry);
      if (key === undefined && !VALUE_KEYS.some((k) => isSet(entry, k))) {
        items.push(null);
        continue;
      }
      scalar = primitive(entry, key);
    } catch (error) {
      rethrowWithin(error, `values[${index}]`);
    }
    if (scalar === undefined) return undefined;
    if (kind !== undefined && typeof scalar !== kind) return undefined;
    kind = typeof scalar;
    items.push(scalar);
  }
  return items as AttributeValue;
}

function attributeValue(value: Fields): AttributeValue | undefined {
  const key = setMember(value);
  if (key === 'arrayValue') {
    try {
      return arrayValue(asFields(value[key]));
    } catch (error) {
      return rethrowWithin(error, key);
    }
  }
  return primitive(value, key);
}

/** Sets a key as data: `__proto__` (or any name Object.prototype has) becomes an own property, never a prototype. */
function setAttribute(attributes: Attributes, key: string, value: AttributeValue): void {
  if (PROTOTYPE_KEYS.has(key)) {
    Object.defineProperty(attributes, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    attributes[key] = value;
  }
}

/**
 * OTLP KeyValues as SDK Attributes; undefined when there are more than MAX_ATTRIBUTES. Keys are copied as
 * data (`__proto__` included), never as a prototype; of a repeated key the last value counts.
 */
export function toAttributes(keyValues: readonly unknown[], drops: AttributeDrops): Attributes | undefined {
  if (keyValues.length > MAX_ATTRIBUTES) return undefined;
  const attributes: Attributes = {};
  for (let index = 0; index < keyValues.length; index++) {
    try {
      const keyValue = asFields(keyValues[index]);
      const key = text(keyValue, 'key');
      const value = field(keyValue, 'value');
      let converted: AttributeValue | undefined;
      if (value !== undefined && value !== null) {
        try {
          converted = attributeValue(asFields(value));
        } catch (error) {
          rethrowWithin(error, 'value');
        }
      }
      if (converted === undefined) drops.droppedAttributes++;
      else setAttribute(attributes, key, converted);
    } catch (error) {
      rethrowWithin(error, `attributes[${index}]`);
    }
  }
  return attributes;
}
