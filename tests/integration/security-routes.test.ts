/**
 * Access control, table-driven, against a real `next start`: every API route and method is called
 * without credentials and with every role below the one it needs (session cookie and API token), and
 * must be refused with 401 / 403; cookie-authenticated changes without a same-origin Origin are
 * refused (CSRF). The table must list every app/**\/route.ts method and every page: a route or page
 * added without a line here fails the test, and so does a server action (there are none).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_ID, ROOT, startServer, type Server, type Who } from './security-server';

type Access = 'public' | 'viewer' | 'operator' | 'admin';

/** The specification: who may call what. */
const API: Record<string, Partial<Record<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', Access>>> = {
  '/api/auth/session': { GET: 'public' },
  '/api/auth/sign-in': { POST: 'public' },
  '/api/auth/setup': { POST: 'public' },
  '/api/auth/oidc': { POST: 'public' },
  '/api/auth/callback/[providerId]': { GET: 'public' },
  '/api/auth/sign-out': { POST: 'viewer' },
  '/api/auth/password': { POST: 'viewer' },
  '/api/admin/users': { GET: 'admin', POST: 'admin' },
  '/api/admin/users/[id]': { PATCH: 'admin', DELETE: 'admin' },
  '/api/admin/audit': { GET: 'admin' },
  '/api/tokens': { GET: 'admin', POST: 'admin' },
  '/api/tokens/[id]': { DELETE: 'admin' },
  '/api/tools': { GET: 'viewer' },
  '/api/hosts': { GET: 'viewer', POST: 'admin' },
  '/api/hosts/[id]': { GET: 'viewer', PATCH: 'admin', DELETE: 'admin' },
  '/api/hosts/[id]/check': { POST: 'operator' },
  '/api/hosts/[id]/dashboard': { POST: 'operator' },
  '/api/hosts/[id]/upstream-runs': { POST: 'operator' },
  '/api/hosts/[id]/events': { GET: 'viewer' },
  '/api/hosts/[id]/hostkey/scan': { POST: 'admin' },
  '/api/hosts/[id]/hostkey/accept': { POST: 'admin' },
  '/api/identities': { GET: 'admin', POST: 'admin' },
  '/api/hosts/import': { POST: 'admin' },
  '/api/hosts/import/preview': { POST: 'admin' },
  '/api/hosts/hostkeys/review': { POST: 'admin' },
  '/api/identities/[id]': { GET: 'admin', PATCH: 'admin', DELETE: 'admin' },
  '/api/runs': { GET: 'viewer', POST: 'operator' },
  '/api/runs/[id]': { GET: 'viewer', DELETE: 'admin' },
  '/api/runs/[id]/cancel': { POST: 'operator' },
  '/api/runs/[id]/events': { GET: 'viewer' },
  '/api/runs/[id]/raw': { GET: 'viewer' },
  '/api/runs/[id]/result': { GET: 'viewer' },
  '/api/runs/[id]/export': { GET: 'viewer' },
  '/api/runs/[id]/report': { GET: 'viewer' },
  '/api/reports': { GET: 'viewer', POST: 'operator' },
  '/api/reports/[id]': { GET: 'viewer', DELETE: 'admin' },
  '/api/reports/[id]/result': { GET: 'viewer' },
  '/api/reports/[id]/export': { GET: 'viewer' },
  '/api/reports/compare': { GET: 'viewer' },
  '/api/reports/import': { POST: 'operator' },
  '/api/reports/retention': { GET: 'viewer', PUT: 'admin' },
  '/api/settings/raw-output': { GET: 'viewer', PUT: 'admin' },
  '/api/settings/fleet': { GET: 'viewer', PUT: 'admin' },
  '/api/fleet-runs': { GET: 'viewer', POST: 'operator' },
  '/api/fleet-runs/[id]': { GET: 'viewer' },
  '/api/fleet-runs/[id]/events': { GET: 'viewer' },
  '/api/fleet-runs/[id]/cancel': { POST: 'operator' },
  '/api/fleet-runs/[id]/results': { GET: 'viewer' },
  '/api/fleet-runs/[id]/report': { POST: 'operator' },
  '/api/fleet-runs/[id]/export': { GET: 'viewer' },
  '/api/reports/[id]/fleet-results': { GET: 'viewer' },
  '/api/reports/[id]/fleet-export': { GET: 'viewer' },
  '/api/scripts': { GET: 'viewer', POST: 'admin' },
  '/api/scripts/[id]': { GET: 'viewer' },
  '/api/scripts/[id]/versions': { POST: 'admin' },
  '/api/scripts/[id]/versions/[versionId]/approve': { POST: 'admin' },
  '/api/scripts/[id]/check': { POST: 'admin' },
  '/api/scripts/[id]/runs': { POST: 'operator' },
};

