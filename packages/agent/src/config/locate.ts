import { isAlias, isMap, isNode, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { ConfigPath } from './config-path.js';
import { keyOf } from './env-substitution.js';

export interface Position {
  line: number;
  column: number;
}

/**
 * Where `path` is in the file: at the key (`at: 'key'`, for unknown keys) or at the value. When the value is
 * empty or the path does not exist, at the key of the nearest existing parent; at the document start for the
 * top level.
 */
export function locate(
  doc: Document,
  lineCounter: LineCounter,
  path: ConfigPath,
  at: 'key' | 'value',
): Position | undefined {
  let node: unknown = doc.contents;
  let key: Node | undefined;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => keyOf(p.key) === String(segment));
      if (!pair) return fromOffset(lineCounter, startOf(key) ?? startOf(node));
      key = isNode(pair.key) ? pair.key : key;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
      node = node.items[segment];
      key = isNode(node) ? node : key;
    } else {
      return fromOffset(lineCounter, startOf(key) ?? startOf(node));
    }
  }
  if (at === 'key' && key !== undefined) return fromOffset(lineCounter, startOf(key));
  const empty = isScalar(node) && node.range !== undefined && node.range !== null && node.range[0] === node.range[1];
  return fromOffset(
    lineCounter,
    empty || node === null ? (startOf(key) ?? startOf(node)) : (startOf(node) ?? startOf(key)),
  );
}

function startOf(node: unknown): number | undefined {
  return isNode(node) ? (node.range?.[0] ?? undefined) : undefined;
}

export function fromOffset(lineCounter: LineCounter, offset: number | undefined): Position | undefined {
  if (offset === undefined) return undefined;
  const { line, col } = lineCounter.linePos(offset);
  return { line: Math.max(line, 1), column: col };
}
