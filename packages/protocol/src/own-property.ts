/**
 * `object[key]` when `key` is an own property, else `undefined`: never reads through the
 * prototype chain of untrusted message data (a `status` on `Object.prototype` is not a reply's).
 */
export function ownProperty(object: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}
