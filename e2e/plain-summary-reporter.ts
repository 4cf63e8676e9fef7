import type { FullConfig, Reporter, Suite } from '@playwright/test/reporter';

/**
 * Prints one plain "e2e: N passed, N failed, N skipped" line as the very last line of the run:
 * CI reads that format, not Playwright's own "3 passed (20s)".
 */
export default class PlainSummaryReporter implements Reporter {
  private root?: Suite;

  onBegin(_config: FullConfig, suite: Suite): void {
    this.root = suite;
  }

  onEnd(): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const test of this.root?.allTests() ?? []) {
      const outcome = test.outcome();
      if (outcome === 'expected' || outcome === 'flaky') passed++;
      else if (outcome === 'skipped') skipped++;
      else failed++;
    }
    console.log(`e2e: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  }

  printsToStdio(): boolean {
    return true;
  }
}
