import { request } from 'node:http';

/** What {@link chunkedPost} saw. */
export interface ChunkedPostResult {
  readonly status: number;
  readonly body: string;
  /** Body bytes written to the socket before the response head arrived. */
  readonly sentBeforeResponse: number;
  /** Body bytes the caller wanted to send. */
  readonly total: number;
}

/**
 * POSTs a `total`-byte body with `Transfer-Encoding: chunked` (so no `Content-Length` tells the
 * server the size), writing 64 KiB chunks with back-pressure, and stops writing as soon as the
 * response head arrives. A server that reads the whole body before answering only answers once
 * `sentBeforeResponse === total`; one that counts while reading answers long before.
 */
export function chunkedPost(url: string, path: string, headers: Record<string, string>, total: number): Promise<ChunkedPostResult> {
  const chunk = Buffer.alloc(64 * 1024, 0x61); // 'a' – not JSON, but nothing may get that far
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = request(`${url}${path}`, { method: 'POST', headers: { ...headers, 'transfer-encoding': 'chunked' } });
    req.on('response', (res) => {
      answered = true;
      const sentBeforeResponse = sent;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body, sentBeforeResponse, total });
      });
      res.on('error', reject);
    });
    // The server may close the socket once it has answered; that is what we want it to do.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    const pump = () => {
      while (!answered && sent < total) {
        const piece = total - sent >= chunk.length ? chunk : chunk.subarray(0, total - sent);
        sent += piece.length;
        if (!req.write(piece)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!answered && sent >= total) req.end();
    };
    pump();
  });
}
