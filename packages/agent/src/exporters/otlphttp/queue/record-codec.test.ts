import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeHeader, encodeFrame, findNextHeader, HEADER_BYTES, headerCrc, payloadIntact } from './record-codec.js';
import { SeqRanges } from './seq-ranges.js';

describe('record codec', () => {
  it('round-trips a frame and detects any flipped byte', () => {
    const payload = Buffer.from('an OTLP request');
    const frame = encodeFrame(payload, { seq: 2 ** 40 + 7, enqueuedAt: Date.UTC(2026, 0, 1), points: 12 });
    const header = decodeHeader(frame, 0)!;
    expect(header).toMatchObject({
      length: payload.length,
      seq: 2 ** 40 + 7,
      enqueuedAt: Date.UTC(2026, 0, 1),
      points: 12,
    });
    expect(payloadIntact(frame.subarray(HEADER_BYTES), header)).toBe(true);
    for (let i = 0; i < HEADER_BYTES; i++) {
      const damaged = Buffer.from(frame);
      damaged[i] = damaged[i]! ^ 1;
      expect(decodeHeader(damaged, 0)).toBeUndefined();
    }
    const damaged = Buffer.from(frame);
    damaged[HEADER_BYTES + 3] = damaged[HEADER_BYTES + 3]! ^ 1;
    expect(payloadIntact(damaged.subarray(HEADER_BYTES), header)).toBe(false);
  });

  it('computes header checksums exactly as zlib does', () => {
    const bytes = Buffer.from(Array.from({ length: 40 }, (_, i) => (i * 37) & 0xff));
    expect(headerCrc(bytes, 3)).toBe(crc32(bytes.subarray(3, 35)));
  });

  it('finds the next valid header after garbage', () => {
    const frame = encodeFrame(Buffer.from('x'), { seq: 1, enqueuedAt: 0, points: 1 });
    const buf = Buffer.concat([Buffer.from('PQR1 garbage PQR1'), frame]);
    expect(findNextHeader(buf, 0)).toBe(17);
  });
});

describe('SeqRanges', () => {
  it('merges, tests, deletes and serializes ranges', () => {
    const r = new SeqRanges();
    for (const n of [5, 6, 7, 1, 3, 2, 10]) r.add(n);
    expect(r.toJSON()).toEqual([
      [1, 3],
      [5, 7],
      [10, 10],
    ]);
    r.add(4);
    expect(r.toJSON()).toEqual([
      [1, 7],
      [10, 10],
    ]);
    expect([r.has(0), r.has(4), r.has(8), r.has(10)]).toEqual([false, true, false, true]);
    r.delete(3, 3);
    r.deleteBelow(2);
    expect(SeqRanges.from(JSON.parse(JSON.stringify(r))).toJSON()).toEqual([
      [2, 2],
      [4, 7],
      [10, 10],
    ]);
    expect(SeqRanges.from([[3, 1], 'x', [2]]).toJSON()).toEqual([]);
  });
});
