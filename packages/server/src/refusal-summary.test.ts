import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { createLogger } from './logger.js';
import { RefusalSummary } from './refusal-summary.js';

describe('RefusalSummary', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setInterval'] }));
  afterEach(() => mock.timers.reset());

  it('logs the first refusal at once, then one count per window, and starts over after a quiet window', () => {
    const lines: Array<{ refused: number }> = [];
    const summary = new RefusalSummary({ logger: createLogger({ write: (l) => lines.push(JSON.parse(l) as { refused: number }) }), message: 'refused', windowMs: 1000 });
    for (let i = 0; i < 500; i += 1) summary.record('breaker open');
    assert.deepEqual(lines.map((l) => l.refused), [1], 'one line for the first, none for the next 499 yet');
    mock.timers.tick(1000);
    assert.deepEqual(lines.map((l) => l.refused), [1, 499]);
    mock.timers.tick(1000); // a quiet window ends the episode
    summary.record('queue full');
    assert.deepEqual(lines.map((l) => l.refused), [1, 499, 1], 'the first refusal of a new episode is logged at once');
    summary.record('queue full');
    summary.stop();
    assert.deepEqual(lines.map((l) => l.refused), [1, 499, 1, 1], 'stop writes what is still counted');
  });
});
