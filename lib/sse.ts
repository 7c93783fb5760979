/**
 * Server-sent events with an owner for every resource: a ping keeps proxies from closing an idle
 * stream, a hard limit ends forgotten streams, the client's disconnect (request.signal) and the
 * producer's `close()` both run the same cleanup, and `send` after close is a no-op.
 */
export interface SseStream {
  send(event: string, data: unknown): void;
  close(): void;
  readonly closed: boolean;
}

export function sseResponse(
  request: Request,
  start: (stream: SseStream) => (() => void) | void,
  opts: { pingMs?: number; maxLifetimeMs?: number } = {},
): Response {
  const encoder = new TextEncoder();
  let cleanup: (() => void) | void;
  let ping: NodeJS.Timeout | undefined;
  let lifetime: NodeJS.Timeout | undefined;
  let closed = false;
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | undefined;

  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(ping);
    clearTimeout(lifetime);
    request.signal.removeEventListener('abort', close);
    try {
      cleanup?.();
    } catch {
      /* cleanup must not throw into the stream machinery */
    }
    try {
      controllerRef?.close();
    } catch {
      /* already closed by the client */
    }
  };
  const stream: SseStream = {
    send(event, data) {
      if (closed || !controllerRef) return;
      try {
        controllerRef.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
      } catch {
        close();
      }
    },
    close,
    get closed() {
      return closed;
    },
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controllerRef = controller;
      controller.enqueue(encoder.encode('retry: 2000\n\n'));
      ping = setInterval(() => {
        if (!closed) controller.enqueue(encoder.encode(': ping\n\n'));
      }, opts.pingMs ?? 15_000);
      lifetime = setTimeout(close, opts.maxLifetimeMs ?? 30 * 60_000);
      request.signal.addEventListener('abort', close);
      cleanup = start(stream);
    },
    cancel: close,
  });
  return new Response(body, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    },
  });
}
