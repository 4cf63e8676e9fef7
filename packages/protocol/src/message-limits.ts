/**
 * Caps on inbound kiosk messages (docs/threat-model.md#goal-message-caps). CoCalc's real replies are a few
 * hundred bytes; anything near these limits is junk or an attack and is dropped before parsing.
 */
export const MESSAGE_LIMITS = {
  /** Approximate serialized size, in UTF-16 code units plus a small cost per value. */
  maxSize: 64 * 1024,
  /** Nesting depth of objects and arrays. A status reply is 3 deep. */
  maxDepth: 8,
} as const;

/**
 * True when `data` fits the caps. Walks at most `maxSize` units of work, so a 50 MiB string or an
 * object with 10^5 keys costs no more than a small message before it is refused. Only plain
 * objects, arrays, primitives and `Date` are acceptable; anything else (Map, Blob, ArrayBuffer,
 * class instances) fails the check.
 */
export function withinMessageLimits(data: unknown, limits: typeof MESSAGE_LIMITS = MESSAGE_LIMITS): boolean {
  let budget = limits.maxSize;
  const stack: Array<[unknown, number]> = [[data, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    budget -= 8;
    if (budget < 0) return false;
    if (value === null || value === undefined || typeof value === 'boolean' || typeof value === 'number') continue;
    if (typeof value === 'string') {
      budget -= value.length;
      if (budget < 0) return false;
      continue;
    }
    if (typeof value !== 'object') return false; // bigint, symbol, function cannot be structured-cloned anyway
    if (value instanceof Date) continue;
    if (depth >= limits.maxDepth) return false;
    if (Array.isArray(value)) {
      if (value.length * 8 > budget) return false;
      for (const item of value) stack.push([item, depth + 1]);
      continue;
    }
    if (!isPlainObject(value)) return false;
    let count = 0;
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      budget -= key.length + 8;
      if (budget < 0 || ++count * 8 > limits.maxSize) return false;
      stack.push([(value as Record<string, unknown>)[key], depth + 1]);
    }
  }
  return true;
}

/** True for `{}`-style objects (prototype `Object.prototype` or `null`), false for arrays and class instances. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
