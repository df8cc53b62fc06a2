import { describe, expect, it } from 'vitest';
import {
  encodeMessage,
  HANDSHAKE,
  isSecurityFailure,
  loginMessages,
  MESSAGE,
  pack,
  parseHandshakeAnswer,
  readMessage,
} from './bolt-protocol.js';
import { unpack, type UnpackedStruct } from './fake-bolt-server.test.helper.js';

/** Strips the chunk framing of one message (2-byte size, body, 00 00) and decodes it. */
function decode(message: Buffer): UnpackedStruct {
  const size = message.readUInt16BE(0);
  expect(message.subarray(2 + size)).toEqual(Buffer.from([0, 0]));
  return unpack(message.subarray(2, 2 + size))[0] as UnpackedStruct;
}

describe('Bolt encoding', () => {
  it('packs strings and maps in their smallest PackStream form', () => {
    expect(pack('a')).toEqual(Buffer.from([0x81, 0x61]));
    expect(pack('')).toEqual(Buffer.from([0x80]));
    expect(pack('x'.repeat(16)).subarray(0, 2)).toEqual(Buffer.from([0xd0, 16]));
    expect(pack('x'.repeat(300)).subarray(0, 3)).toEqual(Buffer.from([0xd1, 0x01, 0x2c]));
    expect(pack({})).toEqual(Buffer.from([0xa0]));
    expect(pack({ k: 'v' })).toEqual(Buffer.from([0xa1, 0x81, 0x6b, 0x81, 0x76]));
    expect(unpack(pack({ ü: 'ß'.repeat(20), nested: { a: 'b' } }))[0]).toEqual({
      ü: 'ß'.repeat(20),
      nested: { a: 'b' },
    });
  });

  it('frames GOODBYE as one chunk and an end marker', () => {
    expect(encodeMessage(MESSAGE.GOODBYE, [])).toEqual(Buffer.from([0x00, 0x02, 0xb0, 0x02, 0x00, 0x00]));
  });

  it('offers Bolt 5.8-5.0, 4.4-4.1 and 3.0 after the magic preamble', () => {
    expect(HANDSHAKE.toString('hex')).toBe('6060b017' + '00080805' + '00030404' + '00000003' + '00000000');
  });

  it('reads the handshake answer', () => {
    expect(parseHandshakeAnswer(Buffer.from([0, 0, 4, 5]))).toEqual({ ok: true, version: { major: 5, minor: 4 } });
    expect(parseHandshakeAnswer(Buffer.alloc(4))).toEqual({ ok: false, reason: 'no common version' });
    expect(parseHandshakeAnswer(Buffer.from('HTTP'))).toEqual({ ok: false, reason: 'http' });
  });

  it('puts the credentials in LOGON from 5.1, in HELLO before, and adds bolt_agent from 5.3', () => {
    const credentials = { username: 'neo4j', password: 'pw' };
    const auth = { scheme: 'basic', principal: 'neo4j', credentials: 'pw' };
    const [hello44, ...rest44] = loginMessages({ major: 4, minor: 4 }, credentials, 'ua/1').map(decode);
    expect(rest44).toEqual([]);
    expect(hello44).toEqual({ signature: MESSAGE.HELLO, fields: [{ user_agent: 'ua/1', ...auth }] });
    const messages52 = loginMessages({ major: 5, minor: 2 }, credentials, 'ua/1').map(decode);
    expect(messages52).toEqual([
      { signature: MESSAGE.HELLO, fields: [{ user_agent: 'ua/1' }] },
      { signature: MESSAGE.LOGON, fields: [auth] },
    ]);
    const [hello54] = loginMessages({ major: 5, minor: 4 }, credentials, 'ua/1').map(decode);
    expect(hello54?.fields[0]).toEqual({ user_agent: 'ua/1', bolt_agent: { product: 'ua/1' } });
  });
});

describe('readMessage', () => {
  function reader(bytes: Buffer) {
    let offset = 0;
    return async (length: number) => {
      if (offset + length > bytes.length) throw new Error('closed');
      const out = bytes.subarray(offset, offset + length);
      offset += length;
      return out;
    };
  }

  it('skips keep-alive chunks and joins a message split over chunks', async () => {
    const whole = encodeMessage(MESSAGE.SUCCESS, [{ server: 'Neo4j/5.26.0' }]);
    const body = whole.subarray(2, whole.length - 2);
    const split = Buffer.concat([
      Buffer.from([0, 0]),
      Buffer.from([0, 3]),
      body.subarray(0, 3),
      Buffer.from([0, body.length - 3]),
      body.subarray(3),
      Buffer.from([0, 0]),
    ]);
    const message = await readMessage(reader(split));
    expect(message.signature).toBe(MESSAGE.SUCCESS);
    expect(unpack(message.body)[0]).toEqual({ signature: MESSAGE.SUCCESS, fields: [{ server: 'Neo4j/5.26.0' }] });
  });

  it('recognises a security failure by its code', async () => {
    const failure = await readMessage(
      reader(encodeMessage(MESSAGE.FAILURE, [{ code: 'Neo.ClientError.Security.Unauthorized', message: 'no' }])),
    );
    expect(failure.signature).toBe(MESSAGE.FAILURE);
    expect(isSecurityFailure(failure.body)).toBe(true);
    const other = encodeMessage(MESSAGE.FAILURE, [{ code: 'Neo.TransientError.General.DatabaseUnavailable' }]);
    expect(isSecurityFailure(other)).toBe(false);
  });
});
