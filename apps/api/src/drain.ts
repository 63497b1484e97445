import type { Server } from 'node:http';
import net from 'node:net';

interface Tracked {
  /** Requests received on this socket and not yet answered. */
  active: number;
  idleSince: number;
  /** `bytesRead` at the last sweep, and for how many sweeps in a row it has not moved while idle. */
  bytesSeen: number;
  quietSweeps: number;
}

export interface DrainOptions {
  /** Give up waiting for in-flight requests at this time (Date.now()), closing every connection. */
  deadline: number;
  /** A keep-alive socket with no request is closed once it has been idle this long. */
  idleCloseMs: number;
}

/**
 * Drains an HTTP server without cutting a request off: stop accepting connections, answer every
 * request already received (responses say `Connection: close`, so each socket closes after its
 * answer), and close keep-alive sockets that stay idle. Node's own `server.close()` destroys idle
 * sockets at once, which resets a request that is on its way over one: that is what this avoids.
 */
/**
 * Sweeps in a row without a byte read before an idle socket is closed: wall time alone is not enough,
 * since a request can wait unread in the kernel while the event loop is busy (the embedded database
 * runs in it); between two sweeps there is always a poll phase that would have read it.
 */
const QUIET_SWEEPS = 3;

export function trackConnections(server: Server) {
  const sockets = new Map<net.Socket, Tracked>();
  server.on('connection', (socket: net.Socket) => {
    sockets.set(socket, { active: 0, idleSince: Date.now(), bytesSeen: 0, quietSweeps: 0 });
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('request', (req, res) => {
    const tracked = sockets.get(req.socket as net.Socket);
    if (!tracked) return;
    tracked.active++;
    res.once('close', () => {
      tracked.active--;
      tracked.idleSince = Date.now();
      tracked.quietSweeps = 0;
    });
  });

  return {
    /** Open connections, and how many of them have a request in flight. */
    get stats() {
      let active = 0;
      for (const t of sockets.values()) if (t.active > 0) active++;
      return { connections: sockets.size, active };
    },

    /** Resolves once every connection has closed (or the deadline forced them closed). */
    async drain({ deadline, idleCloseMs }: DrainOptions): Promise<{ forced: number }> {
      // Accept what the kernel has already queued (one poll phase), so the listener's close resets no connection.
      await new Promise((resolve) => setImmediate(resolve));
      // Stop accepting: the listener closes, the connections stay (http.Server#close would destroy the idle ones).
      const closed = new Promise<void>((resolve) => net.Server.prototype.close.call(server, () => resolve()));
      let forced = 0;
      const sweep = setInterval(() => {
        const now = Date.now();
        for (const [socket, t] of sockets) {
          if (now >= deadline) {
            if (t.active > 0) forced++;
            socket.destroy();
          } else if (t.active > 0 || socket.bytesRead !== t.bytesSeen) {
            t.bytesSeen = socket.bytesRead;
            t.quietSweeps = 0;
          } else if (++t.quietSweeps >= QUIET_SWEEPS && now - t.idleSince >= idleCloseMs) {
            socket.end();
          }
        }
      }, 50);
      try {
        await closed;
      } finally {
        clearInterval(sweep);
      }
      return { forced };
    },
  };
}
