import net from 'node:net';
import type * as PgModule from 'pg';
import { ProbeFailure, type ProbeErrorCode } from './probe-errors.js';
import type { Probe } from './probe-receiver.js';

/** SQLSTATEs worth their own phrase; every other server error is `server error`. */
function sqlStateCode(sqlState: string): ProbeErrorCode {
  if (sqlState.startsWith('28')) return 'authentication failed';
  if (sqlState === '3D000') return 'database not found';
  return 'server error';
}

let loaded: Promise<typeof PgModule> | undefined;
/** pg is loaded on first use, so an agent without PostgreSQL probes never pays for it. */
const loadPg = (): Promise<typeof PgModule> => (loaded ??= import('pg'));

/**
 * Up when `SELECT 1` returns, over a fresh connection closed afterwards. pg gets a socket we own (its `stream`
 * option) because `client.end()` waits forever on a server that accepted and never answered; destroying the
 * socket does not.
 */
export function postgresqlProbe(connectionString: string): Probe {
  return {
    prepare: async () => void (await loadPg()),
    check: async (signal) => {
      const { default: pg } = await loadPg();
      if (signal.aborted) return;
      const socket = new net.Socket();
      const client = new pg.Client({ connectionString, stream: () => socket });
      // The same failure also rejects connect() or query(); unheard, the event would crash the process.
      client.on('error', () => {});
      const destroy = (): void => {
        socket.destroy();
      };
      signal.addEventListener('abort', destroy, { once: true });
      try {
        await client.connect();
        await client.query('SELECT 1');
        await client.end();
      } catch (error) {
        if (error instanceof pg.DatabaseError && typeof error.code === 'string') {
          throw new ProbeFailure(sqlStateCode(error.code));
        }
        // pg's "Connection terminated unexpectedly" has no code: the server closed the connection on us.
        if (error instanceof Error && !('code' in error) && /terminated/i.test(error.message)) {
          throw new ProbeFailure('connection closed');
        }
        throw error;
      } finally {
        signal.removeEventListener('abort', destroy);
        destroy();
      }
    },
  };
}
