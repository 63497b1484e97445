import { createRequire } from 'node:module';
import type { ViteUserConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/**
 * graphql 16 ships CommonJS (`main`) and ESM (`module`) builds without an `exports` map: Node picks
 * the CommonJS one for Pothos and Yoga while Vite would pick the ESM one for our sources, and two
 * copies of graphql cannot share a schema. Pin every import to the one Node uses.
 */
export const sharedConfig: ViteUserConfig = {
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
};
