import { startEmulator } from './start-emulator.js';
import { resolveOptions } from './resolved-options.js';

/**
 * `pnpm --filter @cocalc-embed/emulator start`: starts the emulator from env vars (see README) and
 * prints where it listens. The admin API key is printed only when it was generated here, since then
 * nobody else knows it; a key from the environment is never printed.
 */
const options = resolveOptions({});
const emulator = await startEmulator({ apiKey: options.apiKey });
console.log(`CoCalc emulator (${options.generation}) listening on ${emulator.url}`);
console.log(`  data: ${options.dataDir}`);
if (options.apiKeySource === 'generated') {
  console.log(`  admin API key (generated for this run): ${emulator.apiKey}`);
} else {
  console.log('  admin API key: from COCALC_API_KEY');
}
const stop = () => {
  void emulator.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
