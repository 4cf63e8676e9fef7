import { isValidUuid } from '@cocalc-embed/protocol';
import { UpstreamError } from './upstream-error.js';

/** The error for a CoCalc answer of the right status but the wrong shape (both API clients). */
export function malformedAnswer(endpoint: string, why: string): UpstreamError {
  return new UpstreamError('invalid', endpoint, `CoCalc's ${endpoint} answer is malformed: ${why}`);
}

/** `m[field]` as a lower-case UUID, or a {@link malformedAnswer} naming the field. */
export function uuidField(m: Record<string, unknown>, field: string, endpoint: string): string {
  const value = m[field];
  if (!isValidUuid(value)) throw malformedAnswer(endpoint, `"${field}" is not a UUID`);
  return value.toLowerCase();
}
