import type { ServerResponse } from 'node:http';
import { escapeHtml, sendHtml } from './http-io.js';

/**
 * The HTML page Express's default error handler (`finalhandler`, production mode) sends, e.g. when
 * `express.json()` rejects a body: CoCalc's v1 API answers malformed or oversized bodies this way,
 * before its own JSON error handling runs.
 */
export function sendExpressErrorPage(res: ServerResponse, status: number, statusText: string): void {
  sendHtml(
    res,
    status,
    `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Error</title>
</head>
<body>
<pre>${escapeHtml(statusText)}</pre>
</body>
</html>
`,
    { 'content-security-policy': "default-src 'none'", 'x-content-type-options': 'nosniff' },
  );
}
