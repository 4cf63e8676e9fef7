import { createServer, request, type Server } from 'node:http';
import { connect } from 'node:net';

/**
 * A forward proxy that is the strict deployment's DNS for Firefox, which cannot remap host names
 * itself (Chromium has --host-resolver-rules; WebKit's driver gets its own /etc/hosts). It tunnels
 * CONNECT and forwards plain http to the address `hosts` maps the name to, keeping the port, and
 * refuses every other host (403), so a test can never reach anything but the deployment.
 */
export async function startHostMapProxy(port: number, hosts: Readonly<Record<string, string>>): Promise<{ close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute URL expected');
      return;
    }
    const address = hosts[target.hostname];
    if (!address || target.protocol !== 'http:') {
      res.writeHead(403).end(`host-map proxy: ${target.host} is not part of this deployment`);
      return;
    }
    const upstream = request(
      { host: address, port: target.port || 80, method: req.method, path: target.pathname + target.search, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  // Tunnels leave the HTTP server's bookkeeping, so close() ends them itself.
  const tunnels = new Set<{ destroy(): void }>();
  server.on('connect', (req, socket, head) => {
    tunnels.add(socket);
    socket.once('close', () => tunnels.delete(socket));
    const [host, portText] = (req.url ?? '').split(':');
    const address = host ? hosts[host] : undefined;
    if (!address) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = connect(Number(portText) || 443, address, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    async close() {
      for (const socket of tunnels) socket.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
