import { defineConfig, mergeConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { sharedConfig } from '../vitest.shared.ts';

/** The slowest files, longest first: a clean clone has no timings to sort by, and one started last holds up the run. */
const SLOWEST = [
  'compiled-reads',
  'docs',
  'sdk-build',
  'cli',
  'event-subscriptions',
  'faults/overload',
  'events',
  'graphiql',
  'scope-matrix',
  'webhooks',
  'sdk',
];

class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const index = SLOWEST.findIndex((name) => file.moduleId.endsWith(`/${name}.test.ts`));
      return index === -1 ? SLOWEST.length : index;
    };
    // Array#sort is stable: the rest keep vitest's order (slowest last time, else largest).
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      include: ['**/*.test.ts'],
      exclude: ['node_modules/**'],
      testTimeout: 60_000,
      hookTimeout: 120_000,
      pool: 'forks',
      // Files share a worker's loaded modules (schema, Prisma client) instead of loading them each.
      isolate: false,
      maxWorkers: 2,
      sequence: { sequencer: SlowestFirst },
      env: { NODE_ENV: 'test' },
      setupFiles: ['./support/no-overlapping-queries.ts'],
    },
  }),
);
