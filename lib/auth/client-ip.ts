/**
 * Who is calling, by network address, for the audit log and sign-in limits.
 *
 * Next.js route handlers never see the socket, and `next start` fills X-Forwarded-For only when the
 * client did not send one - so that header alone is whatever the client says. At server start
 * `installPeerAddressHeader()` (instrumentation.ts) wraps the HTTP server's request event to copy the
 * socket's peer address into a header whose name carries a random per-process secret, overwriting
 * anything a client sent: a client cannot forge a header whose name it does not know.
 *
 * X-Forwarded-For is believed only when the peer is one of BPFDECK_TRUSTED_PROXIES, and then only up to
 * the first address (from the right) that is not itself a trusted proxy.
 */
import 'server-only';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { isIP } from 'node:net';

const g = globalThis as unknown as { __bpfdeckPeerHeader?: string };

/** The name of the header carrying the socket peer; undefined until installed in this process. */
export function peerHeaderName(): string | undefined {
  return g.__bpfdeckPeerHeader;
}

export function installPeerAddressHeader(): void {
  if (g.__bpfdeckPeerHeader) return;
  const name = `x-bpfdeck-peer-${randomBytes(12).toString('hex')}`;
  g.__bpfdeckPeerHeader = name;
  const proto = http.Server.prototype as unknown as { emit: (event: string, ...args: unknown[]) => boolean };
  const original = proto.emit;
  proto.emit = function emit(this: http.Server, event: string, ...args: unknown[]) {
    if (event === 'request') {
      const req = args[0] as http.IncomingMessage;
      req.headers[name] = normalizeIp(req.socket?.remoteAddress ?? '') ?? 'unknown';
    }
    return original.call(this, event, ...args);
  };
}

/** "::ffff:127.0.0.1" -> "127.0.0.1"; anything that is not an IP address -> undefined */
export function normalizeIp(raw: string): string | undefined {
  let s = raw.trim();
  if (s.startsWith('[') && s.includes(']')) s = s.slice(1, s.indexOf(']'));
  if (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(s)) s = s.slice(7);
  return isIP(s) ? s.toLowerCase() : undefined;
}

/**
 * The client address: the socket peer, or (behind a trusted proxy) the right-most X-Forwarded-For
 * entry that is not a trusted proxy. `peer` is undefined when the peer header is not installed (unit
 * tests, scripts): the result is then "unknown", never a client-supplied value.
 */
export function resolveClientIp(peer: string | undefined, forwardedFor: string | null, trustedProxies: readonly string[]): string {
  const p = peer ? normalizeIp(peer) : undefined;
  if (!p) return 'unknown';
  const trusted = new Set(trustedProxies.map((t) => normalizeIp(t) ?? t));
  if (!trusted.has(p) || !forwardedFor) return p;
  const hops = forwardedFor
    .split(',')
    .map((s) => normalizeIp(s))
    .reverse();
  for (const hop of hops) {
    if (!hop) return p; // a malformed entry: believe nothing further left of it
    if (!trusted.has(hop)) return hop;
  }
  return p;
}

export function clientIpOf(req: Request, trustedProxies: readonly string[]): string {
  const name = peerHeaderName();
  return resolveClientIp(name ? (req.headers.get(name) ?? undefined) : undefined, req.headers.get('x-forwarded-for'), trustedProxies);
}
