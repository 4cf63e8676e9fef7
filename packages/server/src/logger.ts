/** Severity of a log line, lowest first. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A structured logger: one JSON object per line, secrets redacted before anything is written. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /**
   * Registers a value that must never appear in output: every secret the backend generates or
   * sends (a generated CoCalc password, a minted token). It is replaced wherever it turns up,
   * including inside strings such as upstream error texts. Values shorter than 6 characters are
   * ignored (they would redact ordinary words).
   */
  addSecret(secret: string): void;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Lowest level written; default `info`. */
  level?: LogLevel;
  /** Where each JSON line goes; default `process.stderr`. Tests pass a collector. */
  write?: (line: string) => void;
  /** Exact values to scrub from every line (the API key, the session secret). */
  secrets?: readonly string[];
}

/** Field names whose values are always replaced, whatever they contain, at any depth. */
const SECRET_FIELD = /^(token|auth_?token|api_?key|apikey|authorization|cookie|set-cookie|secret|session_?secret)$|passw(or)?d/i;
/** CoCalc API keys (`sk-…` / `sk_…`) anywhere in a string, even ones we were not told about. */
const API_KEY_SHAPE = /sk[-_][A-Za-z0-9]{8,}/g;
/** Anything shaped like a CoCalc auth token (24 letters/digits standing alone). */
const TOKEN_SHAPE = /(?<![A-Za-z0-9])[A-Za-z0-9]{24}(?![A-Za-z0-9])/g;
const REDACTED = '[REDACTED]';
/** Longest string value written, counted after redaction so a cut can never leave part of a secret. */
const MAX_STRING = 400;
/** Registered secrets kept at most (the most recent win): each is searched for in every line. */
const MAX_SECRETS = 10_000;

/**
 * The string values of every field named like a password (at any depth) in `value`: what an
 * upstream call carries that must be registered with {@link Logger.addSecret} before it is sent,
 * because a server may quote its request back in an error.
 */
export function passwordFieldValues(value: unknown, depth = 0): string[] {
  if (depth > 8 || value === null || typeof value !== 'object') return [];
  const found: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string' && /passw(or)?d/i.test(key)) found.push(v);
    else found.push(...passwordFieldValues(v, depth + 1));
  }
  return found;
}

/**
 * Creates a JSON-lines logger. Three layers (docs/threat-model.md#api-key-exposure): fields named like secrets
 * are replaced at any depth; every string value has the registered secrets replaced *before* it
 * is escaped for JSON and before long texts are cut, so neither escaping nor a cut can let part of
 * one through; and the serialised line is scrubbed once more for registered secrets, API-key and
 * token shapes. A hand-written sanitiser rather than pino's `redact`: that one takes fixed paths
 * (no "any depth") and does not look inside strings, which is where an upstream error quotes a
 * password.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const min = LOG_LEVELS.indexOf(options.level ?? 'info');
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const secrets = new Set<string>();
  const addSecret = (secret: string) => {
    if (typeof secret !== 'string' || secret.length < 6) return;
    secrets.delete(secret); // re-insert as newest
    if (secrets.size >= MAX_SECRETS) secrets.delete(secrets.values().next().value as string);
    secrets.add(secret);
  };
  for (const secret of options.secrets ?? []) addSecret(secret);
  const scrub = (text: string): string => {
    for (const secret of secrets) if (text.includes(secret)) text = text.split(secret).join(REDACTED);
    return text;
  };

  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (LOG_LEVELS.indexOf(level) < min) return;
    const line = JSON.stringify({ time: new Date().toISOString(), level, msg: clean(msg, 0, scrub), ...sanitize(fields ?? {}, 0, scrub) });
    write(scrub(line).replace(API_KEY_SHAPE, REDACTED).replace(TOKEN_SHAPE, REDACTED));
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    addSecret,
  };
}

/** A logger that drops everything (library default when the caller passes none). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  addSecret() {},
};

type Scrub = (text: string) => string;

function sanitize(value: Record<string, unknown>, depth: number, scrub: Scrub): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = SECRET_FIELD.test(key) ? REDACTED : clean(v, depth + 1, scrub);
  return out;
}

function clean(value: unknown, depth: number, scrub: Scrub): unknown {
  if (typeof value === 'string') {
    const text = scrub(value);
    return text.length > MAX_STRING ? `${text.slice(0, MAX_STRING)}…` : text;
  }
  if (depth > 5) return '[…]';
  // Errors: keep name/message/code only; a stack or `cause` may quote request options (headers!).
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: clean(value.message, depth + 1, scrub), ...(typeof code === 'string' ? { code } : {}) };
  }
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => clean(v, depth + 1, scrub));
  if (value !== null && typeof value === 'object') return sanitize(value as Record<string, unknown>, depth, scrub);
  return value;
}
