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
  /** Registers another value that must never appear in output (for example a minted token). */
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

/** Field names whose values are always replaced, whatever they contain. */
const SECRET_FIELD = /^(token|auth_?token|api_?key|apikey|password|authorization|cookie|set-cookie|secret|session_?secret)$/i;
/** CoCalc API keys (`sk-…` / `sk_…`) anywhere in a string, even ones we were not told about. */
const API_KEY_SHAPE = /sk[-_][A-Za-z0-9]{8,}/g;
/** Anything shaped like a CoCalc auth token (24 letters/digits standing alone). */
const TOKEN_SHAPE = /(?<![A-Za-z0-9])[A-Za-z0-9]{24}(?![A-Za-z0-9])/g;
const REDACTED = '[REDACTED]';

/**
 * Creates a JSON-lines logger. Redaction happens on the serialised line as a last line of defence,
 * so an error message that happens to embed a key (for example an upstream body) is scrubbed too
 * (security-reference.md E2).
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const min = LOG_LEVELS.indexOf(options.level ?? 'info');
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const secrets = new Set((options.secrets ?? []).filter((s) => s.length >= 6));

  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (LOG_LEVELS.indexOf(level) < min) return;
    let line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...sanitize(fields ?? {}, 0) });
    for (const secret of secrets) line = line.split(secret).join(REDACTED);
    write(line.replace(API_KEY_SHAPE, REDACTED).replace(TOKEN_SHAPE, REDACTED));
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    addSecret: (secret) => {
      if (secret.length >= 6) secrets.add(secret);
    },
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

function sanitize(value: Record<string, unknown>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = SECRET_FIELD.test(key) ? REDACTED : clean(v, depth + 1);
  return out;
}

function clean(value: unknown, depth: number): unknown {
  if (depth > 5) return '[…]';
  // Errors: keep name/message/code only; a stack or `cause` may quote request options (headers!).
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(typeof code === 'string' ? { code } : {}) };
  }
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => clean(v, depth + 1));
  if (value !== null && typeof value === 'object') return sanitize(value as Record<string, unknown>, depth);
  return value;
}
