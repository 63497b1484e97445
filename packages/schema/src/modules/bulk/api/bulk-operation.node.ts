import type { BulkOperationStatus } from '@shopwarden/db';
import { builder } from '#builder';
import { compiledJson, compiledRoot, jsonLiteral, jsonPlain } from '#compiled';
import type { Context } from '#context';
import { errorCodes, type ErrorCode } from '#lib/errors.ts';
import { registerNodeReach } from '#lib/node-reach.ts';
import { ErrorCodeEnum } from '#modules/core/errors.ts';
import { storedText } from '#modules/bulk/lines/result-lines.ts';
import type { BulkMutation } from '#modules/bulk/bulk-mutations.ts';
import { bulkOperationWhere, finishedStatuses } from '#modules/bulk/bulk-operation.ts';
import { BULK_OPERATION_MAX_LINES, BULK_OPERATIONS_PER_KEY } from '#modules/bulk/submission/submission.service.ts';

export const BulkMutationEnum = builder.enumType('BulkMutation', {
  description: 'The mutation a bulk operation runs once per line.',
  values: {
    LISTING_REVIEW: {
      description:
        'Each line is the input of `listingReview` (administrators): {"listingId": "<global id>", "decision": "APPROVE" | "REJECT" | "SUSPEND", "reasons": [{"code", "message"}], "note", "expectedVersion"}; no `dryRun`.',
    },
    LISTING_SUBMIT: {
      description:
        'Each line is the input of `listingSubmit` (the shop\'s seller, or an agency it granted, with listings:write): {"listingId": "<global id>"}; no `dryRun`.',
    },
  } as const satisfies Record<BulkMutation, unknown>,
});

export const BulkOperationStatusEnum = builder.enumType('BulkOperationStatus', {
  description: 'Where a bulk operation is.',
  values: {
    CREATED: { description: 'Stored, waiting for a worker.' },
    RUNNING: {
      description: 'A worker is processing it, chunk by chunk; `processedCount` and `progress` move as chunks commit.',
    },
    COMPLETED: {
      description:
        'Every line was processed (each one succeeded or failed on its own); `result` holds one line per input line.',
    },
    FAILED: {
      description:
        'Stopped before the end for a reason that concerns the whole operation (see `errorCode`, e.g. UNAUTHENTICATED when its API key was revoked); `result` holds the lines processed until then.',
    },
    CANCELED: {
      description: 'Canceled with `bulkOperationCancel`; `result` holds the lines processed before the cancellation.',
    },
  } as const satisfies Record<BulkOperationStatus, unknown>,
});

