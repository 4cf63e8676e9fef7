import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isValidUuid, normalizeCocalcUrl, PROJECT_NAME_PATTERN, SIGN_IN_ERAS, type SignInEra } from '@cocalc-embed/protocol';
import type { ApiGeneration } from './cocalc-api.js';
import { ConfigError } from './config-error.js';
import type { LogLevel } from './logger.js';
import { TrustedProxies } from './trusted-proxies.js';
import type { ApiKeyAuth } from './upstream-transport.js';

const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The monorepo root (two levels above this package). */
export const REPO_DIR = resolve(PACKAGE_DIR, '..', '..');
/**
 * The default `COCALC_EMBED_DATA_DIR`: `<repo>/data` when running from this repository; `data` in
 * the working directory when installed from the registry (inside node_modules it would be lost on
 * the next install).
 */
function defaultDataDir(): string {
  return PACKAGE_DIR.split(sep).includes('node_modules') ? resolve(process.cwd(), 'data') : resolve(REPO_DIR, 'data');
}
/** The template shipped with this package. */
export const DEFAULT_TEMPLATE_DIR = resolve(PACKAGE_DIR, 'templates', 'default');

/** CoCalc API keys: `sk-…` (current) or `sk_…` (legacy), letters and digits. */
const API_KEY_PATTERN = /^sk[-_][A-Za-z0-9]{16,128}$/;

