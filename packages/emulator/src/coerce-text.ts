/**
 * A request field as text the way CoCalc's JavaScript reads it: a string as is, nothing as `''`,
 * anything else through `String()` (so a number or an array is coerced, not refused).
 */
export function coerceText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- coercing like CoCalc is the point
  return String(value);
}
