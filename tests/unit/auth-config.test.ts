/** Access-control configuration from the environment (lib/env.ts): OIDC parsing, limits, URLs. */
import { describe, expect, it } from 'vitest';
import { loadConfig as loadEnv } from '@/lib/env';

const loadConfig = (env: Record<string, string>) => loadEnv(env as unknown as NodeJS.ProcessEnv);

const base = { BPFDECK_DATA_DIR: '/tmp/x' };

describe('OIDC configuration', () => {
  it('is off unless issuer, client id and secret are set', () => {
    expect(loadConfig(base).auth.oidc).toBeNull();
  });

  it('parses a full configuration, with defaults', () => {
    const c = loadConfig({
      ...base,
      BPFDECK_PUBLIC_URL: 'https://bpfdeck.example.com/',
      BPFDECK_OIDC_ISSUER: 'https://id.example.com/realms/ops/',
      BPFDECK_OIDC_CLIENT_ID: 'bpfdeck',
      BPFDECK_OIDC_CLIENT_SECRET: 's3cret',
    }).auth.oidc!;
    expect(c.issuer).toBe('https://id.example.com/realms/ops');
    expect(c.discoveryUrl).toBe('https://id.example.com/realms/ops/.well-known/openid-configuration');
    expect(c.scopes).toEqual(['openid', 'email', 'profile']);
    expect(c.defaultRole).toBe('viewer');
    expect(c.createUsers).toBe(true);
    expect(c.displayName).toBe('SSO');
  });

  it('takes scopes, role, name and the create-users switch', () => {
    const c = loadConfig({
      ...base,
      BPFDECK_PUBLIC_URL: 'https://bpfdeck.example.com',
      BPFDECK_OIDC_ISSUER: 'https://id.example.com',
      BPFDECK_OIDC_CLIENT_ID: 'x',
      BPFDECK_OIDC_CLIENT_SECRET: 'y',
      BPFDECK_OIDC_SCOPES: 'email, groups',
      BPFDECK_OIDC_DEFAULT_ROLE: 'operator',
      BPFDECK_OIDC_NAME: 'Okta',
      BPFDECK_OIDC_CREATE_USERS: 'false',
    }).auth.oidc!;
    expect(c.scopes).toEqual(['openid', 'email', 'groups']);
    expect(c.defaultRole).toBe('operator');
    expect(c.displayName).toBe('Okta');
    expect(c.createUsers).toBe(false);
  });

  it('refuses half a configuration, naming what is missing', () => {
    expect(() => loadConfig({ ...base, BPFDECK_PUBLIC_URL: 'https://a.example', BPFDECK_OIDC_ISSUER: 'https://id.example.com' })).toThrow(
      /BPFDECK_OIDC_CLIENT_ID and BPFDECK_OIDC_CLIENT_SECRET/,
    );
  });

  it('needs BPFDECK_PUBLIC_URL (the redirect URI is built from it)', () => {
    expect(() => loadConfig({ ...base, BPFDECK_OIDC_ISSUER: 'https://id.example.com', BPFDECK_OIDC_CLIENT_ID: 'x', BPFDECK_OIDC_CLIENT_SECRET: 'y' })).toThrow(
      /BPFDECK_PUBLIC_URL/,
    );
  });

  it('refuses a plain-http issuer except on localhost, and unknown roles', () => {
    const oidc = { BPFDECK_PUBLIC_URL: 'https://a.example', BPFDECK_OIDC_CLIENT_ID: 'x', BPFDECK_OIDC_CLIENT_SECRET: 'y' };
    expect(() => loadConfig({ ...base, ...oidc, BPFDECK_OIDC_ISSUER: 'http://id.example.com' })).toThrow(/must be https/);
    expect(loadConfig({ ...base, ...oidc, BPFDECK_OIDC_ISSUER: 'http://localhost:8080/realms/x' }).auth.oidc?.issuer).toBe('http://localhost:8080/realms/x');
    expect(() => loadConfig({ ...base, ...oidc, BPFDECK_OIDC_ISSUER: 'https://id.example.com', BPFDECK_OIDC_DEFAULT_ROLE: 'root' })).toThrow(
      /BPFDECK_OIDC_DEFAULT_ROLE/,
    );
    expect(() => loadConfig({ ...base, ...oidc, BPFDECK_OIDC_ISSUER: 'ftp://id.example.com' })).toThrow(/BPFDECK_OIDC_ISSUER/);
  });
});

describe('sign-in, sessions and limits', () => {
  it('has safe defaults', () => {
    const c = loadConfig(base);
    expect(c.auth.secureCookies).toBe(false);
    expect(c.auth.publicOrigin).toBeUndefined();
    expect(c.auth.trustedProxies).toEqual([]);
    expect(c.auth.sessionTtlSec).toBe(12 * 3600);
    expect(c.auth.signInMaxFailures).toBe(10);
    expect(c.runLimits).toEqual({ maxActivePerUser: 10, maxStartsPer10Min: 60 });
  });

  it('https public URL: Secure cookies; the origin without path', () => {
    const c = loadConfig({ ...base, BPFDECK_PUBLIC_URL: 'https://bpfdeck.example.com:8443/ui/' });
    expect(c.auth.secureCookies).toBe(true);
    expect(c.auth.publicOrigin).toBe('https://bpfdeck.example.com:8443');
  });

  it('parses proxies and limits, and refuses nonsense', () => {
    const c = loadConfig({
      ...base,
      BPFDECK_TRUSTED_PROXIES: ' 10.0.0.1, ::1 ,',
      BPFDECK_MAX_ACTIVE_RUNS_PER_USER: '3',
      BPFDECK_MAX_RUN_STARTS_PER_10MIN: '20',
    });
    expect(c.auth.trustedProxies).toEqual(['10.0.0.1', '::1']);
    expect(c.runLimits).toEqual({ maxActivePerUser: 3, maxStartsPer10Min: 20 });
    expect(() => loadConfig({ ...base, BPFDECK_MAX_ACTIVE_RUNS_PER_USER: '0' })).toThrow(/BPFDECK_MAX_ACTIVE_RUNS_PER_USER/);
    expect(() => loadConfig({ ...base, BPFDECK_AUTH_SECRET: 'short' })).toThrow(/BPFDECK_AUTH_SECRET/);
    expect(() => loadConfig({ ...base, BPFDECK_PUBLIC_URL: 'javascript:alert(1)' })).toThrow(/BPFDECK_PUBLIC_URL/);
    expect(() => loadConfig({ ...base, BPFDECK_SETUP_TOKEN: 'abc' })).toThrow(/BPFDECK_SETUP_TOKEN/);
  });
});
