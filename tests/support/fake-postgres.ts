import net from 'node:net';

/** An ErrorResponse message of the PostgreSQL wire protocol: FATAL, with this SQLSTATE and message. */
function errorResponse(code: string, message: string): Buffer {
  const fields = Buffer.concat(
    [
      ['S', 'FATAL'],
      ['V', 'FATAL'],
      ['C', code],
      ['M', message],
    ]
      .map(([type, value]) => Buffer.from(`${type}${value}\0`))
      .concat(Buffer.from('\0')),
  );
  const header = Buffer.alloc(5);
  header.write('E', 0);
  header.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([header, fields]);
}

/**
 * A server that speaks just enough of the PostgreSQL protocol to refuse every connection with one
 * FATAL error, as a real server does while it starts up (57P03) or shuts down (57P01, 57P02): the
 * client's driver, Prisma's adapter and the API see exactly what they would see from PostgreSQL.
 */
export async function startRefusingPostgres(
  code: string,
  message: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    // The startup message comes first (its length, then the protocol version and parameters): answer it with the error.
    socket.once('data', () => socket.end(errorResponse(code, message)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/shopwarden`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
