// Writes packages/schema/schema.graphql; `--check` fails when the committed file is stale.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { printSchema } from 'graphql';
import { printableSchema } from '../src/schema.ts';

const target = path.resolve(fileURLToPath(import.meta.url), '../../schema.graphql');
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
}