/** Everything the token backend needs, validated. Build it with {@link loadConfig}. */
export interface ServerConfig {
  /** `COCALC_URL`, normalised (default `http://localhost:5180`, the emulator): CoCalc as browsers reach it. */
  readonly cocalcUrl: string;
  /**
   * `COCALC_API_URL`: where this backend reaches CoCalc's HTTP API, when that differs from what
   * browsers use (an internal address or service name); default `cocalcUrl`. Token responses
   * always name `cocalcUrl`.
   */
  readonly apiUrl: string;
  /** `COCALC_API_KEY`: admin API key. Required. */
  readonly apiKey: string;
  /** `COCALC_API_KEY_AUTH`: `basic` (default) or `bearer`. */
  readonly apiKeyAuth: ApiKeyAuth;
  /** `COCALC_API_V1_FORM=1`: form-encode flat v1 bodies. */
  readonly v1Form: boolean;
  /** `COCALC_API`: `auto` (detect), `v1` or `modern`. */
  readonly api: 'auto' | ApiGeneration;
  /** `COCALC_SIGN_IN`: `auto` (from the API: v1 ⇒ url, modern ⇒ impersonate), `url` or `impersonate`. */
  readonly signIn: 'auto' | SignInEra;
  /** `COCALC_EMBED_DATA_DIR`, default `<repo>/data` in the repository, `./data` when installed. */
  readonly dataDir: string;
  /**
   * `COCALC_EMBED_DATABASE_URL`: a `postgres://` (or `postgresql://`) connection string. Set, the
   * backend keeps its state in that PostgreSQL database, which any number of instances may share;
   * unset (`null`), in the SQLite file in `dataDir` (one instance). A secret: never logged.
   */
  readonly databaseUrl: string | null;
  /**
   * `COCALC_EMBED_MIGRATE`: `on-start` (default) applies pending schema migrations when the server
   * starts; `manual` leaves that to `cocalc-embed migrate` and refuses to start on an older schema.
   */
  readonly migrate: 'on-start' | 'manual';
  /** `PORT`, default 8787. */
  readonly port: number;
  /** `HOST`, default `127.0.0.1`. */
  readonly host: string;
  /** `COCALC_EMBED_PROJECT_MODE`: `per-user` (default) or `per-notebook`. */
  readonly projectMode: 'per-user' | 'per-notebook';
  /** `COCALC_EMBED_TEMPLATE_DIR`, default the package's `templates/default`; `none` for empty projects. */
  readonly templateDir: string | null;
  /** `COCALC_EMBED_TEMPLATE_PROJECT`: a project id to copy from instead of a folder. */
  readonly templateProjectId: string | null;
  /** `COCALC_EMBED_TEMPLATE_PATHS`: comma-separated paths copied from the template project. */
  readonly templatePaths: readonly string[];
  /** `COCALC_EMBED_SESSION_SECRET` (≥ 32 chars), for the demo cookie; random per process when unset. */
  readonly sessionSecret: string;
  /** Whether the session secret was generated (demo cookies die with the process). */
  readonly sessionSecretGenerated: boolean;
  /** `COCALC_EMBED_DEMO_AUTH=1`: enable the demo login endpoints and cookie. Off by default. */
  readonly demoAuth: boolean;
  /** `COCALC_EMBED_DEMO_USERS`, default `alice,bob,carol`. */
  readonly demoUsers: readonly string[];
  /** `COCALC_EMBED_USER_AUTH`: `admin` (password "" with an admin key, default) or `password` (stored password). */
  readonly userAuth: 'admin' | 'password';
  /** `COCALC_TOKEN_TTL_SECONDS`: how long CoCalc keeps a token (default 12 h v1, 24 h modern). */
  readonly tokenTtlSeconds: number | null;
  /** `COCALC_UPSTREAM_TIMEOUT_MS`, default 10000, at most 14000 (CoCalc's own hub timeout is 15 s). */
  readonly upstreamTimeoutMs: number;
  /** `COCALC_UPSTREAM_MAX_CONCURRENCY` (default 20) and `COCALC_UPSTREAM_MAX_QUEUE` (default 100). */
  readonly upstreamMaxConcurrency: number;
  readonly upstreamMaxQueue: number;
  /**
   * `COCALC_BREAKER_THRESHOLD` (default 5 consecutive failures), `COCALC_BREAKER_COOLDOWN_MS`
   * (first cool-down, default 2000) and `COCALC_BREAKER_MAX_COOLDOWN_MS` (default 30000): each
   * failed probe doubles the cool-down up to the maximum; a success resets it.
   */
  readonly breakerThreshold: number;
  readonly breakerCooldownMs: number;
  readonly breakerMaxCooldownMs: number;
  /** `COCALC_EMBED_RATE_USER_PER_MIN` (10) / `_BURST` (5); `COCALC_EMBED_RATE_IP_PER_MIN` (60) / `_BURST` (30). */
  readonly rateUserPerMinute: number;
  readonly rateUserBurst: number;
  readonly rateIpPerMinute: number;
  readonly rateIpBurst: number;
  /**
   * `COCALC_EMBED_TRUSTED_PROXIES`: comma-separated addresses or CIDR ranges of the reverse
   * proxies in front of this backend (default none). Only a request whose socket peer is one of
   * them has its `X-Forwarded-For` (client address) and `X-Forwarded-Proto` believed.
   */
  readonly trustedProxies: readonly string[];
  /**
   * `COCALC_EMBED_ALLOWED_ORIGINS`: comma-separated origins (`https://site.example`) whose pages may
   * call the backend when the browser sends no `Sec-Fetch-Site`; the request's own origin always may.
   */
  readonly allowedOrigins: readonly string[];
  /** `COCALC_EMBED_ALLOW_SAME_SITE` (default 1): accept `Sec-Fetch-Site: same-site` as well as same-origin. */
  readonly allowSameSite: boolean;
  /** `COCALC_EMBED_PROJECT_START_TTL_SECONDS`: don't re-start a project within this window (default 600). */
  readonly projectStartTtlSeconds: number;
  /** `COCALC_EMBED_EMAIL_DOMAIN`: domain of generated account e-mails. */
  readonly emailDomain: string;
  /**
   * `COCALC_EMBED_FIRST_PROJECT`: what to do with the project CoCalc creates and starts at every
   * sign-up ("My First Project"): `stop` (default), `delete`, or `keep`.
   */
  readonly firstProject: 'stop' | 'delete' | 'keep';
  /**
   * `COCALC_EMBED_PROVISION_WAIT_MS` (default 5000, at most 9000: below the element's 10 s per
   * request): how long a token request waits for a first-visit provisioning before answering 202.
   */
  readonly provisionWaitMs: number;
  /** `COCALC_EMBED_MAX_PROJECTS_PER_USER` (default 10): projects one site user may have made. */
  readonly maxProjectsPerUser: number;
  /**
   * `COCALC_EMBED_PROJECT_NAMES`: the `project` names a page may ask for (comma-separated); `null`
   * (unset) allows any valid name. A request without `project` (the default project) is always allowed.
   */
  readonly projectNames: readonly string[] | null;
  /** `LOG_LEVEL`: debug | info (default) | warn | error. */
  readonly logLevel: LogLevel;
}