/**
 * What each guarded route answers a caller with the role it needs, given a fake id (FAKE_ID, of the
 * right shape) and an empty body or query: 404 not_found, 422 validation, or 200 for lists and settings.
 * (POST /api/auth/password and sign-out answer 422 because an API token calls them: they need a session.)
 */
const WITH_ROLE: Record<string, Partial<Record<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', 200 | 404 | 422>>> = {
  '/api/admin/audit': { GET: 200 },
  '/api/admin/users': { GET: 200, POST: 422 },
  '/api/admin/users/[id]': { DELETE: 404, PATCH: 422 },
  '/api/auth/password': { POST: 422 },
  '/api/auth/sign-out': { POST: 422 },
  '/api/hosts': { GET: 200, POST: 422 },
  '/api/hosts/import': { POST: 422 },
  '/api/hosts/import/preview': { POST: 422 },
  // an empty body reviews every host without a pinned key (none in this test's database)
  '/api/hosts/hostkeys/review': { POST: 200 },
  '/api/identities': { GET: 200, POST: 422 },
  // PATCH validates the body (kind key|agent) before looking the identity up
  '/api/identities/[id]': { GET: 404, PATCH: 422, DELETE: 404 },
  '/api/settings/raw-output': { GET: 200, PUT: 422 },
  '/api/settings/fleet': { GET: 200, PUT: 422 },
  '/api/fleet-runs': { GET: 200, POST: 422 },
  '/api/fleet-runs/[id]': { GET: 404 },
  '/api/fleet-runs/[id]/events': { GET: 404 },
  '/api/fleet-runs/[id]/cancel': { POST: 404 },
  // the query (toolId) is checked before the fleet run is looked up
  '/api/fleet-runs/[id]/results': { GET: 422 },
  '/api/fleet-runs/[id]/report': { POST: 404 },
  '/api/fleet-runs/[id]/export': { GET: 422 },
  '/api/reports/[id]/fleet-results': { GET: 422 },
  // the query (toolId, format) is checked before the fleet report is looked up
  '/api/reports/[id]/fleet-export': { GET: 422 },
  '/api/hosts/[id]': { DELETE: 404, GET: 404, PATCH: 404 },
  '/api/hosts/[id]/check': { POST: 404 },
  '/api/hosts/[id]/dashboard': { POST: 404 },
  // the body (tool, durationSec) is validated before the host is looked up
  '/api/hosts/[id]/upstream-runs': { POST: 422 },
  '/api/hosts/[id]/events': { GET: 404 },
  '/api/hosts/[id]/hostkey/accept': { POST: 422 },
  '/api/hosts/[id]/hostkey/scan': { POST: 404 },
  '/api/reports': { GET: 200, POST: 422 },
  '/api/reports/[id]': { DELETE: 404, GET: 404 },
  '/api/reports/[id]/export': { GET: 422 },
  '/api/reports/[id]/result': { GET: 422 },
  '/api/reports/compare': { GET: 422 },
  '/api/reports/import': { POST: 422 },
  '/api/reports/retention': { GET: 200, PUT: 422 },
  '/api/runs': { GET: 200, POST: 422 },
  '/api/runs/[id]': { DELETE: 404, GET: 404 },
  '/api/runs/[id]/cancel': { POST: 404 },
  '/api/runs/[id]/events': { GET: 404 },
  '/api/runs/[id]/export': { GET: 422 },
  '/api/runs/[id]/raw': { GET: 404 },
  '/api/runs/[id]/report': { GET: 404 },
  '/api/runs/[id]/result': { GET: 404 },
  '/api/tokens': { GET: 200, POST: 422 },
  '/api/tokens/[id]': { DELETE: 404 },
  '/api/tools': { GET: 200 },
  '/api/scripts': { GET: 200, POST: 422 },
  '/api/scripts/[id]': { GET: 404 },
  // the body is checked before the script is looked up
  '/api/scripts/[id]/versions': { POST: 422 },
  '/api/scripts/[id]/versions/[versionId]/approve': { POST: 404 },
  '/api/scripts/[id]/check': { POST: 422 },
  '/api/scripts/[id]/runs': { POST: 422 },
};

