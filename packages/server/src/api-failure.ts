import type { Context } from 'hono';
import type { ApiErrorCode } from './api-error-code.js';

/** The part of a Hono context an answer needs (any route's context has it, whatever its input). */
type Answering = Pick<Context, 'header' | 'json'>;

/** Answers the backend's JSON error body `{error:{code,message}}` with `status` and extra `headers`. */
export function apiFailure(c: Answering, status: number, code: ApiErrorCode, message: string, headers: Record<string, string> = {}): Response {
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  return c.json({ error: { code, message } }, status as 400);
}
