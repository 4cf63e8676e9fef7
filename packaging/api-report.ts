// API reports: one api-extractor report per published entry point, checked in under
// packages/<name>/api/<entry>.api.md. `pnpm api:check` fails when the built declarations no longer
// match the reports (so any change to the public surface shows up in review); `pnpm api:update`
// rewrites them. Reads the built dist/ (run `pnpm build` first; `pnpm api:*` do).
import { Extractor, ExtractorConfig, ExtractorLogLevel, type ExtractorMessage } from '@microsoft/api-extractor';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { entryPoints, publicPackages, type EntryPoint } from './public-packages.js';

/** What one entry point's check found. */
export interface ApiReportResult {
  entry: EntryPoint;
  /** The checked-in report file. */
  reportPath: string;
  /** Whether the generated report equals the checked-in one (after an update: always true). */
  matches: boolean;
  /** Errors and warnings api-extractor raised (other than the report differing). */
  problems: string[];
}

/**
 * The compiler setup api-extractor reads the declarations with: the build's, except that other
 * @cocalc-embed packages resolve to their built declarations through this package's node_modules
 * link. A path through node_modules is what makes TypeScript (and so api-extractor) treat them as
 * external packages, named as imports in the report, as a site's compiler will see them; the
 * workspace `exports` would hand it their TypeScript source instead.
 */
function compilerOptions(entry: EntryPoint): object {
  const build = JSON.parse(readFileSync(join(entry.pkg.path, 'tsconfig.build.json'), 'utf8')) as {
    compilerOptions?: { lib?: string[]; types?: string[] };
  };
  const paths: Record<string, string[]> = {};
  for (const other of publicPackages()) {
    const types = other.manifest.publishConfig.exports['.'];
    if (other.dir === entry.pkg.dir || typeof types !== 'object' || !types.types) continue;
    paths[other.manifest.name] = [join(entry.pkg.path, 'node_modules', other.manifest.name, types.types)];
  }
  return {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      lib: build.compilerOptions?.lib ?? ['ES2022', 'DOM', 'DOM.Iterable'],
      types: build.compilerOptions?.types ?? [],
      paths,
      strict: true,
      skipLibCheck: true,
    },
    files: [join(entry.pkg.path, entry.types)],
  };
}

/** Runs api-extractor on one entry; `update` writes the report instead of comparing. */
export function checkEntry(entry: EntryPoint, update = false): ApiReportResult {
  const reportFolder = join(entry.pkg.path, 'api');
  const tempFolder = join(entry.pkg.path, 'node_modules', '.cache', 'api-extractor');
  mkdirSync(reportFolder, { recursive: true });
  mkdirSync(tempFolder, { recursive: true });
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: entry.pkg.path,
      mainEntryPointFilePath: join(entry.pkg.path, entry.types),
      compiler: { overrideTsconfig: compilerOptions(entry) },
      apiReport: {
        enabled: true,
        reportFileName: `${entry.name}.api.md`,
        reportFolder,
        reportTempFolder: tempFolder,
        includeForgottenExports: false,
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Warning } },
        extractorMessageReporting: {
          default: { logLevel: ExtractorLogLevel.Warning },
          // No @public/@beta tags: everything an entry exports is public.
          'ae-missing-release-tag': { logLevel: ExtractorLogLevel.None },
          // A type reachable from the API but not exported (an internal leaking through a
          // signature) is written into the report, where review sees it.
          'ae-forgotten-export': { logLevel: ExtractorLogLevel.None, addToApiReportFile: true },
          // Our JSDoc is not TSDoc; links to members of other packages do not resolve here.
          'ae-unresolved-link': { logLevel: ExtractorLogLevel.None },
          // Members without JSDoc are marked "(undocumented)" in the report itself.
          'ae-undocumented': { logLevel: ExtractorLogLevel.None },
        },
        tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
      },
    },
    configObjectFullPath: undefined,
    packageJsonFullPath: join(entry.pkg.path, 'package.json'),
  });
  const problems: string[] = [];
  const result = Extractor.invoke(config, {
    localBuild: update,
    messageCallback: (message: ExtractorMessage) => {
      message.handled = true;
      if (message.logLevel === ExtractorLogLevel.Error || message.logLevel === ExtractorLogLevel.Warning) {
        // "You have changed the API signature" (and, updating, "report copied") is reported
        // through `apiReportChanged` instead.
        if (/^console-api-report-(changed|copied|created)$/.test(message.messageId)) return;
        problems.push(`${message.messageId}: ${message.text}${message.sourceFilePath ? ` (${message.sourceFilePath}:${message.sourceFileLine})` : ''}`);
      }
    },
  });
  return { entry, reportPath: join(reportFolder, `${entry.name}.api.md`), matches: update || !result.apiReportChanged, problems };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const update = process.argv.includes('--update');
  let failed = false;
  for (const entry of entryPoints()) {
    const r = checkEntry(entry, update);
    const label = `${entry.pkg.manifest.name}${entry.subpath === '.' ? '' : entry.subpath.slice(1)}`;
    for (const p of r.problems) console.error(`${label}: ${p}`);
    if (!r.matches) console.error(`${label}: the public API differs from ${r.reportPath}; review it and run \`pnpm api:update\``);
    failed ||= !r.matches || r.problems.length > 0;
    console.log(`${r.matches && r.problems.length === 0 ? 'ok  ' : 'FAIL'} ${label}`);
  }
  process.exit(failed ? 1 : 0);
}
