/**
 * A web instance for the P5 benchmark (tests/bench/p5-scale-out.ts): the real live-events route
 * (app/api/runs/[id]/events, through lib/http's route() and lib/sse) served by node:http, without
 * the rest of Next.js, so the benchmark needs no production build. Imported by the benchmark's own
 * process (in-process mode: the bus is this process's memory) and run as a child process (PostgreSQL
 * mode: the events come from another process through the database), printing `LISTENING <port>`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';

export async function serveEventsRoute(): Promise<{ port: number; close(): Promise<void> }> {
  const { GET } = await import('@/app/api/runs/[id]/events/route');
  const server = http.createServer((req, res) => {
    const m = /^\/api\/runs\/([A-Za-z0-9_-]+)\/events$/.exec(req.url ?? '');
    if (!m) {
      res.writeHead(404).end();
      return;
    }
    const ac = new AbortController();
    res.on('close', () => ac.abort());
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
    const request = new Request(`http://127.0.0.1${req.url}`, { headers, signal: ac.signal });
    void GET(request, { params: Promise.resolve({ id: m[1] }) }).then(
      (r: Response) => {
        res.writeHead(r.status, Object.fromEntries(r.headers));
        res.flushHeaders();
        if (!r.body) return void res.end();
        Readable.fromWeb(r.body as import('node:stream/web').ReadableStream).pipe(res);
      },
      (e: Error) => res.writeHead(500).end(e.message),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

if (process.argv[1]?.endsWith('p5-web.ts')) {
  const { port } = await serveEventsRoute();
  console.log(`LISTENING ${port}`);
}
