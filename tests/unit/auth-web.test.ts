/** CSRF origin checks, client address resolution, security headers, roles. */
import { describe, expect, it } from 'vitest';
import { checkSameOrigin } from '@/lib/auth/csrf';
import { normalizeIp, resolveClientIp } from '@/lib/auth/client-ip';
import { API_CSP, commonSecurityHeaders, pageCsp } from '@/lib/auth/security-headers';
import { minRole, parseRole, roleAtLeast } from '@/lib/auth/roles';
import { safeNext } from '@/lib/auth/redirect';

const h = (o: Record<string, string>) => new Headers(o);

describe('CSRF: cookie-authenticated changes must come from bpfdeck itself', () => {
  it('lets safe methods through', () => {
    for (const m of ['GET', 'HEAD', 'OPTIONS']) expect(checkSameOrigin(m, h({ origin: 'http://evil.example' }), undefined).ok).toBe(true);
  });
  it('compares Origin with the Host when no public URL is set', () => {
    expect(checkSameOrigin('POST', h({ origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000' }), undefined).ok).toBe(true);
    expect(checkSameOrigin('POST', h({ origin: 'http://LOCALHOST:3000', host: 'localhost:3000' }), undefined).ok).toBe(true);
    expect(checkSameOrigin('POST', h({ origin: 'http://127.0.0.1:3001', host: '127.0.0.1:3000' }), undefined).ok).toBe(false);
    expect(checkSameOrigin('DELETE', h({ origin: 'http://evil.example', host: '127.0.0.1:3000' }), undefined).ok).toBe(false);
  });
  it('compares Origin with BPFDECK_PUBLIC_URL when set (Host may be rewritten by a proxy)', () => {
    expect(checkSameOrigin('POST', h({ origin: 'https://bpfdeck.example.com', host: 'internal:3000' }), 'https://bpfdeck.example.com').ok).toBe(true);
    expect(checkSameOrigin('POST', h({ origin: 'http://bpfdeck.example.com', host: 'bpfdeck.example.com' }), 'https://bpfdeck.example.com').ok).toBe(false);
  });
  it('without Origin, believes only Sec-Fetch-Site: same-origin', () => {
    expect(checkSameOrigin('POST', h({ host: 'a' }), undefined).ok).toBe(false);
    expect(checkSameOrigin('POST', h({ origin: 'null', host: 'a' }), undefined).ok).toBe(false);
    expect(checkSameOrigin('POST', h({ 'sec-fetch-site': 'same-site', host: 'a' }), undefined).ok).toBe(false);
    expect(checkSameOrigin('POST', h({ 'sec-fetch-site': 'same-origin', host: 'a' }), undefined).ok).toBe(true);
    expect(checkSameOrigin('POST', h({ origin: '%%%', host: 'a' }), undefined).ok).toBe(false);
  });
});

describe('client address', () => {
  it('normalizes IPv4-mapped IPv6 and refuses non-addresses', () => {
    expect(normalizeIp('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(normalizeIp('[::1]')).toBe('::1');
    expect(normalizeIp('2001:DB8::1')).toBe('2001:db8::1');
    expect(normalizeIp('evil; rm -rf /')).toBeUndefined();
  });
  it('is the socket peer; X-Forwarded-For counts only from a trusted proxy', () => {
    expect(resolveClientIp('203.0.113.9', '6.6.6.6', [])).toBe('203.0.113.9');
    expect(resolveClientIp('10.0.0.1', '198.51.100.7', ['10.0.0.1'])).toBe('198.51.100.7');
    // the client prepended a lie; the proxy appended the truth: take the right-most untrusted hop
    expect(resolveClientIp('10.0.0.1', '6.6.6.6, 198.51.100.7', ['10.0.0.1'])).toBe('198.51.100.7');
    expect(resolveClientIp('10.0.0.1', '198.51.100.7, 10.0.0.2', ['10.0.0.1', '10.0.0.2'])).toBe('198.51.100.7');
    expect(resolveClientIp('10.0.0.1', 'garbage', ['10.0.0.1'])).toBe('10.0.0.1');
    expect(resolveClientIp('10.0.0.1', null, ['10.0.0.1'])).toBe('10.0.0.1');
  });
  it('is "unknown" without the server-side peer header, whatever the client sends', () => {
    expect(resolveClientIp(undefined, '6.6.6.6', ['6.6.6.6'])).toBe('unknown');
  });
});

describe('security headers', () => {
  it('pages: nonce scripts only, inline styles allowed, no framing', () => {
    const csp = pageCsp({ nonce: 'abc', dev: false, secure: false });
    expect(csp).toContain("script-src 'self' 'nonce-abc' 'strict-dynamic'");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).not.toMatch(/style-src[^;]*nonce/); // a nonce would disable 'unsafe-inline' for styles
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(pageCsp({ nonce: 'abc', dev: true, secure: true })).toMatch(/'unsafe-eval'.*upgrade-insecure-requests/);
  });
  it('API: nothing', () => {
    expect(API_CSP).toContain("default-src 'none'");
  });
  it('HSTS only over https', () => {
    expect(commonSecurityHeaders(false)['strict-transport-security']).toBeUndefined();
    expect(commonSecurityHeaders(true)['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(commonSecurityHeaders(false)).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'same-origin' });
  });
});

describe('roles', () => {
  it('are ordered viewer < operator < admin', () => {
    expect(roleAtLeast('admin', 'operator')).toBe(true);
    expect(roleAtLeast('operator', 'operator')).toBe(true);
    expect(roleAtLeast('viewer', 'operator')).toBe(false);
    expect(minRole('admin', 'viewer')).toBe('viewer');
    expect(parseRole('root')).toBe('viewer');
  });
});

describe('after sign-in', () => {
  it('goes to local paths only (no open redirect)', () => {
    expect(safeNext('/hosts?x=1')).toBe('/hosts?x=1');
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)', '/\nLocation: x', '', null]) {
      expect(safeNext(bad), String(bad)).toBe('/');
    }
  });
});
