/**
 * PostGraphile 5 (amber preset, production settings: no GraphiQL, no watch, no explain) over the
 * same tables (BENCH_URL, pool BENCH_POOL); started by the harness for the read scenarios.
 * PostGraphile 5 needs `Promise.withResolvers` (Node 22): polyfilled here, for this process only,
 * before PostGraphile is imported. It lives in bench/peers, installed on first use (lib/peers.ts).
 */
import { onStop, ready } from './child.ts';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mustEnv } from '../lib/must.ts';

type WithResolvers = <T>() => {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
};
const P = Promise as unknown as { withResolvers?: WithResolvers };
P.withResolvers ??= <T>() => {
  let resolve!: (value: T | PromiseLike<T>) => void;
  let reject!: (reason?: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

const { postgraphile, PostGraphileAmberPreset, makePgService, grafserv } = await import('../peers/postgraphile.mjs');

const pgl = postgraphile({
  extends: [PostGraphileAmberPreset],
  pgServices: [
    makePgService({
      connectionString: mustEnv('BENCH_URL'),
      schemas: ['public'],
      poolConfig: { max: Number(process.env.BENCH_POOL ?? 10) },
    }),
  ],
  grafserv: { graphiql: false, watch: false },
  grafast: { explain: false },
});
const serv = pgl.createServ(grafserv);
const server = createServer();
server.keepAliveTimeout = 60_000;
serv.addTo(server);
onStop(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await pgl.release();
});
server.listen(0, '127.0.0.1', () => ready((server.address() as AddressInfo).port));
