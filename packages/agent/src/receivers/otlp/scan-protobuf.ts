import protobuf from 'protobufjs';

/*
 * A pass over a protobuf body before protobufjs decodes it, guided by the same schema. protobufjs allocates an
 * object per message: 20 MiB of empty attributes is ten million objects, half a gigabyte and two seconds, and
 * nesting AnyValues deeply overflows its recursion. This walk allocates nothing, checks every length and wire
 * type (so protobufjs then reads exactly the structure that was counted), and stops at the first limit.
 */

export interface ProtobufLimits {
  /** Messages inside one another. A real request nests about 10 deep. */
  maxDepth: number;
  /** Messages plus elements of repeated numbers: what protobufjs would allocate, roughly. */
  maxItems: number;
}

export const PROTOBUF_LIMITS: ProtobufLimits = { maxDepth: 32, maxItems: 1_000_000 };

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

interface ScanField {
  wireType: number;
  message?: ScanNode;
  /** For repeated numbers, which may also come packed: bytes per element, or 0 for varints. */
  packedWidth?: number;
  repeated: boolean;
}

interface ScanNode {
  /** By field number; OTLP's are small, so an array is the fastest lookup. */
  fields: Array<ScanField | undefined>;
}

const SCALAR_WIRE: Record<string, [wireType: number, width: number]> = {
  double: [FIXED64, 8],
  fixed64: [FIXED64, 8],
  sfixed64: [FIXED64, 8],
  float: [FIXED32, 4],
  fixed32: [FIXED32, 4],
  sfixed32: [FIXED32, 4],
  int32: [VARINT, 0],
  int64: [VARINT, 0],
  uint32: [VARINT, 0],
  uint64: [VARINT, 0],
  sint32: [VARINT, 0],
  sint64: [VARINT, 0],
  bool: [VARINT, 0],
};

const nodes = new WeakMap<protobuf.Type, ScanNode>();

function nodeFor(type: protobuf.Type): ScanNode {
  const known = nodes.get(type);
  if (known) return known;
  const node: ScanNode = { fields: [] };
  nodes.set(type, node); // before the fields: AnyValue and ArrayValue refer to each other
  for (const field of type.fieldsArray) {
    const resolved = field.resolve().resolvedType;
    if (resolved instanceof protobuf.Type) {
      node.fields[field.id] = { wireType: LENGTH_DELIMITED, message: nodeFor(resolved), repeated: field.repeated };
    } else if (resolved instanceof protobuf.Enum) {
      node.fields[field.id] = { wireType: VARINT, packedWidth: 0, repeated: field.repeated };
    } else {
      const scalar = SCALAR_WIRE[field.type];
      node.fields[field.id] = scalar
        ? { wireType: scalar[0], packedWidth: scalar[1], repeated: field.repeated }
        : { wireType: LENGTH_DELIMITED, repeated: field.repeated };
    }
  }
  return node;
}

class ScanProblem extends Error {}

const malformed = (at: number): ScanProblem =>
  new ScanProblem(`the protobuf body is malformed or cut off (at byte ${at})`);

const tooMany = (limits: ProtobufLimits): ScanProblem =>
  new ScanProblem(`the request holds more than ${limits.maxItems} messages and values`);

/** 2 ** shift for the varint shifts, so the hot loop multiplies by a constant. */
const SHIFT: number[] = [];
for (let shift = 0; shift <= 28; shift += 7) SHIFT[shift] = 2 ** shift;

/** Elements of a packed repeated number field: fixed width, or one per varint-terminating byte. */
function packedElements(body: Uint8Array, width: number, start: number, end: number, tagAt: number): number {
  const length = end - start;
  if (width > 0) {
    if (length % width !== 0) throw malformed(tagAt);
    return length / width;
  }
  if (length > 0 && body[end - 1]! >= 0x80) throw malformed(tagAt);
  let elements = 0;
  for (let i = start; i < end; i++) if (body[i]! < 0x80) elements++;
  return elements;
}

/** Iterative, with the enclosing messages on an explicit stack: its depth is the nesting limit. */
function walk(body: Uint8Array, root: ScanNode, limits: ProtobufLimits): void {
  const nodeStack: ScanNode[] = [root];
  const endStack: number[] = [body.length];
  let node = root;
  let end = body.length;
  let pos = 0;
  let items = 0;
  for (;;) {
    while (pos >= end) {
      if (pos > end) throw malformed(end);
      nodeStack.pop();
      endStack.pop();
      if (nodeStack.length === 0) return;
      node = nodeStack[nodeStack.length - 1]!;
      end = endStack[endStack.length - 1]!;
    }
    const tagAt = pos;
    // Tags and lengths: varints of at most 5 bytes here; anything longer cannot fit in the body.
    let tag = 0;
    for (let shift = 0; ; shift += 7) {
      if (pos >= end || shift > 28) throw malformed(tagAt);
      const byte = body[pos++]!;
      tag += (byte & 0x7f) * SHIFT[shift]!;
      if (byte < 0x80) break;
    }
    const wireType = tag & 7;
    if (tag < 8) throw malformed(tagAt);
    let start = pos;
    if (wireType === VARINT) {
      for (let i = 0; ; i++) {
        if (pos >= end || i === 10) throw malformed(tagAt);
        if (body[pos++]! < 0x80) break;
      }
    } else if (wireType === FIXED64) pos += 8;
    else if (wireType === FIXED32) pos += 4;
    else if (wireType === LENGTH_DELIMITED) {
      let length = 0;
      for (let shift = 0; ; shift += 7) {
        if (pos >= end || shift > 28) throw malformed(tagAt);
        const byte = body[pos++]!;
        length += (byte & 0x7f) * SHIFT[shift]!;
        if (byte < 0x80) break;
      }
      start = pos;
      pos += length;
    } else throw malformed(tagAt);
    if (pos > end) throw malformed(tagAt);
    const field = node.fields[Math.floor(tag / 8)];
    if (!field) continue; // unknown fields are skipped, by protobufjs too
    if (wireType === LENGTH_DELIMITED && field.packedWidth !== undefined && field.repeated) {
      items += packedElements(body, field.packedWidth, start, pos, tagAt);
    } else if (wireType !== field.wireType) {
      throw malformed(tagAt);
    } else if (field.message) {
      items++;
      if (nodeStack.length >= limits.maxDepth) {
        throw new ScanProblem(`the protobuf nests deeper than ${limits.maxDepth} messages`);
      }
      nodeStack.push(field.message);
      endStack.push(pos);
      node = field.message;
      end = pos;
      pos = start;
    } else if (field.repeated) {
      items++;
    }
    if (items > limits.maxItems) throw tooMany(limits);
  }
}

/** A problem that makes the body unacceptable, or undefined. Gives byte offsets, never the body's content. */
export function scanProtobuf(
  body: Uint8Array,
  type: protobuf.Type,
  limits: ProtobufLimits = PROTOBUF_LIMITS,
): string | undefined {
  try {
    walk(body, nodeFor(type), limits);
    return undefined;
  } catch (error) {
    if (error instanceof ScanProblem) return error.message;
    throw error;
  }
}
