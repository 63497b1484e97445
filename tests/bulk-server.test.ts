import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_KEYS } from '@shopwarden/db/seed';
import { jsonl, parseResult } from './support/bulk-fixtures.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/** `npm start` on an embedded database in `dataDir`, with extra environment. */
function startApi(
  dataDir: string,
  env: Record<string, string>,
): Promise<{ child: ChildProcessWithoutNullStreams; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'apps/api/src/main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      SHOPWARDEN_DATA_DIR: dataDir,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
      ...env,
    },
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`API did not start:\n${out}`)), 200_000);
    child.stdout.on('data', () => {
      const m = out.match(/GraphiQL\s+(http:\/\/localhost:\d+\/graphql)/);
      if (m && out.includes(DEMO_KEYS.partner)) {
        clearTimeout(timer);
        resolve({ child, url: m[1]! });
      }
    });
    child.on('exit', (code) => reject(new Error(`API exited with ${code}:\n${out}`)));
  });
}

const stop = (child: ChildProcessWithoutNullStreams) =>
  new Promise<number | null>((resolve) => {
    child.on('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });

describe('bulk operations in the server process (npm start)', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'shopwarden-bulk-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps a stored operation across a restart, and the worker the server runs completes it', async () => {
    const ask = (url: string, query: string, variables: Record<string, unknown> = {}) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${DEMO_KEYS.admin}` },
        body: JSON.stringify({ query, variables }),
      }).then((r) => r.json() as Promise<{ data: any; errors?: unknown }>);

    // First run without a worker: the operation is stored and waits.
    const first = await startApi(dataDir, { BULK_WORKER: 'false' });
    const queue = await ask(first.url, '{ listingReviewQueue(first: 3) { edges { node { id version } } } }');
    const pending = queue.data.listingReviewQueue.edges.map((e: { node: { id: string; version: number } }) => e.node);
    expect(pending.length).toBeGreaterThan(0);
    const lines = jsonl(
      pending.map((l: { id: string; version: number }) => ({
        listingId: l.id,
        decision: 'APPROVE',
        expectedVersion: l.version,
      })),
    );
    const run = await ask(
      first.url,
      'mutation($input: BulkOperationRunInput!) { bulkOperationRun(input: $input) { __typename ... on BulkOperationRunSuccess { bulkOperation { id status } } } }',
      {
        input: { mutation: 'LISTING_REVIEW', lines },
      },
    );
    const op = run.data.bulkOperationRun.bulkOperation;
    expect(op.status).toBe('CREATED');
    expect(await stop(first.child)).toBe(0);

    // Restarted with the default configuration: the server's worker takes the operation.
    const second = await startApi(dataDir, {});
    try {
      let done: any = null;
      for (let i = 0; i < 200 && !done; i++) {
        const res = await ask(
          second.url,
          'query($id: ID!) { bulkOperation(id: $id) { status succeededCount result } }',
          { id: op.id },
        );
        if (res.data.bulkOperation.status === 'COMPLETED') done = res.data.bulkOperation;
        else await new Promise((r) => setTimeout(r, 100));
      }
      expect(done).toMatchObject({ status: 'COMPLETED', succeededCount: pending.length });
      expect(parseResult(done.result).map((l) => l.listing!.id)).toEqual(pending.map((l: { id: string }) => l.id));
    } finally {
      expect(await stop(second.child)).toBe(0);
    }
  }, 420_000);
});
