/**
 * The benchmark's baseline: a bare `node:http` handler that makes the same upstream call as the
 * token endpoint's hot path (one v1 `user_auth`, same `fetch`, same headers and parsing) and
 * answers JSON. No framework, no checks, no store. Prints its URL as the first stdout line.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

const upstream = process.env.BENCH_UPSTREAM_URL!;
const auth = `Basic ${Buffer.from(`${process.env.COCALC_API_KEY}:`).toString('base64')}`;
const accountId = process.env.BENCH_ACCOUNT_ID!;

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => void answer(res));
});

/** Mints one token upstream and answers it, the least a token backend can do. */
async function answer(res: ServerResponse): Promise<void> {
  try {
    const r = await fetch(`${upstream}/api/v1/user_auth`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ event: 'user_auth', id: randomUUID(), account_id: accountId, password: '' }),
    });
    const body = (await r.json()) as { auth_token?: string };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token: body.auth_token }));
  } catch {
    res.writeHead(502).end();
  }
}

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
