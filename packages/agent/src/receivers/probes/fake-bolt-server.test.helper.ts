import net from 'node:net';
import tls from 'node:tls';
import { encodeMessage, MESSAGE, type BoltVersion, type PackValue } from './bolt-protocol.js';

/*
 * fakeBoltServer: a fake, because no Neo4j runs on this machine. It speaks just enough Bolt for a login:
 * handshake, HELLO, LOGON, RESET, GOODBYE, each answered the way Neo4j 5 answers. Its fidelity is checked by
 * the official neo4j-driver, whose verifyConnectivity() must accept it (neo4j-probe.test.ts).
 */

export type Unpacked = null | boolean | number | string | Unpacked[] | { [key: string]: Unpacked } | UnpackedStruct;
export interface UnpackedStruct {
  signature: number;
  fields: Unpacked[];
}

/** PackStream decoding of every type a client sends in a login. */
export function unpack(buffer: Buffer, offset = 0): [Unpacked, number] {
  const marker = buffer.readUInt8(offset);
  const high = marker & 0xf0;
  const low = marker & 0x0f;
  const string = (length: number, at: number): [Unpacked, number] => [
    buffer.toString('utf8', at, at + length),
    at + length,
  ];
  const many = (count: number, at: number, pairs: boolean): [Unpacked, number] => {
    const items: Unpacked[] = [];
    let next = at;
    for (let i = 0; i < count * (pairs ? 2 : 1); i++) {
      const [value, after] = unpack(buffer, next);
      items.push(value);
      next = after;
    }
    if (!pairs) return [items, next];
    const map: Record<string, Unpacked> = {};
    for (let i = 0; i < items.length; i += 2) map[String(items[i])] = items[i + 1] ?? null;
    return [map, next];
  };
  if (marker < 0x80) return [marker, offset + 1];
  if (marker >= 0xf0) return [marker - 0x100, offset + 1];
  if (high === 0x80) return string(low, offset + 1);
  if (high === 0x90) return many(low, offset + 1, false);
  if (high === 0xa0) return many(low, offset + 1, true);
  if (high === 0xb0) {
    const [fields, next] = many(low, offset + 2, false);
    return [{ signature: buffer.readUInt8(offset + 1), fields: fields as Unpacked[] }, next];
  }
  switch (marker) {
    case 0xc0:
      return [null, offset + 1];
    case 0xc1:
      return [buffer.readDoubleBE(offset + 1), offset + 9];
    case 0xc2:
      return [false, offset + 1];
    case 0xc3:
      return [true, offset + 1];
    case 0xc8:
      return [buffer.readInt8(offset + 1), offset + 2];
    case 0xc9:
      return [buffer.readInt16BE(offset + 1), offset + 3];
    case 0xca:
      return [buffer.readInt32BE(offset + 1), offset + 5];
    case 0xcb:
      return [Number(buffer.readBigInt64BE(offset + 1)), offset + 9];
    case 0xd0:
      return string(buffer.readUInt8(offset + 1), offset + 2);
    case 0xd1:
      return string(buffer.readUInt16BE(offset + 1), offset + 3);
    case 0xd4:
      return many(buffer.readUInt8(offset + 1), offset + 2, false);
    case 0xd8:
      return many(buffer.readUInt8(offset + 1), offset + 2, true);
    default:
      throw new Error(`fakeBoltServer: unsupported PackStream marker 0x${marker.toString(16)}`);
  }
}

export interface FakeBoltServer {
  port: number;
  /** Every message received, decoded, in order. */
  received: UnpackedStruct[];
  /** Connections the client has not closed yet. */
  open: () => number;
  close: () => Promise<void>;
}

