/**
 * Roles, from least to most: viewer (reports and dashboards), operator (run catalog tools on hosts),
 * admin (hosts, keys, users, tokens, retention, deletion). Each role can do what the ones below it can.
 * Universal (no server-only imports): pages, client components and route handlers share it.
 */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

export function isRole(x: unknown): x is Role {
  return typeof x === 'string' && (ROLES as readonly string[]).includes(x);
}

/** true when `has` may do what `needs` allows */
export function roleAtLeast(has: Role, needs: Role): boolean {
  return RANK[has] >= RANK[needs];
}

/** the weaker of two roles (an API token never acts with more than its creator has now) */
export function minRole(a: Role, b: Role): Role {
  return RANK[a] <= RANK[b] ? a : b;
}

/** a stored role string; anything unknown counts as the least role */
export function parseRole(x: unknown): Role {
  return isRole(x) ? x : 'viewer';
}

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  viewer: 'sees hosts, runs, dashboards and reports',
  operator: 'also runs catalog tools on hosts and cancels runs',
  admin: 'also manages hosts, SSH keys, host keys, users, tokens, retention and deletion',
};
