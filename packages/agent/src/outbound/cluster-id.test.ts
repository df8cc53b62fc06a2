import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { clusterIdFor } from './cluster-id.js';

describe('clusterIdFor', () => {
  it('is the first 32 hex characters of HMAC-SHA256("cluster-id") under the install secret', () => {
    const secret = Buffer.alloc(32, 7);
    const expected = createHmac('sha256', secret).update('cluster-id').digest('hex').slice(0, 32);
    expect(clusterIdFor(secret)).toBe(expected);
    expect(clusterIdFor(secret)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('changes completely when the secret is rotated', () => {
    expect(clusterIdFor(Buffer.alloc(32, 1))).not.toBe(clusterIdFor(Buffer.alloc(32, 2)));
  });
});