/** A self-signed certificate for 127.0.0.1 and localhost, valid until 2126; made for these tests only. */
const SELF_SIGNED = {
  key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgvO0eHZLHO+KsM/yf
pQUE6oRNRusDAjkT6j7hxNp8YCOhRANCAASCAgf+s0QTQsLa7T2TSjFrOVrF3bSC
Gz68KxFQnr4MFvUCN3i6CURpU2h2zcutp3IFeqnufNERbgoiq11uyY18
-----END PRIVATE KEY-----`,
  cert: `-----BEGIN CERTIFICATE-----
MIIBmjCCAUGgAwIBAgIUZQ8Y2fAK2RzOThoBYf9yjYRpvNwwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyMjExMzQzOFoYDzIxMjYxMDI5
MTEzNDM4WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAASCAgf+s0QTQsLa7T2TSjFrOVrF3bSCGz68KxFQnr4MFvUCN3i6CURp
U2h2zcutp3IFeqnufNERbgoiq11uyY18o28wbTAdBgNVHQ4EFgQUVB7HB24hIgWZ
TLA+IOXmlhZOFJkwHwYDVR0jBBgwFoAUVB7HB24hIgWZTLA+IOXmlhZOFJkwDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARhwR/AAABgglsb2NhbGhvc3QwCgYIKoZI
zj0EAwIDRwAwRAIgN+xZVF6wBlpQ4uDAzwbrJDDnl8vkRYFLSUENlKPNf1cCIEIf
zqC7fRHpxEugpIA8wQH2IjoIwSXmjdyPjucwv1km
-----END CERTIFICATE-----`,
};

export interface FakeBoltOptions {
  /** Serve over TLS with a self-signed certificate, as `bolt+ssc://` expects. */
  tls?: boolean;
  /** The version this server speaks; it answers it when the client offers it. Default 5.4. */
  version?: BoltVersion;
  username?: string;
  password?: string;
}

const UNAUTHORIZED = {
  code: 'Neo.ClientError.Security.Unauthorized',
  message: 'The client is unauthorized due to authentication failure.',
};

/** The version to answer: `version` if one of the four offers (each [0, range, minor, major]) covers it. */
function negotiate(offers: Buffer, version: BoltVersion): Buffer {
  for (let i = 0; i < 16; i += 4) {
    const [range = 0, minor = 0, major = 0] = [offers[i + 1], offers[i + 2], offers[i + 3]];
    if (major === version.major && version.minor <= minor && version.minor >= minor - range) {
      return Buffer.from([0, 0, version.minor, version.major]);
    }
  }
  return Buffer.alloc(4);
}

export async function fakeBoltServer(options: FakeBoltOptions = {}): Promise<FakeBoltServer> {
  const version = options.version ?? { major: 5, minor: 4 };
  const received: UnpackedStruct[] = [];
  const sockets = new Set<net.Socket>();
  const onConnection = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffer = Buffer.alloc(0);
    let shookHands = false;
    let failed = false;
    let message: Buffer[] = [];
    const reply = (signature: number, fields: PackValue[]): void => void socket.write(encodeMessage(signature, fields));
    const authorized = (auth: Record<string, Unpacked>): boolean =>
      options.username === undefined ||
      (auth['principal'] === options.username && auth['credentials'] === options.password);
    const handle = (struct: UnpackedStruct): void => {
      received.push(struct);
      const fields = (struct.fields[0] ?? {}) as Record<string, Unpacked>;
      if (struct.signature === MESSAGE.GOODBYE) return void socket.destroy();
      if (struct.signature === 0x0f) {
        failed = false;
        return reply(MESSAGE.SUCCESS, [{}]);
      }
      if (failed) return reply(MESSAGE.IGNORED, []);
      const loginCarriesAuth = struct.signature === MESSAGE.LOGON || version.major < 5 || version.minor < 1;
      if ((struct.signature === MESSAGE.HELLO || struct.signature === MESSAGE.LOGON) && loginCarriesAuth) {
        if (!authorized(fields)) {
          failed = true;
          return reply(MESSAGE.FAILURE, [UNAUTHORIZED]);
        }
      }
      reply(
        MESSAGE.SUCCESS,
        struct.signature === MESSAGE.HELLO ? [{ server: 'Neo4j/5.26.0', connection_id: 'bolt-1' }] : [{}],
      );
    };
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!shookHands) {
        if (buffer.length < 20) return;
        shookHands = true;
        socket.write(negotiate(buffer.subarray(4, 20), version));
        buffer = buffer.subarray(20);
      }
      while (buffer.length >= 2) {
        const size = buffer.readUInt16BE(0);
        if (buffer.length < 2 + size) return;
        const chunkBody = buffer.subarray(2, 2 + size);
        buffer = buffer.subarray(2 + size);
        if (size > 0) {
          message.push(chunkBody);
          continue;
        }
        if (message.length === 0) continue;
        const [struct] = unpack(Buffer.concat(message));
        message = [];
        handle(struct as UnpackedStruct);
      }
    });
  };
  const server = options.tls ? tls.createServer(SELF_SIGNED, onConnection) : net.createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    received,
    open: () => sockets.size,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
