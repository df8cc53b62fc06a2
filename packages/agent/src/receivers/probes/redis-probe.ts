import type * as RedisModule from 'redis';
import { ProbeFailure } from './probe-errors.js';
import type { Probe } from './probe-receiver.js';

/**
 * Replies that mean the credentials were refused, missing, or not expected at all (`ERR AUTH <password> called
 * without any password configured`), rather than the server being unwell.
 */
const AUTH_REPLY = /^(WRONGPASS|NOAUTH|NOPERM|ERR AUTH)\b/;

let loaded: Promise<typeof RedisModule> | undefined;
/** node-redis is loaded on first use, so an agent without Redis probes never pays for it. */
const loadRedis = (): Promise<typeof RedisModule> => (loaded ??= import('redis'));

/**
 * Up when `PING` is answered, over a fresh connection that is closed afterwards: it measures what a new client
 * would see, and no connection state outlives a probe.
 */
export function redisProbe(url: string): Probe {
  return {
    prepare: async () => void (await loadRedis()),
    check: async (signal) => {
      const { createClient, ErrorReply } = await loadRedis();
      if (signal.aborted) return;
      const client = createClient({ url, disableClientInfo: true, socket: { reconnectStrategy: false } });
      // The same failure also rejects connect() or ping(); unheard, the event would crash the process.
      client.on('error', () => {});
      const destroy = (): void => {
        if (client.isOpen) client.destroy();
      };
      signal.addEventListener('abort', destroy, { once: true });
      try {
        await client.connect();
        await client.ping();
      } catch (error) {
        if (error instanceof ErrorReply) {
          throw new ProbeFailure(AUTH_REPLY.test(error.message) ? 'authentication failed' : 'server error');
        }
        throw error;
      } finally {
        signal.removeEventListener('abort', destroy);
        destroy();
      }
    },
  };
}
