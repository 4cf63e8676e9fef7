import type { ServerResponse } from 'node:http';
import { sendHtml } from './http-io.js';

/**
 * What CoCalc answers for a path nothing handles: the hub hands it to Next.js, which renders its
 * 404 page (HTML, status 404). After 2025-05-29 (`c7956b57`) this is what `/api/v1/*` gets, and on
 * servers before 2025-08-28 also `/api/conat/*` and, before 2024-10-19, `/auth/impersonate`.
 */
export function sendNotFoundPage(res: ServerResponse): void {
  sendHtml(
    res,
    404,
    `<!DOCTYPE html><html><head><meta charset="utf-8"><title>404: This page could not be found</title></head>` +
      `<body><div><h1>404</h1><div><h2>This page could not be found.</h2></div></div></body></html>`,
  );
}
