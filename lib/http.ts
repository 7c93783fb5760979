/**
 * The one place where API requests are authenticated, authorized and audited, and where errors become
 * HTTP responses (`route()` below). Route handlers are thin: parse input with a zod schema, call one
 * lib function, return JSON. AppError -> its status and message; zod -> 422 with the issues; anything
 * else -> 500 with a generic message (details go to the server log only).
 */
import 'server-only';
import { NextResponse } from 'next/server';
import { z, ZodError } from 'zod';
import { AppError, HTTP_STATUS } from '@/lib/errors';
import { config } from '@/lib/env';
import { roleAtLeast, type Role } from '@/lib/auth/roles';
import { checkSameOrigin } from '@/lib/auth/csrf';
import { clientIpOf } from '@/lib/auth/client-ip';
import { API_CSP, commonSecurityHeaders } from '@/lib/auth/security-headers';
import { principalFromHeaders, type Principal } from '@/lib/auth/session';
import { recordAudit } from '@/lib/audit/record';
import type { AuditAction, AuditOutcome } from '@/lib/audit/actions';

export function errorResponse(e: unknown): NextResponse {
  if (e instanceof AppError) {
    return NextResponse.json({ error: { code: e.code, message: e.message, details: e.details } }, { status: HTTP_STATUS[e.code] });
  }
  if (e instanceof ZodError) {
    // a message that names its field already ("name: letters, ...") is not prefixed again ("name: name: ...")
    const message = e.issues
      .map((i) => {
        const p = i.path.join('.');
        const first = String(i.path[0]);
        const named = i.message.startsWith(`${first}:`) || i.message.startsWith(`${first} `) || i.message.startsWith(`${p}:`);
        return p && !named ? `${p}: ${i.message}` : i.message;
      })
      .join('; ');
    return NextResponse.json({ error: { code: 'validation', message, issues: e.issues } }, { status: 422 });
  }
  console.error('bpfdeck: unhandled error in route', e);
  return NextResponse.json({ error: { code: 'internal', message: 'internal error (see the server log)' } }, { status: 500 });
}

type Ctx<P> = { params: Promise<P> };

export type { Role } from '@/lib/auth/roles';

/**
 * Who may call a route: viewer (reports, dashboards), operator (run tools), admin (hosts, keys, users,
 * retention, deletion), or 'public' (sign-in, setup, the session probe: no credentials needed).
 * Every route handler declares one; `route()` is the single place that enforces it.
 */
export type Access = Role | 'public';

export interface RouteAudit<P> {
  /** what this route does, for the audit log (lib/audit/actions) */
  action: AuditAction;
  /** what it is done to, e.g. `host:${params.id}`; the handler may refine it with ctx.audit() */
  target?: (params: P, req: Request) => string | undefined;
}

export interface RouteOptions<P = Record<string, string>> {
  role: Access;
  /** record one audit row per request (whatever the outcome); without it, token requests still
   *  leave one `token.use` row */
  audit?: RouteAudit<P>;
}

export interface AuditPatch {
  target?: string;
  /** safe values only (ids, names, numbers): never request bodies or secrets */
  details?: Record<string, unknown>;
  /** who the row is about when that is not the caller (the e-mail of a sign-in attempt) */
  actor?: string;
  actorId?: string;
  /** when the HTTP status does not tell (a redirect that reports a failed OIDC sign-in) */
  outcome?: AuditOutcome;
}

export interface RouteContext<P> {
  params: P;
  /** who the request acts as, for runs' requestedBy: the e-mail, `token:<name>`, or 'anonymous' */
  user: string;
  /** the signed-in person or API token; null only on public routes */
  principal: Principal | null;
  /** the client's address (see lib/auth/client-ip) */
  clientIp: string;
  /** add to this request's audit row */
  audit: (patch: AuditPatch) => void;
}

/**
 * Wraps every route handler: resolves the caller (session cookie or Bearer token), refuses
 * cross-site changes made with a cookie (CSRF), enforces the declared role (401 without credentials,
 * 403 with too little), maps errors to HTTP, and writes the audit row. Handlers only do the use case.
 */
