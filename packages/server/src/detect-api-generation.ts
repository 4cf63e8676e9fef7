import { CocalcModernClient } from './cocalc-modern-client.js';
import { CocalcV1Client } from './cocalc-v1-client.js';
import type { ApiGeneration } from './cocalc-api.js';
import { UpstreamError } from './upstream-error.js';
import type { UpstreamTransport } from './upstream-transport.js';

/**
 * Finds out which API a CoCalc server speaks (cocalc-reference.md §3.5: "feature-detect rather
 * than assume"): `POST /api/v1/ping` answering `pong` ⇒ `v1`; otherwise `system.ping` over
 * `/api/conat/hub` answering `{now}` ⇒ `modern`. A down or broken server throws the first
 * health error (so nothing wrong gets cached); a server that answers neither throws `invalid`.
 */
export async function detectApiGeneration(transport: UpstreamTransport): Promise<ApiGeneration> {
  let v1Failure: UpstreamError | undefined;
  try {
    await new CocalcV1Client(transport).ping();
    return 'v1';
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    if (error.kind === 'network' || error.kind === 'timeout' || error.kind === 'unavailable') throw error;
    // A 5xx says CoCalc is broken, not which API it speaks.
    if (error.kind === 'http' && (error.status ?? 0) >= 500) throw error;
    // A 400 {error:"…API key…"} is a real v1 answer with a bad key: don't mistake it for "modern".
    if (error.kind === 'semantic' && /api key|authentication/i.test(error.upstreamMessage ?? '')) throw error;
    v1Failure = error;
  }
  try {
    await new CocalcModernClient(transport).ping();
    return 'modern';
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    // The bridge answered JSON but does not know system.ping (older or trimmed builds): it is
    // still the conat bridge, so the server is modern.
    if (error.kind === 'semantic' && /unknown .*function/i.test(error.upstreamMessage ?? '')) return 'modern';
    if (error.kind === 'semantic' && /api key|signed in/i.test(error.upstreamMessage ?? '')) throw error;
    if (error.kind === 'semantic' || error.kind === 'invalid' || error.kind === 'http') {
      throw new UpstreamError('invalid', 'detect', 'CoCalc answered neither API v1 ping nor the conat hub', {
        status: error.status ?? v1Failure.status,
        upstreamMessage: error.upstreamMessage ?? v1Failure.upstreamMessage,
      });
    }
    throw error;
  }
}
