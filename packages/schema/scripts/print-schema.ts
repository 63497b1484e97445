// Writes packages/schema/schema.graphql; `--check` fails when the committed file is stale; `--release`
// also snapshots it as schema.released.graphql, the baseline of tests/schema-evolution.test.ts.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { printSchema } from 'graphql';
import { printableSchema } from '../src/schema.ts';

const target = path.resolve(fileURLToPath(import.meta.url), '../../schema.graphql');
const released = path.resolve(fileURLToPath(import.meta.url), '../../schema.released.graphql');
const printed = `${printSchema(printableSchema())}\n`;
if (process.argv.includes('--check')) {
  const committed = existsSync(target) ? readFileSync(target, 'utf8') : '';
  if (committed !== printed) {
    console.error('packages/schema/schema.graphql is stale: run `npm run schema:print` and commit it.');
    process.exit(1);
  }
  console.log('schema.graphql is current.');
} else {
  writeFileSync(target, printed);
  console.log(`Wrote ${path.relative(process.cwd(), target)}`);
  if (process.argv.includes('--release')) {
    writeFileSync(released, printed);
    console.log(`Wrote ${path.relative(process.cwd(), released)}`);
  }
}
