/**
 * `pnpm bench`: runs every package's benchmark in turn and prints only their JSON figures on
 * stdout, one object per line: {"metric": …, "value": …, "unit": …}. Everything else the
 * benchmarks say (progress, warnings) goes to stderr. Each benchmark measures its own baseline in
 * the same run, so the ratios it prints compare like with like.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const PACKAGES = ['@cocalc-embed/controller', '@cocalc-embed/server', '@cocalc-embed/element'];

let failures = 0;
for (const pkg of PACKAGES) {
  process.stderr.write(`bench: ${pkg}\n`);
  const child = spawn('pnpm', ['--silent', '--filter', pkg, 'run', 'bench'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    if (isFigure(line)) process.stdout.write(`${line.trim()}\n`);
    else process.stderr.write(`${line}\n`);
  });
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  if (code !== 0) {
    failures++;
    process.stderr.write(`bench: ${pkg} exited with ${code}\n`);
  }
}
process.exit(failures === 0 ? 0 : 1);

function isFigure(line: string): boolean {
  try {
    const value = JSON.parse(line) as unknown;
    return typeof value === 'object' && value !== null && 'metric' in value && 'value' in value && 'unit' in value;
  } catch {
    return false;
  }
}
