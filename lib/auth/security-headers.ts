/**
 * HTTP security headers, built per response by proxy.ts (pure: unit-tested).
 *
 * Pages get a nonce-based Content Security Policy: Next.js puts the nonce on its own scripts (it reads
 * it from the CSP request header), 'strict-dynamic' lets those load the rest of the bundle, and no
 * other script runs. Styles allow 'unsafe-inline' (React `style` props, d3 and recharts set inline
 * styles; styles cannot run code), so style-src carries no nonce (a nonce would switch that off).
 * API responses get a policy that allows nothing at all.
 */
export interface HeaderOptions {
  nonce?: string;
  /** next dev: React needs eval for its debugging aids */
  dev: boolean;
  /** served over https (BPFDECK_PUBLIC_URL): HSTS, upgrade-insecure-requests */
  secure: boolean;
}

export function pageCsp({ nonce, dev, secure }: HeaderOptions): string {
  const script = [`'self'`, nonce ? `'nonce-${nonce}'` : '', `'strict-dynamic'`, dev ? `'unsafe-eval'` : ''].filter(Boolean).join(' ');
  return [
    `default-src 'self'`,
    `script-src ${script}`,
    `style-src 'self' 'unsafe-inline'`,
    `img-src 'self' data: blob:`,
    `font-src 'self' data:`,
    `connect-src 'self'`,
    `worker-src 'self' blob:`,
    `object-src 'none'`,
    `base-uri 'none'`,
    `form-action 'self'`,
    `frame-ancestors 'none'`,
    ...(secure ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

export const API_CSP = `default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`;

/** Headers for every response (pages, API, static files). */
export function commonSecurityHeaders(secure: boolean): Record<string, string> {
  return {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()',
    ...(secure ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

/** The session cookie's name (mirrors lib/auth/auth.ts: cookiePrefix + better-auth's suffix). */
export function sessionCookieNameFor(secure: boolean): string {
  return `${secure ? '__Secure-' : ''}bpfdeck.session_token`;
}

/** set by proxy.ts on page requests: the path and query the browser asked for (lib/auth/page-guard) */
export const PATH_HEADER = 'x-bpfdeck-path';
