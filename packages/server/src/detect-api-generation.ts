import { CocalcModernClient } from './cocalc-modern-client.js';
import { CocalcV1Client } from './cocalc-v1-client.js';
import type { ApiGeneration } from './cocalc-api.js';
import { UpstreamError } from './upstream-error.js';
import type { UpstreamTransport } from './upstream-transport.js';

/**
 * Finds out which API a CoCalc server speaks, asking the current one first: `system.ping` over
 * `/api/conat/hub` answering `{now}` (or "unknown … function": still the conat bridge) ⇒
 * `modern`. Only when that route is clearly absent (a 404/405 page, a non-JSON answer) is the old
 * API asked: `POST /api/v1/ping` answering `pong` ⇒ `v1`. Current CoCalc therefore never sees an
 * `/api/v1` request (on a real server that was a 404 HTML round trip, 23 s on a cold one).
 *
 * Probes never run one after the other on a slow or broken server: a timeout, network error, open
 * breaker or 5xx on the first probe is thrown at once (nothing is cached, the next request asks
 * again), so a slow server costs at most one upstream timeout. A wrong key is thrown as well,
 * never mistaken for the other generation. A server that answers neither throws `invalid`.
 */
export async function detectApiGeneration(transport: UpstreamTransport): Promise<ApiGeneration> {
  let modernFailure: UpstreamError;
  try {
    await new CocalcModernClient(transport).ping();
    return 'modern';
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    if (error.kind === 'semantic' && /unknown .*function/i.test(error.upstreamMessage ?? '')) return 'modern';
    if (!routeIsAbsent(error)) throw error;
    modernFailure = error;
  }
  try {
    await new CocalcV1Client(transport).ping();
    return 'v1';
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    if (error.kind === 'network' || error.kind === 'timeout' || error.kind === 'unavailable') throw error;
    if (error.kind === 'http' && (error.status ?? 0) >= 500) throw error;
    // A 400 {error:"…API key…"} is a real v1 answer with a bad key: report it as such.
    if (error.kind === 'semantic' && /api key|authentication/i.test(error.upstreamMessage ?? '')) throw error;
    throw new UpstreamError('invalid', 'detect', 'CoCalc answered neither the conat hub nor API v1 ping', {
      status: error.status ?? modernFailure.status,
      upstreamMessage: error.upstreamMessage ?? modernFailure.upstreamMessage,
    });
  }
}

/**
 * Whether a failed conat probe says "this server has no conat bridge" (so asking API v1 is worth a
 * request) rather than "the server is slow, down, broken or refused the key" (asking again
 * elsewhere would only add a second wait, or hide the real problem).
 */
function routeIsAbsent(error: UpstreamError): boolean {
  switch (error.kind) {
    case 'http':
      // Next.js / Express answer a missing route with a 404 (or 405) page.
      return error.status === 404 || error.status === 405;
    case 'invalid':
      // 2xx but not the bridge's JSON (an SPA fallback page, a proxy's placeholder).
      return true;
    case 'semantic':
      // A JSON 404 / 405 from a router that is not the bridge. A 200 {error} is the bridge itself
      // refusing (wrong key, not an admin): thrown as it is.
      return error.status === 404 || error.status === 405;
    default:
      return false;
  }
}
