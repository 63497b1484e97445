import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ViteUserConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/**
 * graphql 16 ships CommonJS (`main`) and ESM (`module`) builds without an `exports` map: Node picks
 * the CommonJS one for Pothos and Yoga while Vite would pick the ESM one for our sources, and two
 * copies of graphql cannot share a schema. Pin every import to the one Node uses.
 */
export const sharedConfig: ViteUserConfig = {
  test: { reporters: ['default', fileURLToPath(new URL('./vitest.skip-reporter.ts', import.meta.url))] },
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
};