export function route<P = Record<string, never>>(opts: RouteOptions<P>, handler: (req: Request, ctx: RouteContext<P>) => Promise<Response | unknown>) {
  const wrapped = async (req: Request, ctx: Ctx<P>): Promise<Response> => {
    const cfg = config();
    const clientIp = clientIpOf(req, cfg.auth.trustedProxies);
    const patch: AuditPatch = {};
    let principal: Principal | null = null;
    let params = {} as P;
    let refusedByRoute = false;
    let res: Response;
    try {
      params = ctx?.params ? await ctx.params : ({} as P);
      principal = await principalFromHeaders(req.headers, clientIp);
      if (principal?.via !== 'token') {
        const csrf = checkSameOrigin(req.method, req.headers, cfg.auth.publicOrigin);
        if (!csrf.ok) {
          refusedByRoute = true;
          throw new AppError('forbidden', csrf.reason);
        }
      }
      if (opts.role !== 'public') {
        if (!principal) {
          refusedByRoute = true;
          throw new AppError('unauthenticated', 'sign in first (or send an API token: Authorization: Bearer ...)');
        }
        if (!roleAtLeast(principal.role, opts.role)) {
          refusedByRoute = true;
          throw new AppError('forbidden', `this needs the ${opts.role} role; ${principal.name} has ${principal.role}`);
        }
      }
      const out = await handler(req, {
        params,
        user: principal?.name ?? 'anonymous',
        principal,
        clientIp,
        audit: (p) => Object.assign(patch, p, p.details ? { details: { ...patch.details, ...p.details } } : {}),
      });
      res = out instanceof Response ? out : NextResponse.json(out ?? { ok: true });
    } catch (e) {
      res = errorResponse(e);
      const error = e instanceof AppError ? `${e.code}: ${e.message}` : e instanceof ZodError ? 'validation' : 'internal';
      patch.details = { ...patch.details, error };
    }
    await writeAuditRow(opts, req, params, principal, clientIp, patch, res.status, refusedByRoute);
    if (!res.headers.has('cache-control')) res.headers.set('cache-control', 'no-store');
    // proxy.ts sets these on every response it sees, but it does not see the capture upload (it is
    // excluded there so that Next.js does not buffer a 256 MB body): set them here too, for all routes.
    if (!res.headers.has('content-security-policy')) res.headers.set('content-security-policy', API_CSP);
    for (const [k, v] of Object.entries(commonSecurityHeaders(cfg.auth.secureCookies))) if (!res.headers.has(k)) res.headers.set(k, v);
    return res;
  };
  // The declared role (and audit action) travel with the handler, so a test can check every route.
  return Object.assign(wrapped, { role: opts.role, auditAction: opts.audit?.action });
}

async function writeAuditRow<P>(
  opts: RouteOptions<P>,
  req: Request,
  params: P,
  principal: Principal | null,
  clientIp: string,
  patch: AuditPatch,
  status: number,
  refusedByRoute: boolean,
): Promise<void> {
  let action: AuditAction;
  if (opts.audit) {
    // A request without any credentials to a non-public route says nothing about anyone: no row.
    if (!principal && opts.role !== 'public') return;
    action = opts.audit.action;
  } else if (principal?.via === 'token') {
    action = 'token.use';
  } else {
    return;
  }
  const path = new URL(req.url).pathname;
  let target = patch.target;
  if (target === undefined && opts.audit?.target) {
    try {
      target = opts.audit.target(params, req);
    } catch {
      target = undefined;
    }
  }
  try {
    await recordAudit({
      action,
      outcome: refusedByRoute ? 'denied' : (patch.outcome ?? (status < 400 ? 'ok' : 'failed')),
      actor: patch.actor ?? principal?.name ?? 'anonymous',
      actorId: patch.actorId ?? principal?.userId ?? null,
      via: principal?.via ?? 'anonymous',
      tokenId: principal?.tokenId ?? null,
      ip: clientIp,
      userAgent: req.headers.get('user-agent'),
      target: target ?? null,
      status,
      details: { request: `${req.method} ${path}`, ...patch.details },
    });
  } catch (e) {
    // The action has happened; failing the response now would only hide that. Say it loudly.
    console.error(`bpfdeck: AUDIT WRITE FAILED for ${action} ${req.method} ${path} (status ${status})`, e);
  }
}

export async function parseJson<S extends z.ZodType>(req: Request, schema: S): Promise<z.infer<S>> {
  let body: unknown;
  try {
    const text = await req.text();
    if (text.length > 1_000_000) throw new AppError('validation', 'request body too large');
    // "__proto__" keys are refused: merged into an object they would change its prototype.
    body = text
      ? JSON.parse(text, (k, v) => {
          if (k === '__proto__') throw new AppError('validation', 'request body: "__proto__" is not an allowed key');
          return v;
        })
      : {};
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('validation', 'request body is not valid JSON');
  }
  return schema.parse(body);
}

export const idParam = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'not an id') });
