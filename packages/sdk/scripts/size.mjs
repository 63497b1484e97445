// Prints the minified + gzipped size of the client core (transport, retries, throttle, helpers;
// no generated documents) and of the whole package entry, bundled with esbuild.
// Usage: npm run size -w @shopwarden/sdk
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const entries = {
  core: "export { createTransport } from './src/transport.ts'; export * from './src/results.ts'; export * from './src/paginate.ts'; export * from './src/errors.ts';",
  'full (createShopWardenClient with every operation)': "export { createShopWardenClient } from './src/index.ts';",
};
for (const [name, contents] of Object.entries(entries)) {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    target: 'es2020',
    write: false,
  });
  const code = result.outputFiles[0].contents;
  console.log(`${name}: ${code.length} B minified, ${gzipSync(code, { level: 9 }).length} B minified + gzip`);
}
