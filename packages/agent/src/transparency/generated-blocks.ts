/**
 * Generated regions of a markdown file, between `<!-- BEGIN GENERATED: name -->` and
 * `<!-- END GENERATED: name -->`. Everything outside the markers is hand-written and left alone.
 */
export const beginMarker = (name: string): string => `<!-- BEGIN GENERATED: ${name} -->`;
export const endMarker = (name: string): string => `<!-- END GENERATED: ${name} -->`;

export interface BlocksResult {
  /** The file with every block found replaced by its expected content. */
  text: string;
  /** Blocks whose content differs from what would be generated now. */
  stale: string[];
  /** Blocks whose markers are missing, duplicated or out of order; these cannot be regenerated in place. */
  missing: string[];
}

export function replaceGeneratedBlocks(text: string, blocks: ReadonlyMap<string, string>): BlocksResult {
  let out = text;
  const stale: string[] = [];
  const missing: string[] = [];
  for (const [name, content] of blocks) {
    const begin = beginMarker(name);
    const end = endMarker(name);
    const start = out.indexOf(begin);
    const stop = out.indexOf(end, start + begin.length);
    if (start < 0 || stop < 0 || out.indexOf(begin, start + begin.length) >= 0) {
      missing.push(name);
      continue;
    }
    // Blank lines around the content keep the comments and the markdown in separate blocks, as Prettier wants.
    const expected = `\n\n${content.trim()}\n\n`;
    const current = out.slice(start + begin.length, stop);
    if (current !== expected) {
      stale.push(name);
      out = out.slice(0, start + begin.length) + expected + out.slice(stop);
    }
  }
  return { text: out, stale, missing };
}
