import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BulkWorker } from '@shopwarden/api';
import { DEMO_KEYS, seedDatabase } from '@shopwarden/db/seed';
import { createTestApp, dbId } from './support/client.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { parseResult, testWorker, type ResultLine } from './support/bulk-fixtures.ts';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const bin = join(repoRoot, 'packages/cli/bin/shopwarden.mjs');
const example = (name: string) => join(repoRoot, 'examples', name);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `shopwarden`, built from the sources and run as its own process against the demo data, the way an agency runs it:
 * stdout is a pipe, and nothing of this process's environment names a key, an endpoint or a profile file.
 */
describe('the shopwarden CLI', () => {
  let db: TestDatabase;
  let server: Server;
  let worker: BulkWorker;
  let url: string;
  let scratch: string;

  beforeAll(async () => {
    execFileSync(process.execPath, [join(repoRoot, 'packages/cli/scripts/build.mjs')], { stdio: 'pipe' });
    scratch = mkdtempSync(join(tmpdir(), 'sw-cli-'));
    db = await createTestDatabase('pglite');
    await seedDatabase(db.prisma);
    server = createServer(createTestApp(db).yoga);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    // Started by the tests that need operations to run; until then they stay CREATED.
    worker = testWorker(db);
  }, 300_000);
  afterAll(async () => {
    await worker?.stop();
    await new Promise((r) => server?.close(r));
    await db?.drop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  function cli(
    args: string[],
    options: {
      env?: Record<string, string>;
      input?: string;
      onStdout?: (text: string, child: ChildProcess) => void;
    } = {},
  ): Promise<Run> {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SHOPWARDEN_|npm_)/i.test(k)));
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [bin, ...args], {
        cwd: scratch,
        env: {
          ...env,
          HOME: scratch,
          XDG_CONFIG_HOME: join(scratch, 'xdg'),
          SHOPWARDEN_ENDPOINT: url,
          ...options.env,
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => {
        stdout += c;
        options.onStdout?.(stdout, child);
      });
      child.stderr.on('data', (c) => (stderr += c));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(options.input ?? '');
    });
  }
  const as = (role: keyof typeof DEMO_KEYS) => ({ env: { SHOPWARDEN_API_KEY: DEMO_KEYS[role] } });
  const jsonLines = (text: string) =>
    text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  /** One line on stderr, the `shopwarden: CODE: message` of an expected error, and no stack trace. */
  const oneLineError = (run: Run, code: string) => {
    expect(run.stderr).toMatch(new RegExp(`^shopwarden: ${code}: [^\\n]+\\n$`));
    expect(run.stderr).not.toMatch(/\n\s+at /);
  };

  /** Each result line says what the database holds for its listing now. */
  async function expectResultsMatchDatabase(lines: ResultLine[]) {
    for (const line of lines.filter((l) => l.ok)) {
      const row = await db.prisma.listing.findUniqueOrThrow({
        where: { id: dbId(line.listing!.id) },
        select: { status: true, version: true },
      });
      expect({ line: line.line, ...row }).toEqual({
        line: line.line,
        status: line.listing!.status,
        version: line.listing!.version,
      });
    }
  }

  describe('the key and the endpoint', () => {
    it('without a key: exit 2 and one line that says where a key comes from, before any request', async () => {
      const run = await cli(['shops', 'list']);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      oneLineError(run, 'MISSING_API_KEY');
      expect(run.stderr).toContain('SHOPWARDEN_API_KEY');
      expect(run.stderr).toContain(join(scratch, 'xdg/shopwarden/config.json'));
    });

    it('a key the API refuses: exit 1 with its code', async () => {
      const run = await cli(['shops', 'list'], { env: { SHOPWARDEN_API_KEY: 'sw_sel_notAKey' } });
      expect(run.code).toBe(1);
      oneLineError(run, 'UNAUTHENTICATED');
    });

    it('an endpoint nobody answers: exit 3, NETWORK_ERROR with the reason', async () => {
      const closed = createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((r) => closed.close(r));
      const run = await cli(['shops', 'list', '--endpoint', `http://127.0.0.1:${port}/graphql`], as('admin'));
      expect(run.code).toBe(3);
      oneLineError(run, 'NETWORK_ERROR');
      expect(run.stderr).toContain('ECONNREFUSED');
    });

    it('profiles: the default profile, SHOPWARDEN_API_KEY over it, and an explicit --profile over the environment', async () => {
      const config = join(scratch, 'profiles.json');
      writeFileSync(
        config,
        JSON.stringify({
          defaultProfile: 'agency',
          profiles: {
            agency: { apiKey: DEMO_KEYS.agency, endpoint: url },
            seller: { apiKey: DEMO_KEYS.seller },
            nowhere: { apiKey: DEMO_KEYS.admin, endpoint: 'http://127.0.0.1:9/graphql' },
          },
        }),
      );
      const viewer = ['query', '-q', '{ viewer { role } }'];
      const role = async (args: string[], env: Record<string, string>) => {
        const run = await cli([...viewer, ...args], { env: { SHOPWARDEN_CONFIG: config, ...env } });
        expect(run.stderr).toBe('');
        return JSON.parse(run.stdout).viewer.role;
      };
      expect(await role([], {})).toBe('AGENCY');
      expect(await role([], { SHOPWARDEN_API_KEY: DEMO_KEYS.admin })).toBe('ADMIN');
      expect(await role(['--profile', 'seller'], { SHOPWARDEN_API_KEY: DEMO_KEYS.admin })).toBe('SELLER');
      expect(await role(['--endpoint', url], { SHOPWARDEN_PROFILE: 'nowhere' })).toBe('ADMIN');

      const missing = await cli([...viewer, '-p', 'staging'], { env: { SHOPWARDEN_CONFIG: config } });
      expect(missing.code).toBe(2);
      oneLineError(missing, 'PROFILE_NOT_FOUND');
      expect(missing.stderr).toContain('agency, seller, nowhere');

      writeFileSync(config, '{ "profiles": ');
      const broken = await cli(viewer, { env: { SHOPWARDEN_CONFIG: config } });
      expect(broken.code).toBe(2);
      oneLineError(broken, 'CONFIG_INVALID');
    });
  });

  describe('query', () => {
    it('runs a file with --var: JSON values parsed, String and ID variables kept as text', async () => {
      const run = await cli(
        ['query', '-f', example('shop.graphql'), '--var', 'id=U2hvcDo0', '--var', 'first=3'],
        as('agency'),
      );
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const shop = JSON.parse(run.stdout).shop;
      const row = await db.prisma.shop.findUniqueOrThrow({ where: { id: 4 }, select: { name: true } });
      expect(shop.name).toBe(row.name);
      expect(shop.listings.edges).toHaveLength(3);

      // `first=3` became 3 above; a String variable that looks like a number stays a string (an Int would be refused).
      const byNumber = await cli(
        [
          'query',
          '-q',
          'query($n: String) { shops(first: 1, filter: { nameContains: $n }) { edges { node { id } } } }',
          '--var',
          'n=2024',
        ],
        as('admin'),
      );
      expect(byNumber.stderr).toBe('');
      expect(JSON.parse(byNumber.stdout)).toEqual({ shops: { edges: [] } });
      const filtered = await cli(
        [
          'query',
          '-q',
          'query($f: ShopFilter) { shops(first: 100, filter: $f) { edges { node { id } } } }',
          '--var',
          'f={"hasPrimaryCategory":false}',
        ],
        as('admin'),
      );
      expect(JSON.parse(filtered.stdout).shops.edges).toHaveLength(
        await db.prisma.shop.count({ where: { primaryCategoryId: null } }),
      );
    });

    it('a GraphQL error: exit 1 with its code; a syntax error: exit 2 with file:line:column; a typed error: exit 1', async () => {
      const invalid = await cli(['query', '-q', '{ viewer { nope } }'], as('admin'));
      expect(invalid.code).toBe(1);
      oneLineError(invalid, 'GRAPHQL_VALIDATION_FAILED');

      const file = join(scratch, 'broken.graphql');
      writeFileSync(file, 'query {\n  viewer { role \n');
      const broken = await cli(['query', '-f', file], as('admin'));
      expect(broken.code).toBe(2);
      oneLineError(broken, 'GRAPHQL_PARSE_FAILED');
      expect(broken.stderr).toContain(`${file}:3:1`);

      const undeclared = await cli(['query', '-q', '{ viewer { role } }', '--var', 'x=1'], as('admin'));
      expect(undeclared.code).toBe(2);
      oneLineError(undeclared, 'UNKNOWN_VARIABLE');

      const cancel = await cli(
        [
          'query',
          '-q',
          'mutation($id: ID!) { bulkOperationCancel(input: { id: $id }) { __typename ... on Error { code message } } }',
          '--var',
          'id=QnVsa09wZXJhdGlvbjo5OTk5',
        ],
        as('admin'),
      );
      expect(cancel.code).toBe(1);
      expect(JSON.parse(cancel.stdout).bulkOperationCancel.code).toBe('NOT_FOUND');
      oneLineError(cancel, 'NOT_FOUND');
    });
  });

  it('shops list: every shop in reach, one JSON line each, across pages', async () => {
    const agency = await cli(['shops', 'list', '--page-size', '2'], as('agency'));
    expect(agency.code).toBe(0);
    const granted = await db.prisma.shop.findMany({
      where: { accessGrants: { some: { account: { kind: 'AGENCY' } } } },
      select: { id: true },
    });
    expect(
      jsonLines(agency.stdout)
        .map((s) => dbId(s.id))
        .sort((a, b) => a - b),
    ).toEqual(granted.map((s) => s.id).sort((a, b) => a - b));
    expect(granted).toHaveLength(5);

    const admin = await cli(['shops', 'list', '--limit', '7', '--filter', '{"hasPrimaryCategory":true}'], as('admin'));
    const shops = jsonLines(admin.stdout);
    expect(shops).toHaveLength(7);
    expect(shops.every((s) => s.primaryCategory !== null)).toBe(true);
  });

  describe('convert', () => {
    it('turns the example CSV files into the example JSONL files', async () => {
      for (const name of ['listing-review', 'listing-submit']) {
        const run = await cli(['convert', example(`bulk/${name}.csv`)]);
        expect(run.code).toBe(0);
        expect(run.stdout).toBe(readFileSync(example(`bulk/${name}.jsonl`), 'utf8'));
      }
    });

    it('lists every bad row with its line number, writes nothing and exits 2', async () => {
      const csv = [
        'listingId,decision,reasonCode,reasonMessage,expectedVersion',
        'TGlzdGluZzoxNDc=,APPROVE,,,1',
        'TGlzdGluZzoxMg==,APPROVED,,,1',
        'TGlzdGluZzoxNjQ=,REJECT,,,1',
        ',APPROVE,,,1',
        'TGlzdGluZzo2NQ==,approve,,,v1',
        'TGlzdGluZzoxNDc=,APPROVE,,,2',
      ].join('\n');
      const output = join(scratch, 'never.jsonl');
      const run = await cli(['convert', '-', '--output', output], { input: csv });
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(() => readFileSync(output)).toThrow();
      expect(run.stderr.split('\n').filter(Boolean)).toEqual([
        'shopwarden: INVALID_CSV: <stdin> has 5 problems; nothing was written.',
        '  <stdin>:3: decision "APPROVED" is not APPROVE, REJECT or SUSPEND.',
        '  <stdin>:4: a REJECT needs a reason (reasonCode and reasonMessage).',
        '  <stdin>:5: listingId is empty.',
        '  <stdin>:6: expectedVersion "v1" is not a whole number ≥ 0.',
        '  <stdin>:7: listingId TGlzdGluZzoxNDc= is already on line 2 (a listing may appear once per operation).',
      ]);

      const ragged = await cli(['convert', '-'], { input: 'listingId,decision\nTGlzdGluZzoxNDc=,APPROVE,extra\n' });
      expect(ragged.code).toBe(2);
      oneLineError(ragged, 'INVALID_CSV');
      expect(ragged.stderr).toContain('<stdin>:2:');

      const columns = await cli(['convert', '-', '-m', 'LISTING_SUBMIT'], { input: 'listingId,decision\nx,APPROVE\n' });
      expect(columns.code).toBe(2);
      expect(columns.stderr).toContain('<stdin>:1: "decision" is not a column of LISTING_SUBMIT');
    });
  });

  describe('bulk', () => {
    it('run without --follow submits and prints the operation; status, results before the end, cancel', async () => {
      const submitted = await cli(
        ['bulk', 'run', '--mutation', 'LISTING_SUBMIT', example('bulk/listing-submit.jsonl')],
        as('agency'),
      );
      expect(submitted.stderr).toBe('');
      expect(submitted.code).toBe(0);
      const op = JSON.parse(submitted.stdout);
      expect(op).toMatchObject({ mutation: 'LISTING_SUBMIT', status: 'CREATED', lineCount: 3 });

      const status = await cli(['bulk', 'status', op.id], as('agency'));
      expect(JSON.parse(status.stdout)).toMatchObject({ id: op.id, status: 'CREATED', processedCount: 0 });
      const early = await cli(['bulk', 'results', op.id], as('agency'));
      expect(early.code).toBe(1);
      oneLineError(early, 'NOT_FINISHED');
      // Another key does not see it.
      const other = await cli(['bulk', 'status', op.id], as('seller'));
      expect(other.code).toBe(1);
      oneLineError(other, 'NOT_FOUND');

      const canceled = await cli(['bulk', 'cancel', op.id], as('agency'));
      expect(canceled.code).toBe(0);
      expect(JSON.parse(canceled.stdout)).toMatchObject({ id: op.id, status: 'CANCELED', processedCount: 0 });
      const again = await cli(['bulk', 'cancel', op.id], as('agency'));
      expect(again.code).toBe(1);
      oneLineError(again, 'INVALID_STATE');
      expect(await db.prisma.bulkOperation.findUniqueOrThrow({ where: { id: dbId(op.id) } })).toMatchObject({
        status: 'CANCELED',
      });
      const drafts = await db.prisma.listing.findMany({
        where: { id: { in: [45, 247, 249] } },
        select: { status: true },
      });
      expect(drafts.map((l) => l.status)).toEqual(['DRAFT', 'DRAFT', 'DRAFT']);

      const refused = await cli(
        ['bulk', 'run', '--mutation', 'LISTING_REVIEW', example('bulk/listing-review.jsonl')],
        as('agency'),
      );
      expect(refused.code).toBe(1);
      oneLineError(refused, 'FORBIDDEN');
      const usage = await cli(['bulk', 'run', '--mutation', 'LISTING_DELETE', 'x.jsonl'], as('admin'));
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain('LISTING_DELETE');
    });

    it('Ctrl-C while following: exit 130, and the operation keeps going (here: until it is canceled)', async () => {
      const run = await cli(['bulk', 'run', '-m', 'LISTING_SUBMIT', '-', '--follow', '--poll-interval', '50'], {
        ...as('agency'),
        input: '{"listingId":"TGlzdGluZzo5OTk5"}\n',
        onStdout: (text, child) => {
          if (text.includes('"submitted"')) child.kill('SIGINT');
        },
      });
      expect(run.code).toBe(130);
      const id = JSON.parse(run.stdout.split('\n')[0]!).id;
      oneLineError(run, 'INTERRUPTED');
      expect(run.stderr).toContain(`shopwarden bulk status ${id}`);
      expect(JSON.parse((await cli(['bulk', 'status', id], as('agency'))).stdout).status).toBe('CREATED');
      expect((await cli(['bulk', 'cancel', id], as('agency'))).code).toBe(0);
    });

    it('run --follow, piped: JSON lines on stdout, the result in --output, each line true to the database', async () => {
      worker.start();
      const output = join(scratch, 'review-results.jsonl');
      const run = await cli(
        [
          'bulk',
          'run',
          '--mutation',
          'LISTING_REVIEW',
          example('bulk/listing-review.jsonl'),
          '--follow',
          '--output',
          output,
          '--poll-interval',
          '100',
        ],
        as('admin'),
      );
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const events = jsonLines(run.stdout);
      expect(events[0]).toMatchObject({ event: 'submitted', mutation: 'LISTING_REVIEW', lineCount: 5 });
      expect(events.at(-1)).toMatchObject({
        event: 'finished',
        id: events[0].id,
        status: 'COMPLETED',
        processedCount: 5,
        succeededCount: 5,
        failedCount: 0,
        output,
      });
      expect(events.slice(1, -1).every((e) => e.event === 'progress')).toBe(true);

      const lines = parseResult(readFileSync(output, 'utf8'));
      expect(lines.map((l) => [l.line, l.ok, l.listing?.status])).toEqual([
        [1, true, 'ACTIVE'],
        [2, true, 'ACTIVE'],
        [3, true, 'ACTIVE'],
        [4, true, 'ACTIVE'],
        [5, true, 'REJECTED'],
      ]);
      await expectResultsMatchDatabase(lines);

      const results = await cli(['bulk', 'results', events[0].id], as('admin'));
      expect(results.stdout).toBe(readFileSync(output, 'utf8'));
      const status = await cli(['bulk', 'status', events[0].id], as('admin'));
      expect(JSON.parse(status.stdout)).toMatchObject({ status: 'COMPLETED', succeededCount: 5 });
      expect(JSON.parse(status.stdout)).not.toHaveProperty('result');
    });

    it('run --follow --progress bar draws the bar on stderr and ends with a summary; the agency submits', async () => {
      const output = join(scratch, 'submit-results.jsonl');
      const run = await cli(
        [
          'bulk',
          'run',
          '-m',
          'LISTING_SUBMIT',
          example('bulk/listing-submit.jsonl'),
          '--follow',
          '--progress',
          'bar',
          '--output',
          output,
        ],
        as('agency'),
      );
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(/Submitted bulk operation \S+ \(3 LISTING_SUBMIT lines\)/);
      expect(run.stderr).toMatch(/\d+% \| \d\/3 lines \| (CREATED|RUNNING|COMPLETED)/);
      expect(run.stdout).toMatch(
        /^COMPLETED \S+: 3 succeeded, 0 failed of 3 lines\. Results: .*submit-results\.jsonl\n$/,
      );
      const lines = parseResult(readFileSync(output, 'utf8'));
      expect(lines.map((l) => l.ok)).toEqual([true, true, true]);
      await expectResultsMatchDatabase(lines);
    });

    it('a line that fails: exit 4 and a one-line count; lines from standard input', async () => {
      const input = `${readFileSync(example('bulk/listing-review.jsonl'), 'utf8')}not json\n`;
      const output = join(scratch, 'again.jsonl');
      const run = await cli(['bulk', 'run', '-m', 'LISTING_REVIEW', '-', '--follow', '--output', output], {
        ...as('admin'),
        input,
      });
      expect(run.code).toBe(4);
      oneLineError(run, 'LINES_FAILED');
      expect(run.stderr).toContain('1 of 6 lines failed');
      const lines = parseResult(readFileSync(output, 'utf8'));
      // The example's idempotency keys: sent again, its lines are replayed, not run twice.
      expect(lines.slice(0, 5).every((l) => l.ok && l.replayed)).toBe(true);
      expect(lines[5]).toMatchObject({ line: 6, ok: false, errors: [{ code: 'VALIDATION_FAILED' }] });
      await expectResultsMatchDatabase(lines);
    });
  });
});

