import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createStore } from './create-store.js';
import { createTokenApp, type TokenApp, type TokenAppOptions } from './token-app.js';

/** Options of {@link startServer}: the app's options plus where to listen. */
export interface StartServerOptions extends TokenAppOptions {
  /** Port; default `config.port`. `0` picks a free one (tests). */
  port?: number;
  /** Interface; default `config.host` (127.0.0.1). */
  host?: string;
}

/** A listening token backend. */
export interface RunningServer {
  /** `http://host:port`. */
  readonly url: string;
  /** The Hono app behind it. */
  readonly app: TokenApp;
  /**
   * Graceful shutdown (docs/threat-model.md#shutdown, #goal-shutdown): `/readyz` turns 503 `draining` at
   * once and every other new request gets 503 `SHUTTING_DOWN`, while the server keeps listening so
   * health probes see that answer rather than a refused connection. When no request is in flight
   * (or after the upstream timeout + 2 s) it stops listening, cuts what is left and closes the
   * store. Resolves `true` if it drained.
   */
  close(): Promise<boolean>;
}

/**
 * Starts the token backend on a Node HTTP server. Without `options.store` it opens the configured
 * one ({@link createStore}: PostgreSQL or SQLite, schema migrated or checked) and closes it on close.
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const store = options.store ?? (await createStore(options.config, { logger: options.logger }));
  let app: TokenApp;
  try {
    app = createTokenApp({ ...options, store, ownStore: options.store === undefined || options.ownStore === true });
  } catch (error) {
    if (options.store === undefined) await store.close();
    throw error;
  }
  const port = options.port ?? options.config.port;
  const hostname = options.host ?? options.config.host;
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname }, () => resolve(s as Server)) as Server;
    s.once('error', reject);
  });
  // Keep-alive sockets must not outlive a drain: Node ≥ 19 closes idle ones on server.close().
  server.keepAliveTimeout = 5_000;
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<boolean> | undefined;

  return {
    url: `http://${host}:${address.port}`,
    app,
    close() {
      closing ??= (async () => {
        app.embed.startDraining();
        const deadline = Date.now() + options.config.upstreamTimeoutMs + 2_000;
        // Keep accepting while draining: new requests are answered 503 at once by the app.
        let drained = await app.embed.waitIdle(deadline - Date.now());
        let closed = false;
        const done = new Promise<void>((resolve) => server.close(() => resolve())).then(() => {
          closed = true;
        });
        // server.close() stops accepting and waits for open connections. Keep-alive sockets go
        // idle after their last response; reap them as they do, until the drain deadline.
        while (!closed && Date.now() < deadline) {
          if (app.embed.inFlight === 0) server.closeIdleConnections();
          await Promise.race([done, new Promise((r) => setTimeout(r, 50))]);
        }
        drained &&= closed;
        if (!closed) {
          server.closeAllConnections();
          await done;
        }
        await app.embed.close();
        return drained;
      })();
      return closing;
    },
  };
}
