/**
 * Reads an HTTP `Retry-After` header (delta-seconds or an HTTP date) as milliseconds from now,
 * or `undefined` when absent or unreadable. Capped at 10 minutes so a hostile header cannot park
 * an element forever.
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text) * 1000;
  else {
    const date = Date.parse(text);
    if (Number.isNaN(date)) return undefined;
    ms = date - now;
  }
  return Math.min(Math.max(ms, 0), 10 * 60_000);
}