/** What `npm pack` puts in @shopwarden/cli: the bundle, and no dependency on anything the package does not list. */
describe('the @shopwarden/cli package', () => {
  it('packs bin/ and the bundle; the bundle imports only Node built-ins and the listed dependencies', () => {
    const cliDir = join(repoRoot, 'packages/cli');
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
    const out = execFileSync('npm', ['pack', '--dry-run', '--json'], {
      cwd: cliDir,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const [packed] = JSON.parse(out.slice(out.lastIndexOf('\n[\n') + 1)) as { files: { path: string }[] }[];
    expect(packed!.files.map((f) => f.path).sort()).toEqual([
      'CHANGELOG.md',
      'LICENSE',
      'README.md',
      'bin/shopwarden.mjs',
      'dist/shopwarden.mjs',
      'dist/shopwarden.mjs.map',
      'package.json',
    ]);
    const pkg = JSON.parse(readFileSync(join(cliDir, 'package.json'), 'utf8'));
    expect(pkg.bin).toEqual({ shopwarden: './bin/shopwarden.mjs' });
    const bundle = readFileSync(join(cliDir, 'dist/shopwarden.mjs'), 'utf8');
    // esbuild writes the module's own imports as statements at the start of a line, with double quotes.
    const imported = new Set(
      [
        ...bundle.matchAll(/^import\s[^;]*?from\s*"([^".][^"]*)"/gm),
        ...bundle.matchAll(/^import\s*"([^".][^"]*)"/gm),
        ...bundle.matchAll(/\bimport\("([^".][^"]*)"\)/g),
      ].map((m) => m[1]!),
    );
    const allowed = (name: string) =>
      name.startsWith('node:') || Object.keys(pkg.dependencies).some((d) => name === d || name.startsWith(`${d}/`));
    expect([...imported].filter((name) => !allowed(name))).toEqual([]);
    expect([...imported].filter((name) => !name.startsWith('node:')).sort()).toEqual([
      'cli-progress',
      'commander',
      'csv-parse/sync',
    ]);
  }, 60_000);
});
