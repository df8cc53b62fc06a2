import { connectSocket, type SocketTarget } from './connect-socket.js';
import type { Probe } from './probe-receiver.js';

/** Up when a TCP connection is accepted; closed again at once, nothing is sent. */
export function tcpProbe(target: { host: string; port: number }): Probe {
  const socketTarget: SocketTarget = { host: target.host, port: target.port };
  return {
    check: async (signal) => {
      const socket = await connectSocket(socketTarget, signal);
      socket.destroy();
    },
  };
}
