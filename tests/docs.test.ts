import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kind, OperationTypeNode, parse, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, startWorkers, type Workers } from '@shopwarden/api';
import { applyMigrations, createDatabase } from '@shopwarden/db';
import pino from 'pino';
import { DEMO_KEYS, seedDatabase } from '@shopwarden/db/seed';
import { createTestApp } from './support/client.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { createShopWardenClient, type ShopWardenClient } from '../packages/sdk/src/index.ts';
import { parseDoc, planOf, type DemoRole, type DocBlock, type ParsedDoc } from './support/doc-blocks.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Every guide, the SDK's README and the repository's README. */
const files = [
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
  'packages/sdk/README.md',
  'README.md',
];
/** The order the files run in on the one seeded server: shuffled, so one needing another's leftovers fails. */
const seed = process.env.DOCS_TEST_SEED ? Number(process.env.DOCS_TEST_SEED) : Math.floor(Math.random() * 2 ** 31);
if (!Number.isSafeInteger(seed) || seed < 0)
  throw new Error(`DOCS_TEST_SEED must be a non-negative integer, not "${process.env.DOCS_TEST_SEED}"`);
const order = shuffled(files, seed);
console.log(`docs test order (DOCS_TEST_SEED=${seed} repeats it): ${order.join(', ')}`);

/** Fisher-Yates with mulberry32: the same seed, the same order. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
const docs = new Map<string, ParsedDoc>(files.map((f) => [f, parseDoc(f, readFileSync(join(root, f), 'utf8'))]));
const sdkEntry = join(root, 'packages/sdk/src/index.ts');
const tsxLoader = import.meta.resolve('tsx');
const scratch = join(root, 'tmp', 'docs-test');
/** Points a key's bucket holds before a ts program starts: its new clients know nothing of the budget yet. */
const PROGRAM_BUDGET = 600;

describe('every code block in the docs is runnable or says why not', () => {
  it.each(files)('%s', (file) => {
    const doc = docs.get(file)!;
    const problems = [
      ...doc.problems,
      ...doc.blocks.flatMap((b) => {
        const plan = planOf(b);
        return typeof plan === 'object' ? [plan.problem] : [];
      }),
    ];
    expect(problems).toEqual([]);
  });
});

/**
 * A freshly seeded database. With DOCS_TEST_SEEDED_DIR (for reruns while editing docs), the seeded
 * database is kept in that folder once and each run opens a fresh copy of it.
 */
async function seededDatabase(): Promise<TestDatabase> {
  const kept = process.env.DOCS_TEST_SEEDED_DIR;
  if (!kept) {
    const db = await createTestDatabase('pglite');
    await seedDatabase(db.prisma);
    return db;
  }
  if (!existsSync(join(kept, 'PG_VERSION'))) {
    const db = await createDatabase({ kind: 'pglite', dataDir: kept });
    await applyMigrations(db.migrationAdapterFactory);
    await seedDatabase(db.prisma);
    await db.close();
  }
  const copy = mkdtempSync(join(tmpdir(), 'docs-test-'));
  cpSync(kept, copy, { recursive: true });
  const db = await createDatabase({ kind: 'pglite', dataDir: copy });
  return Object.assign(db, {
    async drop() {
      await db.close();
      rmSync(copy, { recursive: true, force: true });
    },
  });
}

