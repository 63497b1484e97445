import path from 'node:path';
import type { Reporter, TestModule, Vitest } from 'vitest/node';

/** After a run, lists every skipped test with why (its name or `skip(note)` says), so no skip goes unexplained. */
export default class SkipReasons implements Reporter {
  private filtered = false;
  private root = '';

  onInit(vitest: Vitest) {
    // With -t or .only, tests left out on purpose are not worth listing.
    this.filtered = !!vitest.config.testNamePattern;
    this.root = vitest.config.root;
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>) {
    if (this.filtered) return;
    const lines: string[] = [];
    for (const module of modules)
      for (const test of module.children.allTests('skipped')) {
        const note = test.result().note;
        lines.push(`  ${path.relative(this.root, module.moduleId)} > ${test.fullName}${note ? ` [${note}]` : ''}`);
      }
    if (lines.length) process.stdout.write(`\nSkipped (${lines.length}):\n${lines.join('\n')}\n`);
  }
}
