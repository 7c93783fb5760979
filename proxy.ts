/**
 * Runs before every request (Next.js 16 "proxy", formerly middleware). It does three cheap things and
 * no authorization: that is route() for the API and requirePage() for pages, which check the session
 * in the database. Here:
 *  - security headers on every response, and a per-request CSP nonce for pages (lib/auth/security-headers);
 *  - the requested path handed to pages (requirePage uses it for /login?next=);
 *  - a page request without any session cookie goes straight to /login (a fast path, not the guard).
 */
import { NextResponse, type NextRequest } from 'next/server';
import { config as appConfig } from '@/lib/env';
import { API_CSP, commonSecurityHeaders, pageCsp, PATH_HEADER, sessionCookieNameFor } from '@/lib/auth/security-headers';
/** pages anyone may open */
const OPEN_PAGES = ['/login', '/setup'];

export function proxy(request: NextRequest) {
  const cfg = appConfig();
  const secure = cfg.auth.secureCookies;
  const { pathname, search } = request.nextUrl;
  const isApi = pathname === '/api' || pathname.startsWith('/api/');
  const isPage = !isApi && !pathname.startsWith('/_next/');

  let res: NextResponse;
  let csp: string;
  if (isPage) {
    // Files (the icon, robots.txt, public/) are not pages: they need no sign-in and no redirect.
    const isFile = /\.[A-Za-z0-9]{1,12}$/.test(pathname.slice(pathname.lastIndexOf('/') + 1));
    const open = isFile || OPEN_PAGES.some((p) => pathname === p || pathname.startsWith(`${p}/`));
    if (!open && !request.cookies.has(sessionCookieNameFor(secure))) {
      const login = new URL('/login', request.url);
      login.searchParams.set('next', `${pathname}${search}`);
      res = NextResponse.redirect(login);
      csp = pageCsp({ dev: cfg.dev, secure });
    } else {
      const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
      csp = pageCsp({ nonce, dev: cfg.dev, secure });
      const headers = new Headers(request.headers);
      headers.set('content-security-policy', csp); // Next.js reads the nonce from here
      headers.set(PATH_HEADER, `${pathname}${search}`);
      res = NextResponse.next({ request: { headers } });
    }
  } else {
    // Never let a client hand pages a forged path header through the API or assets either.
    const headers = new Headers(request.headers);
    headers.delete(PATH_HEADER);
    res = NextResponse.next({ request: { headers } });
    csp = isApi ? API_CSP : pageCsp({ dev: cfg.dev, secure });
  }
  res.headers.set('content-security-policy', csp);
  for (const [k, v] of Object.entries(commonSecurityHeaders(secure))) res.headers.set(k, v);
  return res;
}

export const config = {
  // Everything but build assets (they get their headers from next.config.mjs) and prefetches, and the
  // capture upload: Next.js buffers the body of every request the proxy sees, and cuts it at 10 MB
  // (proxyClientMaxBodySize); the upload route streams up to 256 MB itself (its auth is route()'s).
  matcher: [
    {
      source: '/((?!_next/static|_next/image|favicon.ico|api/reports/import).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
};
