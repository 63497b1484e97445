import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Kind, OperationTypeNode, parse } from 'graphql';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleTabs } from '../apps/api/src/graphiql-examples.ts';
import { DEMO_KEYS, seedDatabase } from '@shopwarden/db/seed';
import { createTestApp } from './support/client.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(chromiumPath);

let db: TestDatabase;
let app: ReturnType<typeof createTestApp>;

beforeAll(async () => {
  // The tours' ids come from the demo data, so this runs on a freshly seeded database as `npm start` does.
  db = await createTestDatabase('pglite');
  await seedDatabase(db.prisma);
  app = createTestApp(db, { GRAPHIQL: 'true' });
}, 180_000);

afterAll(async () => {
  await db?.drop();
});

describe('the GraphiQL tours on the demo data', () => {
  it('every operation of every tour runs as written with its role’s key and variables', async () => {
    for (const tab of exampleTabs) {
      const document = parse(tab.operations);
      for (const def of document.definitions) {
        if (def.kind !== Kind.OPERATION_DEFINITION) continue;
        const name = `${tab.role} ${def.name!.value}`;
        const subscription = def.operation === OperationTypeNode.SUBSCRIPTION;
        const abort = new AbortController();
        const response = await app.yoga.fetch('http://localhost/graphql', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: subscription ? 'text/event-stream' : 'application/json',
            authorization: `Bearer ${DEMO_KEYS[tab.role]}`,
          },
          body: JSON.stringify({ query: tab.operations, variables: tab.variables, operationName: def.name!.value }),
          signal: abort.signal,
        });
        if (subscription) {
          expect([name, response.status, response.headers.get('content-type')]).toEqual([
            name,
            200,
            'text/event-stream',
          ]);
          abort.abort();
          continue;
        }
        const res = { status: response.status, ...((await response.json()) as { data?: object; errors?: unknown[] }) };
        expect({ name, status: res.status, errors: res.errors }).toEqual({ name, status: 200, errors: undefined });
        if (def.operation === OperationTypeNode.MUTATION) {
          for (const result of Object.values(res.data!) as Record<string, unknown>[])
            expect({ name, code: result.code, fields: result.fields }).toEqual({
              name,
              code: undefined,
              fields: undefined,
            });
        } else {
          // A query on an id out of the role's reach answers null: every example must reach its data.
          expect(Object.values(res.data!).includes(null), name).toBe(false);
        }
      }
    }
  });
});

// .ci/run installs Debian's chromium; a machine without it skips the browser half and says so.
const browserSuite = `GraphiQL in a browser${hasChromium ? '' : ` (skipped: no Chromium at ${chromiumPath})`}`;
describe.skipIf(!hasChromium)(browserSuite, () => {
  let server: Server;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    server = createServer(app.yoga);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
  });

  /** Runs one named operation of the active tab through ▶'s operation menu. */
  async function run(page: Page, operation: string) {
    await page.locator('.graphiql-execute-button').click();
    await page.getByRole('menuitem', { name: operation, exact: true }).click();
  }

  const result = (page: Page) => page.locator('.graphiql-response');

  it('opens the administrator’s tour with its key and ids; each other role is one click away', async () => {
    const page = await browser.newPage();
    const external: string[] = [];
    page.on('request', (req) => {
      if (!req.url().startsWith(base) && !req.url().startsWith('data:') && !req.url().startsWith('blob:'))
        external.push(req.url());
    });
    await page.goto(`${base}/graphql`);
    expect(await page.title()).toBe('ShopWarden GraphiQL');
    await page.getByText('This tour acts as the administrator').first().waitFor({ timeout: 30_000 });

    const roles = { admin: 'ADMIN', seller: 'SELLER', agency: 'AGENCY', partner: 'PARTNER' } as const;
    const names = { admin: 'Administrator', seller: 'Seller', agency: 'Agency', partner: 'Partner' } as const;
    const pane = (name: 'Headers' | 'Variables') => async () => {
      await page.getByRole('button', { name, exact: true }).click();
      return page.locator('.graphiql-editor-tool').innerText();
    };
    const headers = pane('Headers');
    await expect.poll(headers, { timeout: 30_000 }).toContain(DEMO_KEYS.admin);
    for (const tab of [...exampleTabs.slice(1), exampleTabs[0]!]) {
      await page.getByRole('link', { name: names[tab.role], exact: true }).click();
      await page.waitForURL(`${base}/graphql`);
      await expect.poll(headers, { timeout: 30_000 }).toContain(DEMO_KEYS[tab.role]);
      const first = parse(tab.operations).definitions[0] as { name: { value: string } };
      await run(page, first.name.value);
      await result(page).getByText(`"role": "${roles[tab.role]}"`).waitFor({ timeout: 30_000 });
    }

    // An operation with variables runs as it opens: the Variables pane holds the seller's shop.
    await page.getByRole('link', { name: 'Seller', exact: true }).click();
    await page.getByText('The demo seller').first().waitFor({ timeout: 30_000 });
    await run(page, 'MyCategoryEligibility');
    await result(page).getByText('"categoryEligibility"').waitFor({ timeout: 30_000 });
    await expect(result(page).getByText('"errors"').count()).resolves.toBe(0);
    await expect(pane('Variables')()).resolves.toContain(exampleTabs[1]!.variables.shopId);
    await page.screenshot({ path: `${process.env.TMPDIR ?? '/tmp'}/shopwarden-graphiql.png` });
    expect(external).toEqual([]);
  }, 180_000);

  it('a link with ?query= opens that query', async () => {
    const page = await browser.newPage();
    await page.goto(
      `${base}/graphql?query=${encodeURIComponent('{ viewer { role } shops(first: 3) { edges { node { name } } } }')}`,
    );
    await page.locator('.graphiql-execute-button').click();
    await result(page).getByText('"role": "ADMIN"').waitFor({ timeout: 30_000 });
    await result(page).getByText('Glow Theory Beauty').waitFor();
  });

  it('runs a subscription: the bulkOperationFinished push arrives in the result pane', async () => {
    const run = await app.gql(
      DEMO_KEYS.admin,
      `mutation { bulkOperationRun(input: { mutation: LISTING_REVIEW, lines: "{\\"listingId\\":\\"TGlzdGluZzox\\",\\"decision\\":\\"APPROVE\\"}" }) { ... on BulkOperationRunSuccess { bulkOperation { id } } } }`,
    );
    const id = run.data!.bulkOperationRun.bulkOperation.id as string;
    const page = await browser.newPage();
    await page.goto(
      `${base}/graphql?query=${encodeURIComponent(`subscription { bulkOperationFinished(id: "${id}") { status processedCount } }`)}`,
    );
    await page.locator('.graphiql-execute-button').click();
    // No worker here: cancel it, and the push shows the CANCELED operation.
    await new Promise((r) => setTimeout(r, 500));
    const canceled = await app.gql(
      DEMO_KEYS.admin,
      `mutation { bulkOperationCancel(input: { id: "${id}" }) { __typename } }`,
    );
    expect(canceled.data?.bulkOperationCancel.__typename).toBe('BulkOperationCancelSuccess');
    await result(page).getByText('"status": "CANCELED"').waitFor({ timeout: 30_000 });
  });
});
