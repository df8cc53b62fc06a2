import { AGENT_VERSION } from '../../version.js';
import {
  HANDSHAKE,
  MESSAGE,
  encodeMessage,
  isSecurityFailure,
  loginMessages,
  parseHandshakeAnswer,
  readMessage,
} from './bolt-protocol.js';
import { connectSocket, SocketReader, type SocketTarget } from './connect-socket.js';
import { ProbeFailure } from './probe-errors.js';
import type { Probe } from './probe-receiver.js';

export interface Neo4jTarget extends SocketTarget {
  username?: string;
  password?: string;
}

const USER_AGENT = `prism-telemetry/${AGENT_VERSION}`;

/**
 * Up when the server completes the Bolt handshake and, with a username configured, accepts the login. Speaks
 * Bolt over its own socket instead of neo4j-driver's `verifyConnectivity()`: against a server that accepts and
 * never answers, the driver waits for the handshake with no timeout, and `driver.close()` resolves while that
 * socket stays open, so a hard timeout would leak a connection per probe. Only the given server is checked; a
 * `neo4j://` cluster's routing table is not.
 */
export function neo4jProbe(target: Neo4jTarget): Probe {
  return {
    check: async (signal) => {
      const socket = await connectSocket(target, signal);
      try {
        const reader = new SocketReader(socket);
        reader.write(HANDSHAKE);
        const answer = parseHandshakeAnswer(await reader.read(4));
        if (!answer.ok) throw new ProbeFailure(answer.reason === 'http' ? 'unexpected answer' : 'unsupported protocol');
        if (target.username === undefined) return;
        const credentials = { username: target.username, password: target.password ?? '' };
        const login = loginMessages(answer.version, credentials, USER_AGENT);
        for (const message of login) reader.write(message);
        for (let i = 0; i < login.length; i++) {
          const reply = await readMessage((length) => reader.read(length));
          if (reply.signature === MESSAGE.FAILURE) {
            throw new ProbeFailure(isSecurityFailure(reply.body) ? 'authentication failed' : 'server error');
          }
          if (reply.signature !== MESSAGE.SUCCESS) throw new ProbeFailure('unexpected answer');
        }
        reader.write(encodeMessage(MESSAGE.GOODBYE, []));
      } finally {
        socket.destroy();
      }
    },
  };
}
