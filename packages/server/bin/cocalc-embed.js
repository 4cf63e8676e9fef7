#!/usr/bin/env node
// The published `cocalc-embed` command: the compiled CLI on plain Node 20.19+ (no tsx). In the
// repository, `pnpm --filter @cocalc-embed/server start` runs the TypeScript source instead.
import '../dist/cli.js';
