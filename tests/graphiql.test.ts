import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyPrefix, hashApiKey } from '@shopwarden/db';
import { DEMO_KEYS } from '@shopwarden/db/seed';
import { createShop, createWorld } from './support/fixtures.ts';
import { createTestApp } from './support/client.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// .ci/run installs Debian's chromium; a developer machine without it skips this one file.
describe.skipIf(!existsSync(chromiumPath))('GraphiQL in a browser', () => {
  let db: TestDatabase;
  let server: Server;
  let browser: Browser;
  let base: string;
  let gql: ReturnType<typeof createTestApp>['gql'];

  beforeAll(async () => {
    db = await createTestDatabase('pglite');
    await createWorld(db.prisma);
    await createShop(db.prisma, 'Browser Shop');
    // GraphiQL opens with the demo admin key in its headers, as on a seeded database.
    await db.prisma.apiKey.create({
      data: {
        name: 'demo admin',
        prefix: apiKeyPrefix(DEMO_KEYS.admin),
        hash: hashApiKey(DEMO_KEYS.admin),
        role: 'ADMIN',
        scopes: ['*'],
      },
    });
    const app = createTestApp(db, { GRAPHIQL: 'true' });
    const { yoga } = app;
    gql = app.gql;
    server = createServer(yoga);
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
    await db?.drop();
  });

  it('loads without any network beyond the API, with the tour and the demo key, and runs a query', async () => {
    const page = await browser.newPage();
    const external: string[] = [];
    page.on('request', (req) => {
      if (!req.url().startsWith(base) && !req.url().startsWith('data:') && !req.url().startsWith('blob:'))
        external.push(req.url());
    });
    await page.goto(`${base}/graphql`);
    await page.getByText('query Me').first().waitFor({ timeout: 30_000 });
    expect(await page.title()).toBe('ShopWarden GraphiQL');

    await page.goto(
      `${base}/graphql?query=${encodeURIComponent('{ viewer { role } shops(first: 3) { edges { node { name } } } }')}`,
    );
    await page.locator('.graphiql-execute-button').click();
    await page.getByText('"role": "ADMIN"').waitFor({ timeout: 30_000 });
    await expect(page.getByText('Browser Shop').count()).resolves.toBeGreaterThan(0);
    await page.screenshot({ path: `${process.env.TMPDIR ?? '/tmp'}/shopwarden-graphiql.png` });
    expect(external).toEqual([]);
  });

  it('runs a subscription: the bulkOperationFinished push arrives in the result pane', async () => {
    const run = await gql(
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
    const canceled = await gql(
      DEMO_KEYS.admin,
      `mutation { bulkOperationCancel(input: { id: "${id}" }) { __typename } }`,
    );
    expect(canceled.data?.bulkOperationCancel.__typename).toBe('BulkOperationCancelSuccess');
    await page.getByText('"status": "CANCELED"').waitFor({ timeout: 30_000 });
  });
});
