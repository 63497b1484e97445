import type { Prisma } from '@shopwarden/db';
import { builder } from '#builder';
import type { Context } from '#context';
import { ForbiddenError, InvalidStateError, NotFoundError } from '#lib/errors.ts';
import { BulkOperationNode } from './bulk-operation.node.ts';
import { bulkOperationWhere, finishedStatuses } from '#modules/bulk/bulk-operation.ts';
import { bulkOperationFeedKey, type BulkFeedSignal } from './bulk-operation-feed.ts';

/**
 * The ids of finished operations the caller follows, as they finish: `id` given, that one operation
 * (at once when it already finished; then the stream ends), else every operation of the caller's API
 * key that finishes from now on. Subscribes to the feed and waits until it listens before it reads
 * the database and before the stream opens, so an operation that finishes meanwhile is seen one way
 * or the other (never lost, never twice), and a client whose stream is open misses nothing.
 */
export async function followFinishedBulkOperations(
  ctx: Context,
  id: number | null,
): Promise<AsyncIterableIterator<number>> {
  const feed = ctx.feed(bulkOperationFeedKey);
  const viewer = ctx.viewer;
  if (!viewer) throw new ForbiddenError('Send an API key: Authorization: Bearer <key>.');
  if (!feed)
    throw new InvalidStateError('INVALID_STATE', 'This server does not push events; read `bulkOperation(id)` instead.');
  // Visibility never changes: check it once, before the stream starts (an error instead of a stream).
  if (
    id !== null &&
    !(await ctx.prisma.bulkOperation.findFirst({
      where: { AND: [bulkOperationWhere(viewer), { id }] },
      select: { id: true },
    }))
  ) {
    throw new NotFoundError('BulkOperation');
  }
  // Without `id`: the operations of the key finished since about now (the margin: the database's clock and ours).
  const followed: Prisma.BulkOperationWhereInput =
    id !== null ? { id } : { apiKeyId: viewer.apiKeyId, finishedAt: { gte: new Date(Date.now() - 1000) } };
  const stream = new IdStream(() => unsubscribe());
  const seen = new Set<number>();
  const send = (opId: number) => {
    if (seen.has(opId)) return;
    seen.add(opId);
    stream.push(opId);
    if (id !== null) stream.end();
  };
  // What finished already: at the start (the followed operation, if it finished; without `id`, what
  // finished just before is noted as seen, not sent) and whenever the feed's listener (re)connects.
  const reread = async (initial: boolean) => {
    const rows = await ctx.prisma.bulkOperation.findMany({
      where: { AND: [followed, { status: { in: [...finishedStatuses] } }] },
      select: { id: true },
      orderBy: { id: 'asc' },
    });
    for (const row of rows) {
      if (initial && id === null) seen.add(row.id);
      else send(row.id);
    }
  };
  // A resync that comes before the first read (say, the listener connecting for this very
  // subscriber) is done after it: only what finished since that read is then new.
  let read = false;
  let resyncPending = false;
  const resync = () => reread(false).catch((err: unknown) => stream.fail(err));
  const onSignal = (signal: BulkFeedSignal) => {
    if (signal.kind === 'finished') {
      if (id !== null ? signal.operation.id === id : signal.operation.apiKeyId === viewer.apiKeyId)
        send(signal.operation.id);
    } else if (read) void resync();
    else resyncPending = true;
  };
  const { ready, unsubscribe } = feed.subscribe(viewer.apiKeyId, onSignal);
  try {
    await ready;
    await reread(true);
    read = true;
    if (resyncPending) void resync();
  } catch (error) {
    unsubscribe();
    throw error;
  }
  return stream;
}

/** The ids a subscription pushes, in order, as an async iterator; `return()` (the client went away) unsubscribes. */
class IdStream implements AsyncIterableIterator<number> {
  private readonly buffered: number[] = [];
  private waiting: { resolve: (r: IteratorResult<number>) => void; reject: (e: unknown) => void } | null = null;
  private ended = false;
  private error: unknown = null;

  constructor(private readonly onClose: () => void) {}

  push(value: number) {
    if (this.ended) return;
    if (this.waiting) {
      this.waiting.resolve({ value, done: false });
      this.waiting = null;
    } else this.buffered.push(value);
  }

  /** No more values: the buffered ones are still read. */
  end() {
    if (this.ended) return;
    this.ended = true;
    this.onClose();
    this.waiting?.resolve({ value: undefined, done: true });
    this.waiting = null;
  }

  fail(error: unknown) {
    this.error = error;
    this.waiting?.reject(error);
    this.waiting = null;
    this.end();
  }

  next(): Promise<IteratorResult<number>> {
    const value = this.buffered.shift();
    if (value !== undefined) return Promise.resolve({ value, done: false });
    if (this.error) return Promise.reject(this.error);
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  return(): Promise<IteratorResult<number>> {
    this.buffered.length = 0;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}

builder.subscriptionFields((t) => ({
  bulkOperationFinished: t.prismaField({
    type: 'BulkOperation',
    description:
      'Pushes a bulk operation when it reaches COMPLETED, FAILED or CANCELED, with whatever fields you select (`result` included). With `id`: that operation, at once if it already finished, and then the stream ends; NOT_FOUND when it does not exist or another API key created it. Without `id`: every operation of your API key that finishes while you are subscribed, for as long as you stay. Every API instance hears every operation, whichever instance ran it.',
    authScopes: { authenticated: true },
    args: {
      id: t.arg.globalID({
        for: BulkOperationNode,
        required: false,
        description: "The operation to follow; omit it to follow all of your API key's.",
      }),
    },
    subscribe: (_root, args, ctx) =>
      followFinishedBulkOperations(ctx, args.id ? Number.parseInt(args.id.id, 10) || 0 : null),
    resolve: (query, root, _args, ctx) =>
      ctx.prisma.bulkOperation.findUniqueOrThrow({ ...query, where: { id: root as unknown as number } }),
  }),
}));