/** Pages: the role requirePage() is called with; public pages do not call it. */
const PAGES: Record<string, Access> = {
  '/login': 'public',
  '/setup': 'public',
  '/': 'viewer',
  '/hosts': 'viewer',
  '/hosts/import': 'admin',
  '/hosts/[id]': 'viewer',
  '/hosts/[id]/history': 'viewer',
  '/runs/[id]': 'viewer',
  '/reports': 'viewer',
  '/reports/[id]': 'viewer',
  '/reports/import': 'operator',
  '/compare': 'viewer',
  '/dev/viz': 'viewer',
  '/dev/viz/fleet': 'viewer',
  '/fleet-runs': 'viewer',
  '/fleet-runs/[id]': 'viewer',
  '/fleet-runs/compare': 'viewer',
  '/admin': 'admin',
  '/admin/users': 'admin',
  '/admin/tokens': 'admin',
  '/admin/audit': 'admin',
  '/admin/identities': 'admin',
  '/scripts': 'viewer',
  '/scripts/[id]': 'viewer',
};

const RANK: Record<Exclude<Access, 'public'>, number> = { viewer: 1, operator: 2, admin: 3 };
const ROLES = ['viewer', 'operator', 'admin'] as const;
const METHOD_RE =
  /export\s+(?:const|async\s+function|function)\s+(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b|export\s*\{[^}]*\bas\s+(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/g;

function walk(dir: string, name: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p, name));
    else if (e.name === name) out.push(p);
  }
  return out;
}

/** app/api/hosts/[id]/route.ts -> /api/hosts/[id]; route groups "(x)" vanish from URLs */
function urlOf(file: string, leaf: string): string {
  const rel = path
    .relative(path.join(ROOT, 'app'), path.dirname(file))
    .split(path.sep)
    .filter((s) => s && !/^\(.*\)$/.test(s));
  return leaf && rel.length === 0 ? '/' : `/${rel.join('/')}`;
}

function concrete(p: string): string {
  return p.replace('[providerId]', 'oidc').replace(/\[[^\]]+\]/g, FAKE_ID);
}

