import net from 'node:net';
import tls from 'node:tls';

export interface SocketTarget {
  /** A name or an IP address, without brackets. */
  host: string;
  port: number;
  /** `verify`: TLS with certificate checks; `self-signed`: TLS without them (`+ssc` schemes). */
  tls?: 'verify' | 'self-signed';
}

/**
 * Opens a TCP (or TLS) connection that is destroyed the moment `signal` aborts, before or after it connects.
 * The caller owns the socket once this resolves and must destroy it; the abort listener stays attached until
 * the socket closes, so a timeout still tears it down while the caller is reading.
 */
export function connectSocket(target: SocketTarget, signal: AbortSignal): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new Error('aborted'));
      return;
    }
    const { host, port } = target;
    const socket =
      target.tls === undefined
        ? net.connect({ host, port })
        : tls.connect({
            host,
            port,
            ...(net.isIP(host) ? {} : { servername: host }),
            rejectUnauthorized: target.tls === 'verify',
          });
    const onAbort = (): void => {
      socket.destroy();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('close', () => signal.removeEventListener('abort', onAbort));
    socket.once(target.tls === undefined ? 'connect' : 'secureConnect', () => resolve(socket));
    // Stays attached after connecting (a later reject is a no-op), so an error never goes unhandled.
    socket.on('error', reject);
    socket.once('close', () => reject(new Error('socket closed before connecting')));
  });
}

/**
 * Reads from a socket in exact amounts. Rejects pending and later reads once the socket errs or closes, so a
 * conversation never waits on a dead connection.
 */
export class SocketReader {
  readonly #socket: net.Socket;
  #buffered = Buffer.alloc(0);
  #failure: Error | undefined;
  #waiter: (() => void) | undefined;

  constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buffered = Buffer.concat([this.#buffered, chunk]);
      this.#wake();
    });
    socket.on('error', (error) => this.#fail(error));
    socket.on('close', () => this.#fail(Object.assign(new Error('connection closed'), { code: 'UND_ERR_CLOSED' })));
  }

  async read(length: number): Promise<Buffer> {
    while (this.#buffered.length < length) {
      if (this.#failure) throw this.#failure;
      await new Promise<void>((resolve) => (this.#waiter = resolve));
    }
    const out = this.#buffered.subarray(0, length);
    this.#buffered = this.#buffered.subarray(length);
    return out;
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    this.#wake();
  }

  #wake(): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
  }

  write(data: Buffer): void {
    this.#socket.write(data);
  }
}
