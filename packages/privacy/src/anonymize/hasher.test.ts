import { describe, expect, it } from 'vitest';
import { createHmacPseudonymizer } from './hasher.js';

const secretA = Buffer.alloc(32, 1);
const secretB = Buffer.alloc(32, 2);

describe('createHmacPseudonymizer', () => {
  it('is stable within one install and differs across installs', () => {
    const a1 = createHmacPseudonymizer({ secret: secretA });
    const a2 = createHmacPseudonymizer({ secret: secretA });
    const b = createHmacPseudonymizer({ secret: secretB });
    expect(a1.pseudonym('/data')).toBe(a2.pseudonym('/data'));
    expect(a1.pseudonym('/data')).not.toBe(b.pseudonym('/data'));
    expect(a1.pseudonym('/data')).not.toBe(a1.pseudonym('/data2'));
  });

  it('hashes a number and its protobuf string form the same way', () => {
    const p = createHmacPseudonymizer({ secret: secretA });
    expect(p.pseudonym(42)).toBe(p.pseudonym('42'));
  });

  it('produces recognisable pseudonyms that contain nothing of the input', () => {
    const p = createHmacPseudonymizer({ secret: secretA });
    const value = p.pseudonym('/home/alice');
    expect(value).toMatch(/^anon:[0-9a-f]{32}$/);
    expect(p.isPseudonym(value)).toBe(true);
    expect(p.isPseudonym('/home/alice')).toBe(false);
  });

  it('refuses a short secret', () => {
    expect(() => createHmacPseudonymizer({ secret: Buffer.alloc(8) })).toThrow(/32 bytes/);
  });
});
