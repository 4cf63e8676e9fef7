import { createHash } from 'node:crypto';

/**
 * SHA-256 of a bearer secret (API key, auth token, remember_me value). The store keeps only
 * digests, so the state file on disk never holds a usable secret (CoCalc likewise stores
 * remember_me hashes, docs/cocalc-protocol.md#base-path-and-cookies).
 */
export function secretDigest(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
