import { createHash } from 'node:crypto';
import type { Prisma, PrismaClient } from '@shopwarden/db';
import { GraphQLError, getOperationAST, print, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { RawJson, stringifyResult } from './raw-json.ts';

/** How long a key's stored response is replayed. */
const KEEP_MS = 24 * 60 * 60 * 1000;
/** How long a request holds its key without renewing the claim (renewed every third of it while it runs). */
const LEASE_MS = 30_000;
/** How often a claim the database could not release (it was unavailable) is tried again. */
const SETTLE_RETRY_MS = 250;

interface IdempotencyContext {
  prisma: PrismaClient;
  viewer?: { apiKeyId: number } | null;
  request?: Request;
}

function refuse(
  code: 'IDEMPOTENCY_KEY_REUSED' | 'CONFLICT' | 'VALIDATION_FAILED',
  message: string,
  status: number,
  extensions: Record<string, unknown> = {},
): ExecutionResult {
  return { errors: [new GraphQLError(message, { extensions: { code, http: { status }, ...extensions } })] };
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === 'P2002';
}

type Settle = { kind: 'complete'; response: string } | { kind: 'release' };

/**
 * A client whose transactions also stamp the key's record as applied, so the stamp commits (or
 * not) with the mutation's effect: after a crash or an outage a retry knows whether to run again.
 */
function stampingClient(prisma: PrismaClient, recordId: number): PrismaClient {
  const stamp = (client: Pick<PrismaClient, 'idempotencyRecord'>) =>
    client.idempotencyRecord.updateMany({ where: { id: recordId }, data: { appliedAt: new Date() } });
  const $transaction = (arg: unknown, options?: unknown) => {
    if (Array.isArray(arg)) {
      return (prisma.$transaction as (ops: unknown[], o?: unknown) => Promise<unknown[]>)(
        [...arg, stamp(prisma)],
        options,
      ).then((results) => results.slice(0, -1));
    }
    const run = arg as (tx: Prisma.TransactionClient) => Promise<unknown>;
    return (
      prisma.$transaction as (fn: (tx: Prisma.TransactionClient) => Promise<unknown>, o?: unknown) => Promise<unknown>
    )(async (tx) => {
      const result = await run(tx);
      await stamp(tx);
      return result;
    }, options);
  };
  return new Proxy(prisma, {
    get: (target, property) => {
      if (property === '$transaction') return $transaction;
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * `Idempotency-Key` on mutations: the same key and body replay the stored response, byte for byte (one effect);
 * the same key with another body is IDEMPOTENCY_KEY_REUSED; a repeat while the first is still
 * running is CONFLICT. Keys are scoped per API key and kept 24 hours. Only responses without
 * top-level errors are stored, so a request that failed (say, the database was down) can be retried:
 * it runs again unless its effect was stored, which the mutation's own transaction records.
 */
export function useIdempotency(): Plugin<IdempotencyContext> {
  // Claims this process could not settle because the database was unavailable: settled once it is back.
  const unsettled = new Map<number, { prisma: PrismaClient; settle: Settle }>();
  let timer: NodeJS.Timeout | undefined;

  const settle = async (prisma: PrismaClient, id: number, how: Settle): Promise<void> => {
    if (how.kind === 'complete') {
      await prisma.idempotencyRecord.update({
        where: { id },
        data: { state: 'COMPLETED', response: how.response, leaseUntil: null },
      });
      return;
    }
    // Not applied: forget the key, so a retry runs the mutation. Applied: end the claim, so a retry learns so at once.
    await prisma.idempotencyRecord.deleteMany({ where: { id, state: 'IN_PROGRESS', appliedAt: null } });
    await prisma.idempotencyRecord.updateMany({
      where: { id, state: 'IN_PROGRESS' },
      data: { leaseUntil: new Date() },
    });
  };
  const settleLater = (prisma: PrismaClient, id: number, how: Settle) => {
    unsettled.set(id, { prisma, settle: how });
    if (timer) return;
    timer = setInterval(() => {
      for (const [recordId, { prisma: client, settle: pending }] of unsettled) {
        settle(client, recordId, pending).then(
          () => unsettled.delete(recordId),
          () => undefined,
        );
      }
      if (!unsettled.size) {
        clearInterval(timer);
        timer = undefined;
      }
    }, SETTLE_RETRY_MS);
    timer.unref();
  };

  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const ctx = args.contextValue;
      const key = ctx.request?.headers.get('idempotency-key');
      if (!key || !ctx.viewer) return undefined;
      if (getOperationAST(args.document, args.operationName)?.operation !== 'mutation') return undefined;
      if (key.length > 255) {
        setResultAndStopExecution(refuse('VALIDATION_FAILED', 'Idempotency-Key must be at most 255 characters.', 400));
        return undefined;
      }
      const requestHash = createHash('sha256')
        .update(JSON.stringify([print(args.document), args.operationName ?? null, args.variableValues ?? {}]))
        .digest('hex');
      const apiKeyId = ctx.viewer.apiKeyId;
      const prisma = ctx.prisma;
      const now = new Date();
      const leaseUntil = () => new Date(Date.now() + LEASE_MS);

      let record: { id: number } | undefined;
      for (let attempt = 0; attempt < 3 && !record; attempt++) {
        try {
          record = await prisma.idempotencyRecord.create({
            data: {
              apiKeyId,
              key,
              requestHash,
              expiresAt: new Date(now.getTime() + KEEP_MS),
              leaseUntil: leaseUntil(),
            },
            select: { id: true },
          });
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
          let existing = await prisma.idempotencyRecord.findUnique({
            where: { apiKeyId_key: { apiKeyId, key } },
          });
          if (!existing) continue;
          if (existing.expiresAt <= now) {
            await prisma.idempotencyRecord.deleteMany({ where: { id: existing.id, expiresAt: { lte: now } } });
            continue;
          }
          if (existing.requestHash !== requestHash) {
            setResultAndStopExecution(
              refuse(
                'IDEMPOTENCY_KEY_REUSED',
                'This Idempotency-Key was used with a different request. Use a new key for a new request.',
                422,
              ),
            );
            return undefined;
          }
          // A claim this process still has to settle: its request is over, so settle it now.
          const pending = unsettled.get(existing.id);
          if (pending && existing.state === 'IN_PROGRESS') {
            await settle(prisma, existing.id, pending.settle);
            unsettled.delete(existing.id);
            existing = await prisma.idempotencyRecord.findUnique({ where: { id: existing.id } });
            if (!existing) continue;
          }
          if (existing.state === 'COMPLETED') {
            setResultAndStopExecution({
              data: new RawJson(Buffer.from(existing.response ?? 'null')) as unknown as Record<string, unknown>,
              stringify: stringifyResult,
              extensions: { idempotentReplay: true },
            } as ExecutionResult);
            return undefined;
          }
          const claimHeld = existing.leaseUntil === null || existing.leaseUntil > now;
          if (claimHeld) {
            setResultAndStopExecution(
              refuse(
                'CONFLICT',
                'A request with this Idempotency-Key is still running. Retry shortly to get its response.',
                409,
              ),
            );
            return undefined;
          }
          if (existing.appliedAt) {
            setResultAndStopExecution(
              refuse(
                'CONFLICT',
                'The request with this Idempotency-Key was applied, but its response was lost when the service failed. ' +
                  'Read the affected objects to see the result; do not send it again.',
                409,
                { applied: true },
              ),
            );
            return undefined;
          }
          // The request that held the key ended without storing an effect (its process died): take the key over.
          const taken = await prisma.idempotencyRecord.updateMany({
            where: { id: existing.id, state: 'IN_PROGRESS', appliedAt: null, leaseUntil: { lte: now } },
            data: { leaseUntil: leaseUntil() },
          });
          if (taken.count === 1) record = { id: existing.id };
        }
      }
      if (!record) {
        setResultAndStopExecution(
          refuse(
            'CONFLICT',
            'A request with this Idempotency-Key is still running. Retry shortly to get its response.',
            409,
          ),
        );
        return undefined;
      }
      const id = record.id;
      ctx.prisma = stampingClient(prisma, id);
      const renew = setInterval(() => {
        prisma.idempotencyRecord
          .updateMany({ where: { id, state: 'IN_PROGRESS' }, data: { leaseUntil: leaseUntil() } })
          .catch(() => undefined);
      }, LEASE_MS / 3);
      renew.unref();
      return {
        async onExecuteDone({ result }) {
          clearInterval(renew);
          ctx.prisma = prisma;
          const how: Settle =
            !('data' in result) || (result.errors && result.errors.length)
              ? { kind: 'release' }
              : // The text the response carries: fields in the order the operation asked for them.
                { kind: 'complete', response: JSON.stringify(result.data) };
          await settle(prisma, id, how).catch(() => settleLater(prisma, id, how));
        },
      };
    },
  };
}
