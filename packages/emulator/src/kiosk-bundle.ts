import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('./kiosk-app/main.ts', import.meta.url));

/**
 * The kiosk app (`src/kiosk-app/main.ts`) bundled by esbuild for `/static/app.js`. Built on first
 * request and cached for the life of the emulator; a failed build is not cached, so fixing the
 * source and reloading works.
 */
export class KioskBundle {
  private pending: Promise<string> | undefined;

  /** The bundled JavaScript. */
  get(): Promise<string> {
    this.pending ??= buildBundle().catch((err: unknown) => {
      this.pending = undefined;
      throw err;
    });
    return this.pending;
  }
}

async function buildBundle(): Promise<string> {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    sourcemap: 'inline',
    logLevel: 'silent',
    // The repo compiles decorators in the legacy flavour (tsconfig.base.json); say so explicitly
    // rather than rely on tsconfig discovery.
    tsconfigRaw: { compilerOptions: { experimentalDecorators: true, useDefineForClassFields: false } },
  });
  return result.outputFiles[0]!.text;
}
