import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints one uncoloured closing line, `vitest: N passed, N failed, N skipped`, because CI reads
 * the totals from it and vitest's own summary carries ANSI colours even with CI=true.
 */
export default class PlainReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const testModule of testModules) {
      for (const testCase of testModule.children.allTests()) {
        const state = testCase.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
    }
    console.log(`vitest: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  }
}
