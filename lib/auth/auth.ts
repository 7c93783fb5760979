/**
 * The better-auth instance: password hashing (scrypt), database sessions with signed HttpOnly cookies,
 * and optional OIDC sign-in. It is used from our own route handlers (lib/http.ts `route()` enforces
 * roles, CSRF and audit for them); better-auth's own HTTP router is reachable only for the OIDC
 * callback (app/api/auth/callback/[providerId]). Sign-up is off: admins create accounts.
 */
import 'server-only';
import { betterAuth } from 'better-auth/minimal';
import { prismaAdapter } from 'better-auth/adapters/prisma';
import { genericOAuth } from 'better-auth/plugins/generic-oauth';
import { databaseKind, db } from '@/lib/db/client';
import { betterAuthProvider } from '@/lib/db/url';
import { config } from '@/lib/env';
import { readOrCreateDataFile, randomSecret } from '@/lib/auth/data-files';
import { sessionCookieNameFor } from '@/lib/auth/security-headers';

/** the request header through which we hand better-auth the client address we resolved (lib/auth/client-ip) */
export const CLIENT_IP_HEADER = 'x-bpfdeck-client-ip';
export const COOKIE_PREFIX = 'bpfdeck';
export const OIDC_PROVIDER_ID = 'oidc';
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

function authSecret(): string {
  return config().auth.secret ?? readOrCreateDataFile('auth.secret', () => randomSecret(48));
}

function createAuth() {
  const cfg = config();
  const oidc = cfg.auth.oidc;
  return betterAuth({
    appName: 'bpfdeck',
    // The origin people use; only OIDC redirects are built from it. Without BPFDECK_PUBLIC_URL there is
    // no OIDC, and nothing else here needs a base URL.
    baseURL: cfg.auth.publicOrigin ?? 'http://127.0.0.1',
    basePath: '/api/auth',
    secret: authSecret(),
    database: prismaAdapter(db(), { provider: betterAuthProvider(databaseKind()) }),
    telemetry: { enabled: false },
    // Sign-in attempts are limited by lib/auth/sign-in.ts (per address and per account, with audit).
    rateLimit: { enabled: false },
    emailAndPassword: {
      enabled: true,
      disableSignUp: true,
      minPasswordLength: MIN_PASSWORD_LENGTH,
      maxPasswordLength: MAX_PASSWORD_LENGTH,
      autoSignIn: false,
    },
    user: {
      additionalFields: {
        // input: false: nobody can set their own role through better-auth; lib/auth/users.ts does.
        role: { type: 'string', required: false, defaultValue: oidc?.defaultRole ?? 'viewer', input: false },
      },
    },
    session: {
      expiresIn: cfg.auth.sessionTtlSec,
      // A fixed lifetime: no sliding refresh, so a stolen cookie is worth at most BPFDECK_SESSION_TTL_HOURS.
      disableSessionRefresh: true,
      // No cookie cache: every request reads the session row, so sign-out, revocation and role
      // changes take effect at once.
      cookieCache: { enabled: false },
    },
    account: {
      // An OIDC identity is never attached to an existing account just because the e-mail matches.
      accountLinking: { enabled: false },
    },
    advanced: {
      cookiePrefix: COOKIE_PREFIX,
      useSecureCookies: cfg.auth.secureCookies,
      defaultCookieAttributes: { httpOnly: true, sameSite: 'lax', path: '/' },
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
    },
    plugins: oidc
      ? [
          genericOAuth({
            config: [
              {
                providerId: OIDC_PROVIDER_ID,
                name: oidc.displayName,
                discoveryUrl: oidc.discoveryUrl,
                clientId: oidc.clientId,
                clientSecret: oidc.clientSecret,
                scopes: oidc.scopes,
                pkce: true,
                requireIdTokenVerification: true,
                disableImplicitSignUp: !oidc.createUsers,
              },
            ],
          }),
        ]
      : [],
  });
}

type AuthInstance = ReturnType<typeof createAuth>;
const g = globalThis as unknown as { __bpfdeckAuth?: AuthInstance };

export function auth(): AuthInstance {
  g.__bpfdeckAuth ??= createAuth();
  return g.__bpfdeckAuth;
}

/** name of the session cookie as the browser stores it */
export function sessionCookieName(): string {
  return sessionCookieNameFor(config().auth.secureCookies);
}
