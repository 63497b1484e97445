import { createHash } from 'node:crypto';
import type { PrismaClient } from '@shopwarden/db';
import { GraphQLError, getOperationAST, print, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { RawJson, stringifyResult } from './raw-json.ts';

/** How long a key's stored response is replayed. */
const KEEP_MS = 24 * 60 * 60 * 1000;

interface IdempotencyContext {
  prisma: PrismaClient;
  viewer?: { apiKeyId: number } | null;
  request?: Request;
}

function refuse(
  code: 'IDEMPOTENCY_KEY_REUSED' | 'CONFLICT' | 'VALIDATION_FAILED',
  message: string,
  status: number,
): ExecutionResult {
  return { errors: [new GraphQLError(message, { extensions: { code, http: { status } } })] };
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === 'P2002';
}

/**
 * `Idempotency-Key` on mutations: the same key and body replay the stored response, byte for byte (one effect);
 * the same key with another body is IDEMPOTENCY_KEY_REUSED; a repeat while the first is still
 * running is CONFLICT. Keys are scoped per API key and kept 24 hours. Only responses without
 * top-level errors are stored, so a request that failed (say, the database was down) can be retried.
 */
export function useIdempotency(): Plugin<IdempotencyContext> {
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
      const now = new Date();

      let record;
      for (let attempt = 0; attempt < 2 && !record; attempt++) {
        try {
          record = await ctx.prisma.idempotencyRecord.create({
            data: { apiKeyId, key, requestHash, expiresAt: new Date(now.getTime() + KEEP_MS) },
          });
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
          const existing = await ctx.prisma.idempotencyRecord.findUnique({
            where: { apiKeyId_key: { apiKeyId, key } },
          });
          if (!existing) continue;
          if (existing.expiresAt <= now) {
            await ctx.prisma.idempotencyRecord.deleteMany({ where: { id: existing.id, expiresAt: { lte: now } } });
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
          } else if (existing.state === 'IN_PROGRESS') {
            setResultAndStopExecution(
              refuse(
                'CONFLICT',
                'A request with this Idempotency-Key is still running. Retry shortly to get its response.',
                409,
              ),
            );
          } else {
            setResultAndStopExecution({
              data: new RawJson(Buffer.from(existing.response ?? 'null')) as unknown as Record<string, unknown>,
              stringify: stringifyResult,
              extensions: { idempotentReplay: true },
            } as ExecutionResult);
          }
          return undefined;
        }
      }
      if (!record) return undefined;
      const id = record.id;
      return {
        async onExecuteDone({ result }) {
          if (!('data' in result) || (result.errors && result.errors.length)) {
            await ctx.prisma.idempotencyRecord.delete({ where: { id } }).catch(() => undefined);
            return;
          }
          // The text the response carries: fields in the order the operation asked for them.
          const response = JSON.stringify(result.data);
          await ctx.prisma.idempotencyRecord
            .update({ where: { id }, data: { state: 'COMPLETED', response } })
            .catch(() => undefined);
        },
      };
    },
  };
}
