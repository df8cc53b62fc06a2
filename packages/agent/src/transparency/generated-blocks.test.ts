import { describe, expect, it } from 'vitest';
import { beginMarker, endMarker, replaceGeneratedBlocks } from './generated-blocks.js';

const doc = (inner: string): string => `# Title\n\n${beginMarker('a')}${inner}${endMarker('a')}\n\nhand-written\n`;

describe('replaceGeneratedBlocks', () => {
  it('replaces only the content between the markers and names what was stale', () => {
    const result = replaceGeneratedBlocks(doc('\n\nold\n\n'), new Map([['a', 'new']]));
    expect(result).toEqual({ text: doc('\n\nnew\n\n'), stale: ['a'], missing: [] });
  });

  it('leaves an up-to-date file byte for byte as it was', () => {
    const text = doc('\n\nsame\n\n');
    expect(replaceGeneratedBlocks(text, new Map([['a', 'same\n']]))).toEqual({ text, stale: [], missing: [] });
  });

  it('reports missing and duplicated markers instead of guessing where a block goes', () => {
    const blocks = new Map([['a', 'x']]);
    expect(replaceGeneratedBlocks('# nothing here\n', blocks).missing).toEqual(['a']);
    expect(replaceGeneratedBlocks(doc('') + doc(''), blocks).missing).toEqual(['a']);
  });
});
