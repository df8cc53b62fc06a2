import { crc32 } from 'node:zlib';

/**
 * One queued record on disk: a fixed 36-byte header, then the payload (one OTLP protobuf
 * `ExportMetricsServiceRequest`). The header carries its own checksum, so start-up can walk a segment reading
 * headers only; the payload checksum is verified before the record is sent.
 *
 * | offset | size | field                                    |
 * |--------|------|------------------------------------------|
 * | 0      | 4    | magic `PQR1`                             |
 * | 4      | 4    | payload length (u32 BE)                  |
 * | 8      | 8    | seq (u64 BE, < 2^53)                     |
 * | 16     | 8    | enqueuedAt, Unix millis (u64 BE)         |
 * | 24     | 4    | data points in the payload (u32 BE)      |
 * | 28     | 4    | CRC-32 of the payload                    |
 * | 32     | 4    | CRC-32 of bytes 0..31                    |
 *
 * CRC-32 is the zlib/IEEE one throughout; header checksums are computed in JS (for 32 bytes a table lookup
 * loop is several times faster than a call into zlib, which matters when start-up checks 250k headers).
 */
export const FRAME_MAGIC = 0x50515231; // "PQR1"
export const HEADER_BYTES = 36;
const MAGIC_BYTES = Buffer.from([0x50, 0x51, 0x52, 0x31]);
/** A larger length field is damage, not a record: nothing this exporter queues comes near it. */
export const MAX_PAYLOAD_BYTES = 256 * 1024 * 1024;

export interface FrameHeader {
  length: number;
  seq: number;
  enqueuedAt: number;
  points: number;
  payloadCrc: number;
}

export function encodeFrame(payload: Uint8Array, meta: { seq: number; enqueuedAt: number; points: number }): Buffer {
  const frame = Buffer.allocUnsafe(HEADER_BYTES + payload.byteLength);
  frame.writeUInt32BE(FRAME_MAGIC, 0);
  frame.writeUInt32BE(payload.byteLength, 4);
  writeU64(frame, meta.seq, 8);
  writeU64(frame, Math.max(0, Math.floor(meta.enqueuedAt)), 16);
  frame.writeUInt32BE(Math.min(meta.points, 0xffffffff) >>> 0, 24);
  frame.writeUInt32BE(crc32(payload), 28);
  frame.writeUInt32BE(headerCrc(frame, 0), 32);
  frame.set(payload, HEADER_BYTES);
  return frame;
}

/** The header at `offset` of `buf`, or undefined when those bytes are not a valid header. */
export function decodeHeader(buf: Buffer, offset: number): FrameHeader | undefined {
  if (!isHeaderAt(buf, offset)) return undefined;
  const length = buf.readUInt32BE(offset + 4);
  return {
    length,
    seq: readU64(buf, offset + 8),
    enqueuedAt: readU64(buf, offset + 16),
    points: buf.readUInt32BE(offset + 24),
    payloadCrc: buf.readUInt32BE(offset + 28),
  };
}

export function payloadIntact(payload: Uint8Array, header: FrameHeader): boolean {
  return payload.byteLength === header.length && crc32(payload) === header.payloadCrc;
}

/** Whether the bytes at `offset` are a whole, valid frame header. */
export function isHeaderAt(buf: Buffer, offset: number): boolean {
  return (
    offset + HEADER_BYTES <= buf.byteLength &&
    buf.readUInt32BE(offset) === FRAME_MAGIC &&
    buf.readUInt32BE(offset + 32) === headerCrc(buf, offset) &&
    buf.readUInt32BE(offset + 4) <= MAX_PAYLOAD_BYTES
  );
}

/** Offset of the first valid header at or after `from` in `buf`, or -1. */
export function findNextHeader(buf: Buffer, from: number): number {
  for (let at = buf.indexOf(MAGIC_BYTES, from); at !== -1; at = buf.indexOf(MAGIC_BYTES, at + 1)) {
    if (decodeHeader(buf, at)) return at;
  }
  return -1;
}

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** CRC-32 (as zlib's) of the 32 header bytes at `offset`. */
export function headerCrc(buf: Uint8Array, offset: number): number {
  let c = -1;
  for (let i = offset; i < offset + 32; i++) c = CRC_TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

function writeU64(buf: Buffer, value: number, offset: number): void {
  buf.writeUInt32BE(Math.floor(value / 0x1_0000_0000), offset);
  buf.writeUInt32BE((value % 0x1_0000_0000) >>> 0, offset + 4);
}

export function readU64(buf: Buffer, offset: number): number {
  return buf.readUInt32BE(offset) * 0x1_0000_0000 + buf.readUInt32BE(offset + 4);
}
