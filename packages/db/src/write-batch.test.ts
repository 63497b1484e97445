import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { currentScope, runInScope, StatementScope } from './statement-scope.ts';
import { WriteBatcher } from './write-batch.ts';

/** A runner that records its batches and answers when told to. */
function gatedRunner(answer: (item: string) => string = (item) => item.toUpperCase()) {
  const batches: string[][] = [];
  const gates: (() => void)[] = [];
  const run = async (items: string[]) => {
    batches.push(items);
    await new Promise<void>((resolve) => gates.push(resolve));
    return items.map(answer);
  };
  const openAll = async () => {
    for (let i = 0; i < 20 && gates.length === 0; i++) await new Promise((r) => setImmediate(r));
    while (gates.length) gates.shift()!();
  };
  return { batches, run, openAll };
}

describe('WriteBatcher', () => {
  it('runs a call at once while a slot is free, and coalesces the calls that wait into the next batch', async () => {
    const { batches, run, openAll } = gatedRunner();
    const batcher = new WriteBatcher(run, { maxInFlight: 1, maxBatch: 10 });
    const answers = ['a', 'b', 'c', 'd'].map((x) => batcher.submit(x));
    await openAll();
    await openAll();
    expect(await Promise.all(answers)).toEqual(['A', 'B', 'C', 'D']);
    expect(batches).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('keeps at most maxBatch items in a batch, and runs the items of one key one after the other', async () => {
    const { batches, run, openAll } = gatedRunner();
    const batcher = new WriteBatcher(run, { maxInFlight: 1, maxBatch: 3, key: (item: string) => item[0] });
    const answers = ['x0', 'a1', 'a2', 'b1', 'c1', 'd1', 'a3'].map((x) => batcher.submit(x));
    for (let i = 0; i < 5; i++) await openAll();
    expect(await Promise.all(answers)).toEqual(['X0', 'A1', 'A2', 'B1', 'C1', 'D1', 'A3']);
    expect(batches).toEqual([['x0'], ['a1', 'b1', 'c1'], ['a2', 'd1'], ['a3']]);
  });

  it('holds an item back while a running batch has its key, even with a slot free', async () => {
    const { batches, run, openAll } = gatedRunner();
    const batcher = new WriteBatcher(run, { maxInFlight: 3, maxBatch: 10, key: (item: string) => item[0] });
    const first = batcher.submit('a1');
    const second = batcher.submit('a2');
    const other = batcher.submit('b1');
    await new Promise((r) => setImmediate(r));
    // a2 waits for a1's batch although two slots are free; b1 runs.
    expect(batches).toEqual([['a1'], ['b1']]);
    for (let i = 0; i < 3; i++) await openAll();
    expect(await Promise.all([first, second, other])).toEqual(['A1', 'A2', 'B1']);
    expect(batches).toEqual([['a1'], ['b1'], ['a2']]);
  });

  it('runs each item of a failed batch alone, so one bad item fails only its own call', async () => {
    const seen: string[][] = [];
    const batcher = new WriteBatcher(
      async (items: string[]) => {
        seen.push(items);
        await new Promise((r) => setImmediate(r));
        if (items.includes('bad')) throw new Error(`refused ${items.join(',')}`);
        return items.map((i) => i.toUpperCase());
      },
      { maxInFlight: 1, maxBatch: 10 },
    );
    const results = await Promise.allSettled(['first', 'ok1', 'bad', 'ok2'].map((x) => batcher.submit(x)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      'FIRST',
      'OK1',
      'refused bad',
      'OK2',
    ]);
    expect(seen).toEqual([['first'], ['ok1', 'bad', 'ok2'], ['ok1'], ['bad'], ['ok2']]);
  });

  it("runs a batch in its first caller's async context, and a lone retry in each caller's own", async () => {
    const store = new AsyncLocalStorage<string>();
    const contexts: string[] = [];
    const batcher = new WriteBatcher(
      async (items: string[]) => {
        contexts.push(`${items.join(',')}@${store.getStore()}`);
        await new Promise((r) => setImmediate(r));
        if (items.length > 1) throw new Error('batch refused');
        return items;
      },
      { maxInFlight: 1, maxBatch: 10 },
    );
    await Promise.all(['a', 'b', 'c'].map((x) => store.run(`ctx-${x}`, () => batcher.submit(x))));
    expect(contexts).toEqual(['a@ctx-a', 'b,c@ctx-b', 'b@ctx-b', 'c@ctx-c']);
  });

  it('refuses a batch answered with the wrong number of rows, for every call in it', async () => {
    const batcher = new WriteBatcher(async (items: string[]) => items.slice(1), { maxInFlight: 1, maxBatch: 10 });
    await expect(batcher.submit('only')).rejects.toThrow('a batch of 1 writes answered 0 rows');
  });

  it('never starts the item of a request that ran out of time while it waited', async () => {
    const { batches, run, openAll } = gatedRunner();
    const batcher = new WriteBatcher(run, { maxInFlight: 1, maxBatch: 10 });
    const late = new StatementScope();
    const first = batcher.submit('first');
    const cancelled = runInScope(late, () => batcher.submit('late')).then(
      () => 'ran',
      (error: { code?: string }) => error.code,
    );
    const other = batcher.submit('other');
    late.cancelled = true;
    await openAll();
    await openAll();
    expect(await cancelled).toBe('57014');
    expect(await Promise.all([first, other])).toEqual(['FIRST', 'OTHER']);
    expect(batches).toEqual([['first'], ['other']]);
  });

  it("runs a shared batch in a statement scope of its own, joined to each caller's while it runs", async () => {
    const seen: { scope: StatementScope | undefined; joinedBy: boolean[] }[] = [];
    const callers = [new StatementScope(), new StatementScope(), new StatementScope()];
    const batcher = new WriteBatcher(
      async (items: number[]) => {
        const scope = currentScope();
        seen.push({ scope, joinedBy: callers.map((c) => (scope ? c.joined.has(scope) : false)) });
        await new Promise((r) => setImmediate(r));
        return items;
      },
      { maxInFlight: 1, maxBatch: 10 },
    );
    await Promise.all(callers.map((scope, i) => runInScope(scope, () => batcher.submit(i))));
    // Alone: the caller's own scope. Together: a new one that both callers' cancellation reaches.
    expect(seen[0]!.scope).toBe(callers[0]);
    expect(seen[1]!.scope).not.toBe(callers[1]);
    expect(seen[1]!.joinedBy).toEqual([false, true, true]);
    expect(callers.map((c) => c.joined.size)).toEqual([0, 0, 0]);
  });
});