export const BulkOperationNode = builder.prismaNode('BulkOperation', {
  id: { field: 'id' },
  // Select mode: the stored input and result (up to about a megabyte each) are read only when asked for.
  select: { id: true },
  description: `An asynchronous bulk operation: up to ${BULK_OPERATION_MAX_LINES.toLocaleString('en-US')} lines, each the input of one mutation, processed by a worker in chunks, exactly once, surviving restarts. Visible only to the API key that created it (and administrators). At most ${BULK_OPERATIONS_PER_KEY} per key can be CREATED or RUNNING at once.`,
  findUnique: (id) => ({ id: Number.parseInt(id, 10) || 0 }),
  fields: (t) => ({
    mutation: t.field({
      type: BulkMutationEnum,
      description: 'The mutation each line runs.',
      select: { mutation: true },
      extensions: compiledJson((o) => jsonPlain(o.col('mutation'), false)),
      resolve: (o) => o.mutation as BulkMutation,
    }),
    status: t.expose('status', { type: BulkOperationStatusEnum, description: 'Where it is.' }),
    lineCount: t.exposeInt('lineCount', { description: 'Lines in the input (a final newline does not make a line).' }),
    processedCount: t.exposeInt('processedCount', {
      description: 'Lines processed so far (whole chunks: it moves when a chunk commits).',
    }),
    succeededCount: t.exposeInt('succeededCount', {
      description: 'Processed lines that succeeded (`"ok": true` in the result).',
    }),
    failedCount: t.exposeInt('failedCount', {
      description: 'Processed lines that failed (`"ok": false` in the result); each changed nothing.',
    }),
    progress: t.float({
      description: 'processedCount ÷ lineCount, from 0 to 1.',
      select: { processedCount: true, lineCount: true },
      // float8 prints the shortest exact form, as JSON.stringify does (lines ≤ 10,000: never an exponent).
      extensions: compiledJson((o) =>
        jsonLiteral(
          `CASE WHEN ${o.col('lineCount')} = 0 THEN '1' ELSE (${o.col('processedCount')}::float8 / ${o.col('lineCount')})::text END`,
          false,
        ),
      ),
      resolve: (o) => (o.lineCount ? o.processedCount / o.lineCount : 1),
    }),
    errorCode: t.field({
      type: ErrorCodeEnum,
      nullable: true,
      description:
        'For FAILED: why the operation stopped (e.g. UNAUTHENTICATED: its API key was revoked or expired). Null otherwise; errors of single lines are in `result`.',
      select: { errorCode: true },
      extensions: compiledJson((o) => {
        const code = o.col('errorCode');
        const known = errorCodes.map((c) => `'${c}'`).join(', ');
        return jsonPlain(`CASE WHEN ${code} IN (${known}) THEN ${code} WHEN ${code} <> '' THEN 'INTERNAL' END`);
      }),
      resolve: (o) =>
        (errorCodes as readonly string[]).includes(o.errorCode ?? '')
          ? (o.errorCode as ErrorCode)
          : o.errorCode
            ? 'INTERNAL'
            : null,
    }),
    result: t.string({
      nullable: true,
      description:
        'Once finished (COMPLETED, FAILED or CANCELED): JSONL, one line per processed input line, in input order. Success: {"line": 1, "ok": true, "listing": {"id", "status", "version"}, "issues": [{"code", "message"}]} (plus "replayed": true when the line\'s idempotency key had already been used with the same line). Failure: {"line": 2, "ok": false, "errors": [{"code", "message", "field": ["expectedVersion"] or null}]}. Null while CREATED or RUNNING.',
      select: { status: true, result: true, resultGzip: true },
      resolve: (o) => (finishedStatuses.includes(o.status) ? storedText(o.result, o.resultGzip) : null),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was submitted.' }),
    startedAt: t.expose('startedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When a worker first took it; null while CREATED.',
    }),
    finishedAt: t.expose('finishedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it reached COMPLETED, FAILED or CANCELED.',
    }),
  }),
});

/** What `bulkOperation(id)` reads: the operation, if the caller's key created it (or an administrator asks). */
function operationQuery(args: { id: { id: string } }, ctx: Context) {
  return { where: { AND: [bulkOperationWhere(ctx.viewer), { id: Number.parseInt(args.id.id, 10) || 0 }] } };
}

/** What `bulkOperations` reads: the caller's key's operations, newest first (even an administrator's). */
function operationsQuery(args: { status?: BulkOperationStatus | null }, ctx: Context) {
  return {
    where: { AND: [{ apiKeyId: ctx.viewer?.apiKeyId ?? -1 }, args.status ? { status: args.status } : {}] },
    orderBy: { id: 'desc' as const },
  };
}

builder.queryFields((t) => ({
  bulkOperation: t.prismaField({
    type: 'BulkOperation',
    nullable: true,
    description: 'A bulk operation by global ID; null when it does not exist or another API key created it.',
    authScopes: { authenticated: true },
    args: { id: t.arg.globalID({ for: BulkOperationNode, required: true, description: "The operation's global ID." }) },
    extensions: compiledRoot({ model: 'BulkOperation', kind: 'first', query: operationQuery }),
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.bulkOperation.findFirst({ ...query, ...operationQuery(args, ctx) }),
  }),
  bulkOperations: t.prismaConnection({
    type: 'BulkOperation',
    cursor: 'id',
    defaultSize: 20,
    maxSize: 100,
    description: 'The bulk operations your API key created, newest first.',
    authScopes: { authenticated: true },
    args: {
      status: t.arg({
        type: BulkOperationStatusEnum,
        required: false,
        description: 'Only operations with this status.',
      }),
    },
    extensions: compiledRoot({
      model: 'BulkOperation',
      kind: 'connection',
      query: operationsQuery,
      defaultSize: 20,
      maxSize: 100,
    }),
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.bulkOperation.findMany({ ...query, ...operationsQuery(args, ctx) }),
  }),
}));

registerNodeReach('BulkOperation', async (ctx, ids) =>
  (
    await ctx.prisma.bulkOperation.findMany({
      where: { AND: [{ id: { in: ids } }, bulkOperationWhere(ctx.viewer)] },
      select: { id: true },
    })
  ).map((r) => r.id),
);
