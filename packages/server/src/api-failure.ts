import type { Context } from 'hono';
import type { ApiErrorCode } from './api-error-code.js';

/** Answers the backend's JSON error body `{error:{code,message}}` with `status` and extra `headers`. */
export function apiFailure(c: Context, status: number, code: ApiErrorCode, message: string, headers: Record<string, string> = {}): Response {
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  return c.json({ error: { code, message } }, status as 400);
}
