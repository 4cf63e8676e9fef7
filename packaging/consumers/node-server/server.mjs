// A site's Express app on plain Node (no TypeScript, no tsx): its own pages, and the token
// endpoint from @cocalc-embed/server mounted the way the server README says.
import express from 'express';
import { getRequestListener } from '@hono/node-server';
import { createTokenApp, loadConfig } from '@cocalc-embed/server';

const tokenApp = createTokenApp({
  config: loadConfig(process.env),
  // The site's own sign-in. Here: a cookie the test sets; a real site asks its session store.
  authenticate: async (request) => {
    const user = /(?:^|;\s*)site_user=([a-z]+)/.exec(request.headers.get('cookie') ?? '')?.[1];
    return user ? { userId: user } : null;
  },
});
const listener = getRequestListener(tokenApp.fetch);

const app = express();
// `all`, not `use`: the token app sees the full path.
app.all('/api/cocalc/token', (req, res) => listener(req, res));
app.all('/api/cocalc/token/revoke', (req, res) => listener(req, res));
for (const [mount, dir] of Object.entries(JSON.parse(process.env.SITE_STATIC ?? '{}'))) app.use(mount, express.static(dir));

const server = app.listen(Number(process.env.SITE_PORT ?? 0), '127.0.0.1', () => {
  console.log(`site listening on http://localhost:${server.address().port}`);
});
process.once('SIGTERM', () => {
  server.close();
  void tokenApp.embed.close().then(() => process.exit(0));
});
