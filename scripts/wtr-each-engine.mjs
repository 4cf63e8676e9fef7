// Runs this package's @web/test-runner suite once per engine (scripts/browsers.mjs), one engine
// after another, and says how long each took. Usage, from a package's "test" script:
//   node ../../scripts/wtr-each-engine.mjs [extra web-test-runner args]
// BROWSERS=firefox,webkit picks engines. Every engine runs even when an earlier one failed, so one
// run reports all of them; the exit code is non-zero when any failed.
import { spawn } from 'node:child_process';
import { basename, join } from 'node:path';
import { namespaceArgs, selectedEngines } from './browsers.mjs';

const pkg = basename(process.cwd());
// This package's own @web/test-runner (found without PATH, so this also works outside pnpm).
const wtrBin = join(process.cwd(), 'node_modules', '.bin', 'web-test-runner');
const results = [];
for (const engine of selectedEngines()) {
  const started = Date.now();
  const code = await new Promise((resolve) => {
    // In its own PID namespace: whatever the run leaves behind (browser helpers, esbuild's
    // service) is killed and reaped when web-test-runner exits.
    const child = spawn('unshare', [...namespaceArgs(), wtrBin, ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, WTR_ENGINE: engine },
    });
    child.once('exit', (status, signal) => resolve(status ?? (signal ? 1 : 0)));
    child.once('error', (error) => {
      console.error(`wtr ${pkg} ${engine}: cannot start web-test-runner: ${error.message}`);
      resolve(1);
    });
  });
  const seconds = (Date.now() - started) / 1000;
  results.push({ engine, code, seconds });
  console.log(`wtr ${pkg} ${engine}: ${code === 0 ? 'passed' : 'FAILED'} in ${seconds.toFixed(1)} s`);
}
console.log(`wtr ${pkg}: ${results.map((r) => `${r.engine} ${r.code === 0 ? 'passed' : 'FAILED'} ${r.seconds.toFixed(1)} s`).join(', ')}`);
process.exit(results.some((r) => r.code !== 0) ? 1 : 0);
