import type { FullConfig, Reporter, Suite, TestCase } from '@playwright/test/reporter';

/**
 * Prints one "e2e [project]: …" line per project (each engine has its own projects, so these are
 * the per-engine counts and test times), then one plain "e2e: N passed, N failed, N skipped"
 * line over every engine as the very last line of the run: CI reads that format, not
 * Playwright's own "3 passed (20s)". A test that passed only on retry counts as failed: flaky is
 * broken (playwright.config.ts sets failOnFlakyTests to match).
 */
export default class PlainSummaryReporter implements Reporter {
  private root?: Suite;

  onBegin(_config: FullConfig, suite: Suite): void {
    this.root = suite;
  }

  onEnd(): void {
    const total = new Tally();
    const byProject = new Map<string, Tally>();
    for (const test of this.root?.allTests() ?? []) {
      const name = test.parent.project()?.name ?? '?';
      if (!byProject.has(name)) byProject.set(name, new Tally());
      byProject.get(name)!.add(test);
      total.add(test);
    }
    for (const [name, tally] of byProject) console.log(`e2e [${name}]: ${tally.toString()} (${(tally.ms / 1000).toFixed(1)} s)`);
    console.log(`e2e: ${total.toString()}`);
  }

  printsToStdio(): boolean {
    return true;
  }
}

class Tally {
  passed = 0;
  failed = 0;
  skipped = 0;
  ms = 0;

  add(test: TestCase): void {
    const outcome = test.outcome();
    if (outcome === 'expected') this.passed++;
    else if (outcome === 'skipped') this.skipped++;
    else this.failed++;
    for (const result of test.results) this.ms += result.duration;
  }

  toString(): string {
    return `${this.passed} passed, ${this.failed} failed, ${this.skipped} skipped`;
  }
}
