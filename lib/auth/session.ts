/**
 * Who is making a request: a signed-in person (session cookie, checked against the Session table on
 * every request) or an API token (`Authorization: Bearer`). This is the one place that turns request
 * headers into an identity; lib/http.ts `route()` and lib/auth/page-guard.ts use it.
 */
import 'server-only';
import { isAPIError } from 'better-auth/api';
import { config } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { auth, CLIENT_IP_HEADER, sessionCookieName } from '@/lib/auth/auth';
import { parseRole, type Role } from '@/lib/auth/roles';
import { verifyToken } from '@/lib/auth/tokens';
import { SignInLimits, SlidingWindow } from '@/lib/auth/rate-limit';

export interface Principal {
  via: 'session' | 'token';
  /** the person (for a token: its creator) */
  userId: string;
  email: string;
  /** what runs and audit rows record: the email, or `token:<name>` for a token */
  name: string;
  /** the role in force for this request */
  role: Role;
  tokenId?: string;
  sessionId?: string;
}

/** Only the headers better-auth needs, so nothing else of the request reaches it. */
function authHeaders(cookie: string | null, clientIp?: string, userAgent?: string | null): Headers {
  const h = new Headers();
  if (cookie) h.set('cookie', cookie);
  if (clientIp) h.set(CLIENT_IP_HEADER, clientIp);
  if (userAgent) h.set('user-agent', userAgent.slice(0, 512));
  return h;
}

export function hasSessionCookie(cookieHeader: string | null): boolean {
  if (!cookieHeader) return false;
  const name = sessionCookieName();
  return cookieHeader.split(';').some((c) => c.trim().startsWith(`${name}=`));
}

// Wrong tokens per client address: guessing is hopeless (256 bits), but a flood of DB look-ups is not.
// In the database (lib/auth/rate-limit), so the limit is per address over all web instances.
const badTokens = new SlidingWindow('bad-token', 30, 60_000);

/**
 * Resolve the caller. Returns null when the request carries no credentials; throws `unauthenticated`
 * for credentials that are present but wrong (a bad token is never silently ignored in favour of a
 * cookie).
 */
export async function principalFromHeaders(headers: Headers, clientIp: string): Promise<Principal | null> {
  const authz = headers.get('authorization');
  if (authz !== null) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authz);
    if (!m) throw new AppError('unauthenticated', 'the Authorization header must be "Bearer <API token>"');
    // A valid token always gets through (F2: a flood of wrong tokens from a shared address must not
    // lock out its valid ones); wrong ones past the limit get 429 instead of 401. The look-up is one
    // indexed read of a sha256, so doing it before the limit check costs little.
    const id = await verifyToken(m[1]);
    if (!id) {
      if (!(await badTokens.take(clientIp))) throw new AppError('rate_limited', 'too many invalid API tokens from this address; wait a minute');
      throw new AppError('unauthenticated', 'the API token is unknown, revoked or expired');
    }
    return { via: 'token', userId: id.userId, email: id.email, name: `token:${id.tokenName}`, role: id.role, tokenId: id.tokenId };
  }
  const cookie = headers.get('cookie');
  if (!hasSessionCookie(cookie)) return null;
  const s = await auth().api.getSession({ headers: authHeaders(cookie) });
  if (!s) return null;
  const user = s.user as typeof s.user & { role?: string };
  return { via: 'session', userId: user.id, email: user.email, name: user.email, role: parseRole(user.role), sessionId: s.session.id };
}

/** Sign a person out: delete the session row; returns the Set-Cookie headers that clear the cookie. */
export async function signOut(headers: Headers): Promise<string[]> {
  const { headers: out } = await auth().api.signOut({ headers: authHeaders(headers.get('cookie')), returnHeaders: true });
  return out.getSetCookie();
}

export interface SignInResult {
  user: { id: string; email: string; name: string; role: Role };
  setCookie: string[];
}

/**
 * Password sign-in, limited by SignInLimits (lib/auth/rate-limit, in the database: per account+address,
 * per address, and a global back-off per account). Every failure gives the same answer, whether the account exists or not.
 */
export async function signInWithPassword(
  input: { email: string; password: string },
  client: { ip: string; userAgent: string | null },
  limiter = signInLimiter(),
): Promise<SignInResult> {
  // Checked and reserved as one step (a failure until the password proves right), so two web
  // instances cannot both let through the last attempt allowed.
  const attempt = await limiter.begin(input.email, client.ip);
  if (attempt.ticket === null) {
    const blockedFor = attempt.retryAfterSec;
    throw new AppError('rate_limited', `too many failed sign-ins; try again in ${Math.ceil(blockedFor / 60)} min`, { retryAfterSec: blockedFor });
  }
  const { ticket } = attempt;
  let outcome: 'ok' | 'failed' | 'void' = 'void';
  try {
    const { headers, response } = await auth().api.signInEmail({
      body: { email: input.email, password: input.password, rememberMe: true },
      headers: authHeaders(null, client.ip, client.userAgent),
      returnHeaders: true,
    });
    outcome = 'ok';
    const u = response.user as typeof response.user & { role?: string };
    return { user: { id: u.id, email: u.email, name: u.name, role: parseRole(u.role) }, setCookie: headers.getSetCookie() };
  } catch (e) {
    if (!isAPIError(e)) throw e;
    outcome = 'failed';
    throw new AppError('unauthenticated', 'wrong email or password');
  } finally {
    await limiter.settle(ticket, input.email, client.ip, outcome);
  }
}

const g = globalThis as unknown as { __bpfdeckSignInLimits?: SignInLimits };
export function signInLimiter(): SignInLimits {
  g.__bpfdeckSignInLimits ??= new SignInLimits(config().auth.signInMaxFailures);
  return g.__bpfdeckSignInLimits;
}