describe('the tables cover the code', () => {
  it('lists every route handler method under app/ (and nothing that does not exist)', () => {
    const found = new Set<string>();
    for (const f of walk(path.join(ROOT, 'app'), 'route.ts')) {
      const src = fs.readFileSync(f, 'utf8');
      for (const m of src.matchAll(METHOD_RE)) found.add(`${m[1] ?? m[2]} ${urlOf(f, '')}`);
    }
    const listed = new Set(Object.entries(API).flatMap(([p, ms]) => Object.keys(ms).map((m) => `${m} ${p}`)));
    expect([...found].filter((x) => !listed.has(x)).sort(), 'routes missing from the table in security-routes.test.ts').toEqual([]);
    expect([...listed].filter((x) => !found.has(x)).sort(), 'table entries without a route').toEqual([]);
  });

  it('every route handler declares through route() the role the table says', async () => {
    for (const f of walk(path.join(ROOT, 'app'), 'route.ts')) {
      const url = urlOf(f, '');
      const mod = (await import(f)) as Record<string, { role?: string } | undefined>;
      for (const [method, access] of Object.entries(API[url] ?? {})) {
        expect(mod[method]?.role, `${method} ${url} must be wrapped by route({ role: '${access}' })`).toBe(access);
      }
    }
  });

  it('lists every page, and every non-public page calls requirePage with the listed role', () => {
    const pages = walk(path.join(ROOT, 'app'), 'page.tsx');
    const found = pages.map((f) => urlOf(f, 'page'));
    expect(found.filter((p) => !(p in PAGES)).sort(), 'pages missing from PAGES').toEqual([]);
    expect(
      Object.keys(PAGES)
        .filter((p) => !found.includes(p))
        .sort(),
      'PAGES entries without a page',
    ).toEqual([]);
    for (const f of pages) {
      const want = PAGES[urlOf(f, 'page')];
      const src = fs.readFileSync(f, 'utf8');
      if (want === 'public') expect(src, f).not.toMatch(/requirePage\(/);
      else expect(src, `${f} must call requirePage('${want}')`).toContain(`requirePage('${want}')`);
    }
  });

  it('has no server actions (each would need a line in the table)', () => {
    const hits: string[] = [];
    for (const dir of ['app', 'components', 'lib']) {
      const stack = [path.join(ROOT, dir)];
      while (stack.length) {
        const d = stack.pop()!;
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
          const p = path.join(d, e.name);
          if (e.isDirectory()) {
            if (e.name !== 'generated' && e.name !== 'node_modules') stack.push(p);
          } else if (/\.(ts|tsx)$/.test(e.name) && /^\s*['"]use server['"]/m.test(fs.readFileSync(p, 'utf8'))) hits.push(path.relative(ROOT, p));
        }
      }
    }
    expect(hits).toEqual([]);
  });
});

describe('over HTTP: every route refuses callers without the role it needs', () => {
  let s: Server;
  const session: Partial<Record<(typeof ROLES)[number], Who>> = {};
  const token: Partial<Record<(typeof ROLES)[number], Who>> = {};

  beforeAll(async () => {
    s = await startServer('routes');
    const admin = await s.setupAdmin();
    session.admin = admin;
    session.operator = await s.createUser(admin, 'operator@test.local', 'operator');
    session.viewer = await s.createUser(admin, 'viewer@test.local', 'viewer');
    for (const r of ROLES) token[r] = await s.createToken(admin, `t-${r}`, r);
  });
  afterAll(async () => {
    await s?.stop();
  });

  const entries = Object.entries(API).flatMap(([p, ms]) => Object.entries(ms).map(([m, a]) => ({ method: m, path: p, access: a as Access })));
  const guarded = entries.filter((e) => e.access !== 'public');

  it.each(guarded)('$method $path without credentials: 401', async ({ method, path: p }) => {
    const r = await s.req(method, concrete(p), { body: ['GET', 'HEAD'].includes(method) ? undefined : {} });
    expect(r.status, r.text).toBe(401);
    expect(r.json?.error?.code).toBe('unauthenticated');
  });

  it.each(guarded)('$method $path with each smaller role (cookie and token): 403', async ({ method, path: p, access }) => {
    for (const role of ROLES.filter((r) => RANK[r] < RANK[access as keyof typeof RANK])) {
      for (const who of [session[role]!, token[role]!]) {
        const r = await s.req(method, concrete(p), { who, body: ['GET', 'HEAD'].includes(method) ? undefined : {} });
        expect(r.status, `${role} ${who.token ? 'token' : 'session'}: ${r.text}`).toBe(403);
        expect(r.json?.error?.code).toBe('forbidden');
      }
    }
  });

  it.each(guarded)('$method $path with the role it needs: the answer the route gives a fake id or an empty body', async ({ method, path: p, access }) => {
    // Fake ids and empty bodies: 404 for an id that exists nowhere, 422 for a body or query missing what
    // the route needs, 200 for a list; never a change, never 401/403, never a 500.
    const want = WITH_ROLE[p]?.[method as keyof (typeof WITH_ROLE)[string]];
    expect(want, `${method} ${p}: add the status it answers to WITH_ROLE in security-routes.test.ts`).toBeDefined();
    const r = await s.req(method, concrete(p), { who: token[access as keyof typeof token]!, body: ['GET', 'HEAD'].includes(method) ? undefined : {} });
    expect(r.status, r.text.slice(0, 300)).toBe(want);
    if (want === 404) expect(r.json?.error?.code).toBe('not_found');
    if (want === 422) expect(r.json?.error?.code).toBe('validation');
  });

  const unsafe = guarded.filter((e) => !['GET', 'HEAD'].includes(e.method));
  it.each(unsafe)('$method $path with an admin cookie but no or a foreign Origin: 403 (CSRF)', async ({ method, path: p }) => {
    for (const origin of [null, 'http://evil.example', 'null']) {
      const r = await s.req(method, concrete(p), { who: session.admin!, origin, body: {} });
      expect(r.status, `origin ${origin}: ${r.text}`).toBe(403);
      expect(r.json?.error?.message).toMatch(/origin|cross-origin/i);
    }
  });

  it('API tokens need no Origin (a browser never sends Authorization by itself)', async () => {
    const r = await s.req('POST', '/api/hosts', { who: token.admin!, origin: null, body: {} });
    expect(r.status).toBe(422);
  });

  it('public routes answer without credentials, and sign-in from a foreign origin is refused', async () => {
    expect((await s.req('GET', '/api/auth/session')).json).toMatchObject({ user: null, setupRequired: false });
    expect((await s.req('POST', '/api/auth/oidc', { body: {} })).status).toBe(404); // not configured
    expect((await s.req('GET', '/api/auth/callback/oidc')).status).toBe(404);
    const forged = await s.req('POST', '/api/auth/sign-in', { origin: 'http://evil.example', body: { email: 'admin@test.local', password: 'x' } });
    expect(forged.status).toBe(403);
    const again = await s.req('POST', '/api/auth/setup', { body: { setupToken: 'x', email: 'x@test.local', name: 'x', password: 'y'.repeat(12) } });
    expect(again.status).toBe(409); // an admin exists: setup is closed
  });

  it('a bad or revoked token is refused, never ignored in favour of a cookie', async () => {
    const bad = await s.req('GET', '/api/tools', { who: { cookie: session.admin!.cookie, token: 'bpfd_' + 'x'.repeat(43) } });
    expect(bad.status).toBe(401);
    expect((await s.req('GET', '/api/tools', { headers: { authorization: 'Basic YTpi' } })).status).toBe(401);
    const t = await s.req('POST', '/api/tokens', { who: session.admin!, body: { name: 'short-lived', role: 'viewer' } });
    expect((await s.req('GET', '/api/tools', { who: { token: t.json.token } })).status).toBe(200);
    expect((await s.req('DELETE', `/api/tokens/${t.json.info.id}`, { who: session.admin! })).status).toBe(200);
    expect((await s.req('GET', '/api/tools', { who: { token: t.json.token } })).status).toBe(401);
  });

  it('a token never acts with more than its creator has now', async () => {
    const admin2 = await s.createUser(session.admin!, 'admin2@test.local', 'admin');
    const t = await s.req('POST', '/api/tokens', { who: admin2, body: { name: 'from-admin2', role: 'admin' } });
    expect((await s.req('GET', '/api/admin/users', { who: { token: t.json.token } })).status).toBe(200);
    const users = (await s.req('GET', '/api/admin/users', { who: session.admin! })).json.users as Array<{ id: string; email: string }>;
    const id = users.find((u) => u.email === 'admin2@test.local')!.id;
    expect((await s.req('PATCH', `/api/admin/users/${id}`, { who: session.admin!, body: { role: 'viewer' } })).status).toBe(200);
    expect((await s.req('GET', '/api/admin/users', { who: { token: t.json.token } })).status).toBe(403);
    expect((await s.req('GET', '/api/tools', { who: { token: t.json.token } })).status).toBe(200);
    // and the demoted person's own session follows at once (no cached role)
    expect((await s.req('GET', '/api/admin/users', { who: admin2 })).status).toBe(403);
  });

  it('pages: signed out -> /login?next=..., too small a role -> /login?need=<role>', async () => {
    for (const [p, access] of Object.entries(PAGES)) {
      const url = concrete(p);
      if (access === 'public') {
        const r = await s.req('GET', url);
        // /setup is done: it sends people to /login; /login answers
        expect([200, 307], `${p} ${r.status}`).toContain(r.status);
        continue;
      }
      const anon = await s.req('GET', url);
      expect(anon.status, p).toBe(307);
      expect(anon.headers.get('location'), p).toBe(`/login?next=${encodeURIComponent(url)}`);
      for (const role of ROLES.filter((r) => RANK[r] < RANK[access])) {
        const r = await s.req('GET', url, { who: session[role]! });
        expect(r.status, `${role} on ${p}: ${r.status}`).toBe(307);
        expect(r.headers.get('location'), `${role} on ${p}`).toContain(`/login?need=${access}`);
      }
    }
    // a forged or stale session cookie does not get past the page guard
    const forged = await s.req('GET', '/hosts', { who: { cookie: 'bpfdeck.session_token=forged.value' } });
    expect(forged.status).toBe(307);
    expect(forged.headers.get('location')).toContain('/login');
  });

  it('API tokens do not open pages (they are for the API)', async () => {
    const r = await s.req('GET', '/hosts', { who: token.admin! });
    expect(r.status).toBe(307);
  });

  it('the session cookie is HttpOnly and SameSite=Lax (Secure needs https: BPFDECK_PUBLIC_URL)', async () => {
    const r = await s.req('POST', '/api/auth/sign-in', { body: { email: 'viewer@test.local', password: 'correct horse battery staple' } });
    const c = r.headers.getSetCookie().find((x) => x.startsWith('bpfdeck.session_token='))!;
    expect(c).toMatch(/;\s*HttpOnly/i);
    expect(c).toMatch(/;\s*SameSite=Lax/i);
    expect(c).not.toMatch(/;\s*Secure/i);
    expect(r.text).not.toContain(c.split(';')[0].split('=')[1].split('.')[0]); // the token is not in the body
  });

  it('security headers: CSP with a nonce on pages, nothing allowed on the API, no framing anywhere', async () => {
    const page = await s.req('GET', '/login');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    const nonce = /'nonce-([^']+)'/.exec(csp)![1];
    expect(page.text).toContain(`nonce="${nonce}"`);
    const api = await s.req('GET', '/api/auth/session');
    expect(api.headers.get('content-security-policy')).toContain("default-src 'none'");
    for (const r of [page, api]) {
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('referrer-policy')).toBe('same-origin');
      expect(r.headers.get('x-frame-options')).toBe('DENY');
    }
    expect(api.headers.get('cache-control')).toBe('no-store');
  });
});
