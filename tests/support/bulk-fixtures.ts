import { BulkWorker, loadConfig, type BulkWorkerOptions } from '@shopwarden/api';
import type { Database } from '@shopwarden/db';
import pino from 'pino';

export const OPERATION_FIELDS = /* GraphQL */ `id mutation status lineCount processedCount succeededCount failedCount progress errorCode result createdAt startedAt finishedAt`;

export const RUN = /* GraphQL */ `
  mutation Run($input: BulkOperationRunInput!) { bulkOperationRun(input: $input) {
    __typename
    ... on BulkOperationRunSuccess { bulkOperation { ${OPERATION_FIELDS} } }
    ... on Error { code message }
    ... on ValidationError { fields { path message } }
  } }`;

export const CANCEL = /* GraphQL */ `
  mutation Cancel($input: BulkOperationCancelInput!) { bulkOperationCancel(input: $input) {
    __typename
    ... on BulkOperationCancelSuccess { bulkOperation { ${OPERATION_FIELDS} } }
    ... on Error { code message }
  } }`;

export const GET = /* GraphQL */ `query Get($id: ID!) { bulkOperation(id: $id) { ${OPERATION_FIELDS} } }`;

export const NODE = /* GraphQL */ `
  query Node($id: ID!) {
    node(id: $id) {
      id
      ... on BulkOperation {
        status
        lineCount
      }
    }
  }
`;

export const LIST = /* GraphQL */ `
  query List($status: BulkOperationStatus, $after: String) {
    bulkOperations(first: 50, status: $status, after: $after) {
      edges {
        node {
          id
          status
          lineCount
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

/** A result line as the API writes it. */
export interface ResultLine {
  line: number;
  ok: boolean;
  listing?: { id: string; status: string; version: number | null };
  issues?: { code: string; message: string }[];
  errors?: { code: string; message: string; field: string[] | null }[];
  replayed?: boolean;
}

export function parseResult(text: string | null | undefined): ResultLine[] {
  return (text ?? '')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ResultLine);
}

export const jsonl = (lines: unknown[]) =>
  `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`;

/** A worker for tests: no polling unless started, a long lease (no heartbeat during a test) unless given. */
export function testWorker(
  db: Database,
  config: Partial<BulkWorkerOptions['config']> = {},
  options: Partial<BulkWorkerOptions> = {},
) {
  return new BulkWorker({
    prisma: db.prisma,
    logger: pino({ level: process.env.LOG_LEVEL ?? 'silent' }),
    config: { ...loadConfig({ NODE_ENV: 'test' }).bulk, pollIntervalMs: 25, leaseMs: 60_000, ...config },
    production: false,
    concurrentTransactions: db.target.kind === 'postgres',
    ...options,
  });
}

export async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}
