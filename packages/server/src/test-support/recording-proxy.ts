import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A pass-through proxy to `target` (the emulator) that tells `onRequest` each request's path as
 * it arrives, before forwarding it: tests count CoCalc calls, or kill the backend at exactly that
 * point (the emulator still gets and carries out the request, as CoCalc would after its client died).
 */
export async function startRecordingProxy(target: string, onRequest: (path: string) => void): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      onRequest(req.url ?? '');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'connection') headers[k] = v;
      fetch(`${target}${req.url}`, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined, redirect: 'manual' })
        .then(async (answer) => {
          const body = Buffer.from(await answer.arrayBuffer());
          const out: Record<string, string | string[]> = { 'content-type': answer.headers.get('content-type') ?? 'application/json' };
          const cookies = answer.headers.getSetCookie();
          if (cookies.length) out['set-cookie'] = cookies;
          res.writeHead(answer.status, out).end(body);
        })
        .catch(() => res.destroy());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
