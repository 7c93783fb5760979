/**
 * Cross-site request forgery: a request that changes something and authenticates with a cookie must
 * come from a page of bpfdeck itself. Browsers send Origin on every POST/PUT/PATCH/DELETE (and
 * Sec-Fetch-Site where they support it), and a page on another site cannot forge either. Requests with
 * `Authorization: Bearer` are exempt: a browser never adds that header on its own.
 */
export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type CsrfVerdict = { ok: true } | { ok: false; reason: string };

/**
 * @param publicOrigin BPFDECK_PUBLIC_URL's origin; when unset, the request's own Host is the origin
 */
export function checkSameOrigin(method: string, headers: Headers, publicOrigin: string | undefined): CsrfVerdict {
  if (SAFE_METHODS.has(method.toUpperCase())) return { ok: true };
  const origin = headers.get('origin');
  if (origin && origin !== 'null') {
    let o: URL;
    try {
      o = new URL(origin);
    } catch {
      return { ok: false, reason: 'the Origin header is not a URL' };
    }
    if (publicOrigin) {
      return o.origin === publicOrigin ? { ok: true } : { ok: false, reason: `requests must come from ${publicOrigin}, not ${o.origin}` };
    }
    const host = headers.get('host');
    return host && o.host === host.toLowerCase() ? { ok: true } : { ok: false, reason: `cross-origin request from ${o.origin} refused` };
  }
  // No usable Origin: a browser that sends Fetch Metadata still tells us where the request came from.
  const site = headers.get('sec-fetch-site');
  if (site === 'same-origin') return { ok: true };
  return { ok: false, reason: 'a request that changes something needs a same-origin Origin header (or an API token)' };
}
