import { fileURLToPath } from 'node:url';
import type { EmulatorGeneration, EmulatorOptions, SameSiteSetting } from './emulator-options.js';
import { randomKey } from './random-key.js';

/** {@link EmulatorOptions} with env vars and defaults applied. */
export interface ResolvedOptions {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly apiKey: string;
  /** Where the key came from, for the start banner. */
  readonly apiKeySource: 'option' | 'env' | 'generated';
  readonly generation: EmulatorGeneration;
  readonly iframeCommHosts: string;
  readonly devHttpOrigins: readonly string[];
  readonly samesiteRememberMe: SameSiteSetting;
  readonly tokenTtlSeconds: number;
  /** `/` or `/something` without trailing slash. */
  readonly basePath: string;
  readonly https: EmulatorOptions['https'];
  readonly publicUrl: string | undefined;
  readonly siteName: string;
}

const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../../data/emulator', import.meta.url));

/** Applies env vars (`env`, normally `process.env`) and defaults to `options`, validating each. */
export function resolveOptions(options: EmulatorOptions, env: NodeJS.ProcessEnv = process.env): ResolvedOptions {
  const generation = options.generation ?? (env.EMULATOR_GENERATION as EmulatorGeneration | undefined) ?? 'modern';
  if (generation !== 'classic' && generation !== 'modern') throw new TypeError(`generation must be 'classic' or 'modern'`);
  const samesite = options.samesiteRememberMe ?? (env.EMULATOR_SAMESITE_REMEMBER_ME as SameSiteSetting | undefined) ?? 'strict';
  if (!['strict', 'lax', 'none'].includes(samesite)) throw new TypeError(`samesiteRememberMe must be strict, lax or none`);
  const port = options.port ?? (env.EMULATOR_PORT ? Number(env.EMULATOR_PORT) : 5180);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError('port must be an integer 0–65535');
  const ttl =
    options.tokenTtlSeconds ??
    (env.EMULATOR_TOKEN_TTL_SECONDS ? Number(env.EMULATOR_TOKEN_TTL_SECONDS) : generation === 'modern' ? 86400 : 43200);
  if (!Number.isFinite(ttl) || ttl <= 0) throw new TypeError('tokenTtlSeconds must be a positive number');
  let apiKeySource: ResolvedOptions['apiKeySource'] = 'option';
  let apiKey = options.apiKey;
  if (apiKey === undefined && env.COCALC_API_KEY) {
    apiKey = env.COCALC_API_KEY;
    apiKeySource = 'env';
  }
  if (apiKey === undefined) {
    apiKey = `sk-${randomKey(24)}`;
    apiKeySource = 'generated';
  }
  if (apiKey.length < 8) throw new TypeError('apiKey is too short');
  const devOrigins =
    options.devHttpOrigins ??
    (env.EMULATOR_DEV_HTTP_ORIGINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  for (const origin of devOrigins) {
    if (!/^http:\/\/[^/?#\s]+$/.test(origin)) throw new TypeError(`devHttpOrigins entries must be exact http:// origins`);
  }
  return {
    port,
    host: options.host ?? 'localhost',
    dataDir: options.dataDir ?? env.EMULATOR_DATA_DIR ?? DEFAULT_DATA_DIR,
    apiKey,
    apiKeySource,
    generation,
    iframeCommHosts: options.iframeCommHosts ?? env.EMULATOR_IFRAME_COMM_HOSTS ?? '',
    devHttpOrigins: devOrigins,
    samesiteRememberMe: samesite,
    tokenTtlSeconds: ttl,
    basePath: normalizeBasePath(options.basePath ?? '/'),
    https: options.https,
    publicUrl: options.publicUrl,
    siteName: options.siteName ?? 'CoCalc',
  };
}

function normalizeBasePath(basePath: string): string {
  if (!basePath.startsWith('/') || /[?#\s]/.test(basePath)) throw new TypeError(`basePath must start with '/'`);
  const trimmed = basePath.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}
