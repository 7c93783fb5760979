/**
 * The one place where errors become HTTP responses. Route handlers are thin: parse input with a zod
 * schema, call one lib function, return JSON. AppError -> its status and message; zod -> 422 with the
 * issues; anything else -> 500 with a generic message (details go to the server log only).
 */
import { NextResponse } from 'next/server';
import { z, ZodError } from 'zod';
import { AppError, HTTP_STATUS } from '@/lib/errors';
import { config } from '@/lib/env';

export function errorResponse(e: unknown): NextResponse {
  if (e instanceof AppError) {
    return NextResponse.json({ error: { code: e.code, message: e.message, details: e.details } }, { status: HTTP_STATUS[e.code] });
  }
  if (e instanceof ZodError) {
    const message = e.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
    return NextResponse.json({ error: { code: 'validation', message, issues: e.issues } }, { status: 422 });
  }
  console.error('bpfdeck: unhandled error in route', e);
  return NextResponse.json({ error: { code: 'internal', message: 'internal error (see the server log)' } }, { status: 500 });
}

type Ctx<P> = { params: Promise<P> };

/**
 * Who may call a route: viewer (reports, dashboards), operator (run tools), admin (hosts, keys, users,
 * retention, deletion). Every route handler declares one; `route()` is the single place that will
 * enforce it once sign-in exists (issue: access control). Until then every request acts as the
 * configured default user.
 */
export type Role = 'viewer' | 'operator' | 'admin';

export interface RouteOptions {
  role: Role;
}

export interface RouteContext<P> {
  params: P;
  user: string;
}

export function route<P = Record<string, never>>(
  opts: RouteOptions,
  handler: (req: Request, ctx: RouteContext<P>) => Promise<Response | unknown>,
) {
  const wrapped = async (req: Request, ctx: Ctx<P>): Promise<Response> => {
    try {
      const params = ctx?.params ? await ctx.params : ({} as P);
      const out = await handler(req, { params, user: config().defaultUser });
      if (out instanceof Response) return out;
      return NextResponse.json(out ?? { ok: true });
    } catch (e) {
      return errorResponse(e);
    }
  };
  // The declared role travels with the handler, so a test can check every route declares one.
  return Object.assign(wrapped, { role: opts.role });
}

export async function parseJson<S extends z.ZodType>(req: Request, schema: S): Promise<z.infer<S>> {
  let body: unknown;
  try {
    const text = await req.text();
    if (text.length > 1_000_000) throw new AppError('validation', 'request body too large');
    body = text ? JSON.parse(text) : {};
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('validation', 'request body is not valid JSON');
  }
  return schema.parse(body);
}

export const idParam = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'not an id') });
