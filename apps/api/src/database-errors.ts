/** Why the database could not serve a request; each one is answered 503 SERVICE_UNAVAILABLE. */
export type UnavailableReason =
  | 'unreachable'
  | 'connection_lost'
  | 'starting_or_stopping'
  | 'terminated'
  | 'too_many_connections'
  | 'pool_timeout'
  | 'statement_timeout';

/** SQLSTATE → reason: connection exceptions (class 08), operator intervention (57P01–57P03, 57014), too many connections. */
function reasonOfSqlState(code: string): UnavailableReason | null {
  if (code.startsWith('08')) return code === '08001' || code === '08004' ? 'unreachable' : 'connection_lost';
  switch (code) {
    case '57P03':
      return 'starting_or_stopping';
    case '57P01':
    case '57P02':
      return 'terminated';
    case '57014':
      return 'statement_timeout';
    case '53300':
      return 'too_many_connections';
    default:
      return null;
  }
}

/** Prisma's own codes for the same conditions (it wraps driver errors; these come from its adapter layer). */
const prismaCodes: Record<string, UnavailableReason> = {
  P1001: 'unreachable',
  P1002: 'unreachable',
  P1008: 'connection_lost',
  P1017: 'connection_lost',
  P2024: 'pool_timeout',
  P2028: 'pool_timeout',
  P2037: 'too_many_connections',
};

/** Node's socket errors, and what pg and pg-pool say when they lose or cannot get a connection. */
const driverCodes: Record<string, UnavailableReason> = {
  ECONNREFUSED: 'unreachable',
  ENOTFOUND: 'unreachable',
  EHOSTUNREACH: 'unreachable',
  ETIMEDOUT: 'unreachable',
  ECONNRESET: 'connection_lost',
  EPIPE: 'connection_lost',
};
const driverMessages: [RegExp, UnavailableReason][] = [
  [/timeout exceeded when trying to connect|Unable to start a transaction in the given time/i, 'pool_timeout'],
  [/Connection terminated|Connection is closed|Client has encountered a connection error/i, 'connection_lost'],
  [/DatabaseNotReachable|Can't reach database server/i, 'unreachable'],
  [/too many clients/i, 'too_many_connections'],
];

/**
 * Whether an error means the database cannot serve now (so the caller should retry), and why.
 * Looks through the layers that wrap a driver error: Prisma's `meta.driverAdapterError.cause`, the
 * adapter's `cause` (`code` is the SQLSTATE), pg's own errors (compiled reads) and plain socket errors.
 */
export function databaseUnavailableReason(error: unknown): UnavailableReason | null {
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): UnavailableReason | null => {
    if (!value || typeof value !== 'object' || seen.has(value) || depth > 6) return null;
    seen.add(value);
    const e = value as Record<string, unknown>;
    for (const field of ['code', 'originalCode']) {
      const code = e[field];
      if (typeof code !== 'string') continue;
      const reason = /^[0-9A-Z]{5}$/.test(code) ? reasonOfSqlState(code) : null;
      if (reason) return reason;
      if (prismaCodes[code]) return prismaCodes[code];
      if (driverCodes[code]) return driverCodes[code];
    }
    if (e.kind === 'DatabaseNotReachable') return 'unreachable';
    if (e.kind === 'ConnectionClosed' || e.kind === 'SocketTimeout') return 'connection_lost';
    if (e.kind === 'TooManyConnections') return 'too_many_connections';
    for (const field of ['meta', 'driverAdapterError', 'cause', 'originalError']) {
      const reason = visit(e[field], depth + 1);
      if (reason) return reason;
    }
    const message = typeof e.message === 'string' ? e.message : '';
    for (const [pattern, reason] of driverMessages) if (pattern.test(message)) return reason;
    return null;
  };
  return visit(error, 0);
}
