import { randomInt } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * `length` random letters and digits, like CoCalc's `random_key.generate(n)`
 * (docs/cocalc-protocol.md#auth-tokens). Uses `randomInt` so every character is uniform (no modulo bias).
 */
export function randomKey(length: number): string {
  let key = '';
  for (let i = 0; i < length; i++) key += ALPHABET[randomInt(ALPHABET.length)];
  return key;
}
