import { describe, expect, it } from 'vitest';
import { displayPath } from './display-path.js';

describe('displayPath', () => {
  it('replaces the home directory prefix with ~', () => {
    expect(displayPath('/home/alice/.local/state/prism-telemetry', '/home/alice')).toBe(
      '~/.local/state/prism-telemetry',
    );
    expect(displayPath('/home/alice', '/home/alice/')).toBe('~');
  });

  it('leaves other paths, and look-alike prefixes, alone', () => {
    expect(displayPath('/var/lib/prism', '/home/alice')).toBe('/var/lib/prism');
    expect(displayPath('/home/alice2/data', '/home/alice')).toBe('/home/alice2/data');
    expect(displayPath('/data', '/')).toBe('/data');
  });
});