/**
 * Reads and validates the configuration from `env` (default `process.env`). Collects every
 * problem and throws one {@link ConfigError}; messages name variables, never their values. A
 * missing or malformed API key fails closed.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): ServerConfig {
  const problems: Array<{ variable: string; problem: string }> = [];
  const fail = (variable: string, problem: string) => problems.push({ variable, problem });
  const get = (name: string) => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const v = get(name);
    if (v === undefined) return fallback;
    if ((allowed as readonly string[]).includes(v)) return v as T;
    fail(name, `must be one of ${allowed.join(', ')}`);
    return fallback;
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const v = get(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      fail(name, `must be an integer from ${min} to ${max}`);
      return fallback;
    }
    return n;
  };
  const flag = (name: string, fallback: boolean): boolean => {
    const v = get(name);
    if (v === undefined) return fallback;
    if (/^(1|true|yes|on)$/i.test(v)) return true;
    if (/^(0|false|no|off)$/i.test(v)) return false;
    fail(name, 'must be 1 or 0');
    return fallback;
  };

  let cocalcUrl = 'http://localhost:5180';
  try {
    cocalcUrl = normalizeCocalcUrl(get('COCALC_URL') ?? cocalcUrl);
  } catch {
    fail('COCALC_URL', 'must be an http(s) URL without query or fragment');
  }
  let apiUrl = cocalcUrl;
  const rawApiUrl = get('COCALC_API_URL');
  if (rawApiUrl !== undefined) {
    try {
      apiUrl = normalizeCocalcUrl(rawApiUrl);
    } catch {
      fail('COCALC_API_URL', 'must be an http(s) URL without query or fragment');
    }
  }

  const apiKey = get('COCALC_API_KEY') ?? '';
  if (!apiKey) fail('COCALC_API_KEY', 'is required (the CoCalc admin API key)');
  else if (!API_KEY_PATTERN.test(apiKey)) fail('COCALC_API_KEY', 'is malformed (expected sk- or sk_ followed by 16+ letters or digits)');

  const templateSetting = get('COCALC_EMBED_TEMPLATE_DIR');
  let templateDir: string | null = DEFAULT_TEMPLATE_DIR;
  if (templateSetting === 'none') templateDir = null;
  else if (templateSetting) templateDir = resolve(templateSetting);
  if (templateDir && !(existsSync(templateDir) && statSync(templateDir).isDirectory())) {
    fail('COCALC_EMBED_TEMPLATE_DIR', 'is not a folder');
  }
  const templateProjectId = get('COCALC_EMBED_TEMPLATE_PROJECT') ?? null;
  if (templateProjectId && !isValidUuid(templateProjectId)) fail('COCALC_EMBED_TEMPLATE_PROJECT', 'must be a project id (UUID)');
  const templatePaths = (get('COCALC_EMBED_TEMPLATE_PATHS') ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  if (templateProjectId && templatePaths.length === 0) {
    fail('COCALC_EMBED_TEMPLATE_PATHS', 'must list the paths to copy when COCALC_EMBED_TEMPLATE_PROJECT is set');
  }

  const secretSetting = get('COCALC_EMBED_SESSION_SECRET');
  if (secretSetting !== undefined && secretSetting.length < 32) fail('COCALC_EMBED_SESSION_SECRET', 'must be at least 32 characters');

  const demoUsers = (get('COCALC_EMBED_DEMO_USERS') ?? 'alice,bob,carol').split(',').map((u) => u.trim()).filter(Boolean);
  if (demoUsers.some((u) => !/^[a-z0-9][a-z0-9._-]{0,63}$/.test(u))) {
    fail('COCALC_EMBED_DEMO_USERS', 'must be a comma-separated list of lowercase user names');
  }

  const ttl = get('COCALC_TOKEN_TTL_SECONDS') === undefined ? null : int('COCALC_TOKEN_TTL_SECONDS', 43_200, 60, 7 * 86_400);
  const emailDomain = get('COCALC_EMBED_EMAIL_DOMAIN') ?? 'users.cocalc-embed.invalid';
  if (!/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(emailDomain)) fail('COCALC_EMBED_EMAIL_DOMAIN', 'must be a domain name');
  const trustedProxies = (get('COCALC_EMBED_TRUSTED_PROXIES') ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  const proxyProblem = trustedProxies.map((p) => TrustedProxies.problem(p)).find(Boolean);
  if (proxyProblem) fail('COCALC_EMBED_TRUSTED_PROXIES', `must list IP addresses or CIDR ranges: ${proxyProblem}`);
  // The old all-or-nothing switch believed X-Forwarded-For from any peer; refuse it rather than
  // silently ignore it, so a deployment that relied on it learns what to set instead.
  if (get('COCALC_EMBED_TRUST_PROXY') !== undefined) {
    fail('COCALC_EMBED_TRUST_PROXY', 'is replaced by COCALC_EMBED_TRUSTED_PROXIES (the addresses of your reverse proxies)');
  }
  const allowedOrigins = (get('COCALC_EMBED_ALLOWED_ORIGINS') ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  if (allowedOrigins.some((o) => !isOrigin(o))) fail('COCALC_EMBED_ALLOWED_ORIGINS', 'must list origins like https://site.example (scheme, host, optional port; no path)');
  const namesSetting = get('COCALC_EMBED_PROJECT_NAMES');
  const projectNames = namesSetting === undefined ? null : namesSetting.split(',').map((n) => n.trim()).filter(Boolean);
  if (projectNames && (projectNames.length === 0 || projectNames.some((n) => !PROJECT_NAME_PATTERN.test(n)))) {
    fail('COCALC_EMBED_PROJECT_NAMES', 'must be a comma-separated list of project names (letters, digits, ".", "_", "-")');
  }
  const databaseUrl = get('COCALC_EMBED_DATABASE_URL') ?? null;
  if (databaseUrl !== null && !isPostgresUrl(databaseUrl)) {
    fail('COCALC_EMBED_DATABASE_URL', 'must be a postgres:// or postgresql:// connection string (unset it for the SQLite file)');
  }
  const logLevel = oneOf('LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'info');

  const config: ServerConfig = {
    cocalcUrl,
    apiUrl,
    apiKey,
    apiKeyAuth: oneOf('COCALC_API_KEY_AUTH', ['basic', 'bearer'] as const, 'basic'),
    v1Form: flag('COCALC_API_V1_FORM', false),
    api: oneOf('COCALC_API', ['auto', 'v1', 'modern'] as const, 'auto'),
    // The eras come from the protocol's one list, so a new era needs no edit here.
    signIn: oneOf<'auto' | SignInEra>('COCALC_SIGN_IN', ['auto', ...SIGN_IN_ERAS], 'auto'),
    dataDir: resolve(get('COCALC_EMBED_DATA_DIR') ?? defaultDataDir()),
    databaseUrl,
    migrate: oneOf('COCALC_EMBED_MIGRATE', ['on-start', 'manual'] as const, 'on-start'),
    port: int('PORT', 8787, 0, 65_535),
    host: get('HOST') ?? '127.0.0.1',
    projectMode: oneOf('COCALC_EMBED_PROJECT_MODE', ['per-user', 'per-notebook'] as const, 'per-user'),
    templateDir: templateProjectId ? null : templateDir,
    templateProjectId,
    templatePaths,
    sessionSecret: secretSetting ?? randomBytes(32).toString('base64url'),
    sessionSecretGenerated: secretSetting === undefined,
    demoAuth: flag('COCALC_EMBED_DEMO_AUTH', false),
    demoUsers,
    userAuth: oneOf('COCALC_EMBED_USER_AUTH', ['admin', 'password'] as const, 'admin'),
    tokenTtlSeconds: ttl,
    upstreamTimeoutMs: int('COCALC_UPSTREAM_TIMEOUT_MS', 10_000, 100, 14_000),
    upstreamMaxConcurrency: int('COCALC_UPSTREAM_MAX_CONCURRENCY', 20, 1, 1000),
    upstreamMaxQueue: int('COCALC_UPSTREAM_MAX_QUEUE', 100, 0, 100_000),
    breakerThreshold: int('COCALC_BREAKER_THRESHOLD', 5, 1, 1000),
    breakerCooldownMs: int('COCALC_BREAKER_COOLDOWN_MS', 2_000, 100, 600_000),
    breakerMaxCooldownMs: int('COCALC_BREAKER_MAX_COOLDOWN_MS', 30_000, 100, 3_600_000),
    rateUserPerMinute: int('COCALC_EMBED_RATE_USER_PER_MIN', 10, 1, 1_000_000),
    rateUserBurst: int('COCALC_EMBED_RATE_USER_BURST', 5, 1, 1_000_000),
    rateIpPerMinute: int('COCALC_EMBED_RATE_IP_PER_MIN', 60, 1, 10_000_000),
    rateIpBurst: int('COCALC_EMBED_RATE_IP_BURST', 30, 1, 10_000_000),
    trustedProxies,
    allowedOrigins,
    allowSameSite: flag('COCALC_EMBED_ALLOW_SAME_SITE', true),
    projectStartTtlSeconds: int('COCALC_EMBED_PROJECT_START_TTL_SECONDS', 600, 0, 86_400),
    emailDomain,
    firstProject: oneOf('COCALC_EMBED_FIRST_PROJECT', ['stop', 'delete', 'keep'] as const, 'stop'),
    provisionWaitMs: int('COCALC_EMBED_PROVISION_WAIT_MS', 5_000, 0, 9_000),
    maxProjectsPerUser: int('COCALC_EMBED_MAX_PROJECTS_PER_USER', 10, 1, 100_000),
    projectNames,
    logLevel,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

function isPostgresUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && (url.hostname !== '' || url.searchParams.has('host'));
  } catch {
    return false;
  }
}

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}
