import type { EmulatorRequest } from './http-io.js';
import { BodyTooLargeError, readBody } from './http-io.js';

/** CoCalc ≥ 2022-07: `express.json()` default limit (docs/cocalc-protocol.md#api-v1). */
export const JSON_BODY_LIMIT = 100 * 1024;
/** CoCalc ≥ 2022-07: `express.urlencoded({limit: "1mb"})`. */
export const FORM_BODY_LIMIT = 1024 * 1024;

/** Why a body could not be parsed, as Express would answer it (status + status text). */
export class BodyParseError extends Error {
  constructor(
    readonly status: number,
    readonly statusText: string,
  ) {
    super(statusText);
  }
}

/**
 * The POST parameters of an API request: a JSON object (`application/json`, ≤ 100 kB) or form
 * fields (`application/x-www-form-urlencoded`, ≤ 1 MB; values arrive as strings, repeated keys and
 * `key[]` become arrays, as `qs` does). Other or missing content types give `{}`, as Express does.
 * The result has a null prototype, so `__proto__` fields are plain data.
 */
export async function readParams(req: EmulatorRequest): Promise<Record<string, unknown>> {
  const type = (req.raw.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const isJson = type === 'application/json' || type.endsWith('+json');
  const isForm = type === 'application/x-www-form-urlencoded';
  if (!isJson && !isForm) {
    req.raw.resume();
    return Object.create(null) as Record<string, unknown>;
  }
  let body: Buffer;
  try {
    body = await readBody(req.raw, isJson ? JSON_BODY_LIMIT : FORM_BODY_LIMIT);
  } catch (err) {
    if (err instanceof BodyTooLargeError) throw new BodyParseError(413, 'Payload Too Large');
    throw new BodyParseError(400, 'Bad Request');
  }
  const text = body.toString('utf8');
  if (isJson) {
    if (text.trim() === '') return Object.create(null) as Record<string, unknown>;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new BodyParseError(400, 'Bad Request');
    }
    // express.json() is strict: only objects and arrays.
    if (typeof parsed !== 'object' || parsed === null) throw new BodyParseError(400, 'Bad Request');
    return Object.assign(Object.create(null), parsed) as Record<string, unknown>;
  }
  const params = Object.create(null) as Record<string, unknown>;
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const isArray = rawKey.endsWith('[]');
    const key = isArray ? rawKey.slice(0, -2) : rawKey;
    const previous = params[key];
    if (previous === undefined) params[key] = isArray ? [value] : value;
    else params[key] = Array.isArray(previous) ? [...(previous as unknown[]), value] : [previous, value];
  }
  return params;
}