describe('the docs run as written against a freshly seeded server, with the demo keys', () => {
  let db: TestDatabase;
  let server: Server;
  let workers: Workers;
  let base: string;
  /** HTTP 429 answers, by the guide that was running. */
  const throttled = new Map<string, number>();
  let current = '';

  beforeAll(async () => {
    db = await seededDatabase();
    // A fast refill keeps the guides from waiting on budgets; the SDK's pacing is tested in sdk-cost.test.ts.
    const app = createTestApp(db, { RATE_LIMIT_RESTORE_RATE: '1000' });
    // The bulk worker beside the API, as `npm start` runs it. No scheduled jobs: the guides that move
    // the sandbox clock back to real time would have the runner catch up on every occurrence since 2024.
    workers = await startWorkers({
      db,
      config: loadConfig({ NODE_ENV: 'test' }),
      logger: pino({ level: 'silent' }),
      jobs: [],
    });
    server = createServer((req, res) => {
      res.on('finish', () => {
        if (res.statusCode === 429) throttled.set(current, (throttled.get(current) ?? 0) + 1);
      });
      void app.yoga(req, res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    mkdirSync(scratch, { recursive: true });
  }, 400_000);

  afterAll(async () => {
    await workers?.stop();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await db?.drop();
    rmSync(scratch, { recursive: true, force: true });
  });

  async function post(key: string, body: object, accept = 'application/json') {
    return fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept, authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
    });
  }

  /** One SDK client per demo key for the graphql blocks, and the budget each last reported. */
  const clients = new Map<DemoRole, ShopWardenClient>();
  const budgets = new Map<DemoRole, { available: number; maximum: number; rate: number; at: number }>();
  function clientFor(role: DemoRole): ShopWardenClient {
    let client = clients.get(role);
    if (!client) {
      client = createShopWardenClient({
        url: `${base}/graphql`,
        apiKey: DEMO_KEYS[role],
        logger: (event) => {
          const status = event.type === 'response' ? event.cost?.throttleStatus : undefined;
          if (status?.currentlyAvailable !== undefined && status.restoreRate)
            budgets.set(role, {
              available: status.currentlyAvailable,
              maximum: status.maximumAvailable ?? status.currentlyAvailable,
              rate: status.restoreRate,
              at: Date.now(),
            });
        },
      });
      clients.set(role, client);
    }
    return client;
  }
  /** Waits until the budgets of these keys have refilled to what a new program may spend at once. */
  async function refill(roles: ReadonlySet<DemoRole>) {
    // Read each budget now: shell blocks and other files' programs spend it without telling `budgets`.
    for (const role of roles) await clientFor(role).request('{ __typename }');
    let waitMs = 0;
    for (const role of roles) {
      const b = budgets.get(role);
      if (!b) continue;
      const target = Math.min(b.maximum, PROGRAM_BUDGET);
      const now = b.available + ((Date.now() - b.at) / 1000) * b.rate;
      waitMs = Math.max(waitMs, ((target - now) / b.rate) * 1000);
    }
    if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
  }

  /** The data the current file's graphql operations returned, newest first, for `$previous.…` variables. */
  let previous: Record<string, unknown>[] = [];
  function resolvePrevious(value: unknown): unknown {
    if (typeof value === 'string' && value.startsWith('$previous.')) {
      const path = value.slice('$previous.'.length).split('.');
      for (const data of previous) {
        let found: unknown = data;
        for (const part of path) found = (found as Record<string, unknown> | null)?.[part];
        if (found !== undefined) return found;
      }
      throw new Error(`${value}: no earlier graphql block of this file returned it`);
    }
    if (Array.isArray(value)) return value.map(resolvePrevious);
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolvePrevious(v)]));
    return value;
  }

  /** Each operation of the block in order; the problems found (unexpected errors, unreachable data). */
  async function runGraphql(block: DocBlock): Promise<string[]> {
    const problems: string[] = [];
    const seen = new Set<string>();
    let document;
    try {
      document = parse(block.code);
    } catch (error) {
      return [`${block.where}: does not parse: ${(error as Error).message}`];
    }
    const operations = document.definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    if (!operations.length) return [`${block.where}: holds no operation (mark it skip: with a reason)`];
    if (operations.length > 1 && operations.some((o) => !o.name))
      return [`${block.where}: several operations must each have a name`];
    const accepted = new Set([...(block.marker?.expect ?? []), ...(block.marker?.allow ?? [])]);
    for (const [i, operation] of operations.entries()) {
      const name = operation.name?.value;
      const keys = block.marker?.keys ?? [block.key!];
      const role = keys[Math.min(i, keys.length - 1)]!;
      const key = DEMO_KEYS[role];
      const where = `${block.where}${name ? ` ${name}` : ''} (key=${role})`;
      // Only the variables this operation declares, resolved after the operations before it ran.
      const declared = new Set(operation.variableDefinitions?.map((d) => d.variable.name.value));
      let variables: Record<string, unknown>;
      try {
        variables = resolvePrevious(
          Object.fromEntries(Object.entries(block.variables ?? {}).filter(([k]) => declared.has(k))),
        ) as Record<string, unknown>;
      } catch (error) {
        problems.push(`${where}: ${(error as Error).message}`);
        continue;
      }
      const body = { query: block.code, variables, ...(name ? { operationName: name } : {}) };
      if (operation.operation === OperationTypeNode.SUBSCRIPTION) {
        const res = await post(key, body, 'text/event-stream');
        const type = res.headers.get('content-type') ?? '';
        await res.body?.cancel();
        if (res.status !== 200 || !type.includes('text/event-stream'))
          problems.push(`${where}: subscription answered ${res.status} ${type}`);
        continue;
      }
      // Sent as a well-behaved client sends it: paced by the budget the server reports, as GraphiQL's user would be.
      const res = await clientFor(role).request(block.code, variables, name ? { operationName: name } : {});
      const json = { data: res.data as Record<string, unknown> | null | undefined, errors: res.errors };
      for (const e of json.errors ?? []) {
        const code = e.extensions?.code ?? 'GRAPHQL_ERROR';
        seen.add(code);
        if (!accepted.has(code)) problems.push(`${where}: HTTP ${res.status} ${code}: ${e.message}`);
      }
      if (json.data) previous.unshift(json.data);
      for (const [field, value] of Object.entries(json.data ?? {})) {
        if (value === null && operation.operation === OperationTypeNode.QUERY) {
          seen.add('null');
          if (!accepted.has('null'))
            problems.push(`${where}: ${field} is null (out of the key's reach, or a wrong id?)`);
        }
        const code = (value as { code?: unknown } | null)?.code;
        if (operation.operation === OperationTypeNode.MUTATION && typeof code === 'string') {
          seen.add(code);
          if (!accepted.has(code)) problems.push(`${where}: ${field} returned ${code}: ${JSON.stringify(value)}`);
        }
      }
    }
    for (const code of block.marker?.expect ?? [])
      if (!seen.has(code)) problems.push(`${block.where}: expected ${code}, which no operation returned`);
    return problems;
  }

  /** A curl example, with the server's URL in place of localhost:4000. */
  async function runSh(block: DocBlock): Promise<string[]> {
    const script = block.code.replaceAll('http://localhost:4000', base);
    const stopAfter = block.marker?.timeoutSeconds;
    const { code, killed, stdout, stderr } = await run(
      'bash',
      ['-e', '-c', script],
      {},
      stopAfter ? stopAfter * 1000 : undefined,
    );
    if (code !== 0 && !(stopAfter && killed)) return [`${block.where}: exited ${code}: ${stderr || stdout}`];
    const problems: string[] = [];
    for (const line of stdout.split('\n').filter((l) => l.trim().startsWith('{'))) {
      try {
        const body = JSON.parse(line) as { errors?: unknown[] };
        if (body.errors) problems.push(`${block.where}: ${JSON.stringify(body.errors)}`);
      } catch {
        // Not a response body.
      }
    }
    return problems;
  }

  /**
   * The file's ts blocks as one program, each block in its own scope after the file's prelude, run
   * with tsx; `@shopwarden/sdk` is the workspace's source.
   */
  async function runTs(file: string, blocks: DocBlock[], doc: ParsedDoc, n: number): Promise<string[]> {
    const prelude = doc.prelude;
    const fileRole = doc.defaultKey ?? blocks[0]!.key!;
    const imports = new Map<string, Set<string>>();
    const lift = (code: string) =>
      code.replace(/^import\s+(type\s+)?\{([^}]*)\}\s+from\s+'([^']+)';?\s*$/gm, (_m, typeOnly, names, from) => {
        const specifier = from === '@shopwarden/sdk' ? sdkEntry : from;
        const set = imports.get(specifier) ?? new Set<string>();
        for (const n of (names as string)
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean))
          set.add(typeOnly || n.startsWith('type ') ? `type ${n.replace(/^type /, '')}` : n);
        imports.set(specifier, set);
        return '';
      });
    const keyOf = (role: string) => DEMO_KEYS[role as keyof typeof DEMO_KEYS];
    const fileKey = keyOf(fileRole);
    const body = [
      `const url = ${JSON.stringify(`${base}/graphql`)};`,
      `const apiKey: string = ${JSON.stringify(fileKey)};`,
      `process.env.SHOPWARDEN_URL = url; process.env.SHOPWARDEN_API_KEY = apiKey;`,
      `const demoKeys = ${JSON.stringify(DEMO_KEYS)};`,
      lift(prelude.replaceAll('http://localhost:4000', base)),
      ...blocks.map(
        (b, i) =>
          `console.log('docs-test block ${i}');\n{\n${b.key && b.key !== fileRole ? `const apiKey: string = ${JSON.stringify(keyOf(b.key))}; process.env.SHOPWARDEN_API_KEY = apiKey;\n` : `process.env.SHOPWARDEN_API_KEY = ${JSON.stringify(fileKey)};\n`}${lift(b.code.replaceAll('http://localhost:4000', base))}\n}`,
      ),
      `console.log('docs-test done');`,
    ].join('\n');
    const head = [...imports].map(([from, names]) => {
      const values = [...names].filter((n) => !n.startsWith('type ') || !names.has(n.slice(5)));
      return `import { ${values.join(', ')} } from ${JSON.stringify(from)};`;
    });
    const program = join(scratch, `${file.replace(/[^\w]+/g, '-')}-${n}.ts`);
    writeFileSync(program, `${head.join('\n')}\n${body}\n`);
    // Keys a program names itself (`demoKeys.seller`) spend budgets too.
    const source = [prelude, ...blocks.map((b) => b.code)].join('\n');
    const named = (Object.keys(DEMO_KEYS) as DemoRole[]).filter(
      (r) => source.includes(`demoKeys.${r}`) || source.includes(DEMO_KEYS[r]),
    );
    const roles = new Set([fileRole, ...blocks.map((b) => b.key!), ...named]);
    await refill(roles);
    current = `${file} (ts)`;
    const { code, stdout, stderr } = await run(process.execPath, ['--import', tsxLoader, program], {
      NODE_NO_WARNINGS: '1',
    });
    current = file;
    // What the program spent: a free request reads each key's budget now.
    for (const role of roles) await clientFor(role).request('{ __typename }');
    if (code === 0 && stdout.includes('docs-test done')) return [];
    const reached = [...stdout.matchAll(/docs-test block (\d+)/g)].at(-1)?.[1];
    const failed = reached === undefined ? blocks[0]! : blocks[Number(reached)]!;
    return [
      `${failed.where} (ts, key=${failed.key}) failed (program ${relative(root, program)}):\n${stderr.slice(-3000)}\n${stdout.slice(-1500)}`,
    ];
  }

  function run(command: string, args: string[], env: Record<string, string>, timeout = 90_000) {
    return new Promise<{ code: number; killed: boolean; stdout: string; stderr: string }>((done) => {
      execFile(
        command,
        args,
        { cwd: root, env: { ...process.env, ...env }, timeout, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) =>
          done({
            code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
            killed: !!error?.killed,
            stdout,
            stderr,
          }),
      );
    });
  }

  it.each(order)(
    '%s',
    async (file) => {
      current = file;
      previous = [];
      const doc = docs.get(file)!;
      const problems: string[] = [];
      // Consecutive ts blocks run as one program (later blocks see what the prelude set up), in their place.
      let pending: DocBlock[] = [];
      let programs = 0;
      const flush = async () => {
        if (pending.length) problems.push(...(await runTs(file, pending, doc, programs++)));
        pending = [];
      };
      for (const block of doc.blocks) {
        const plan = planOf(block);
        if (plan === 'ts') pending.push(block);
        else if (plan === 'graphql') {
          await flush();
          problems.push(...(await runGraphql(block)));
        } else if (plan === 'sh') {
          await flush();
          problems.push(...(await runSh(block)));
        }
      }
      await flush();
      expect(problems, `DOCS_TEST_SEED=${seed} runs the files in this order again`).toEqual([]);
      // The SDK paces itself from the reported budget: following a guide collects no 429s.
      expect(throttled.get(`${file} (ts)`) ?? 0, `HTTP 429 answers to the ts blocks of ${file}`).toBe(0);
    },
    180_000,
  );
});
