import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../vitest.shared.ts';

export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      include: ['**/*.test.ts'],
      exclude: ['node_modules/**'],
      testTimeout: 60_000,
      hookTimeout: 120_000,
      pool: 'forks',
      maxWorkers: 2,
      env: { NODE_ENV: 'test' },
      setupFiles: ['./support/no-overlapping-queries.ts'],
    },
  }),
);
