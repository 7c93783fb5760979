/**
 * Accounts: admins create local accounts (there is no self sign-up), set roles, reset passwords and
 * delete accounts. Passwords are hashed by better-auth (scrypt); bpfdeck never stores or logs them.
 * There is always at least one admin: the last one cannot be demoted or deleted.
 */
import 'server-only';
import { db } from '@/lib/db/client';
import { conflict, invalid, notFound } from '@/lib/errors';
import { auth } from '@/lib/auth/auth';
import { parseRole, type Role } from '@/lib/auth/roles';
import type { CreateUserInput, UpdateUserInput } from '@/lib/auth/schemas';
import { countAdmins } from '@/lib/auth/first-run';

export interface PublicUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** how this person signs in: "password", "oidc" */
  methods: string[];
  createdAt: string;
  /** sessions that have not expired */
  activeSessions: number;
}

export { countAdmins };

export async function listUsers(): Promise<PublicUser[]> {
  const now = new Date();
  const rows = await db().user.findMany({
    orderBy: { email: 'asc' },
    include: { accounts: { select: { providerId: true } }, sessions: { where: { expiresAt: { gt: now } }, select: { id: true } } },
  });
  return rows.map((u) => ({
    id: u.id,
    email: u.email,
    name: u.name,
    role: parseRole(u.role),
    methods: [...new Set(u.accounts.map((a) => (a.providerId === 'credential' ? 'password' : a.providerId)))],
    createdAt: u.createdAt.toISOString(),
    activeSessions: u.sessions.length,
  }));
}

export async function getUser(id: string): Promise<PublicUser> {
  const u = (await listUsers()).find((x) => x.id === id);
  if (!u) throw notFound('user');
  return u;
}

/** A local account with a password. */
export async function createUser(input: CreateUserInput): Promise<PublicUser> {
  if (await db().user.findUnique({ where: { email: input.email } })) throw conflict(`an account for ${input.email} exists already`);
  const ctx = await auth().$context;
  const hash = await ctx.password.hash(input.password);
  const user = await ctx.internalAdapter.createUser({ email: input.email, name: input.name, emailVerified: true, role: input.role }, { method: 'admin' });
  try {
    await ctx.internalAdapter.linkAccount({ userId: user.id, providerId: 'credential', accountId: user.id, password: hash });
  } catch (e) {
    await db().user.delete({ where: { id: user.id } });
    throw e;
  }
  return getUser(user.id);
}

export async function updateUser(id: string, input: UpdateUserInput, actingUserId: string): Promise<PublicUser> {
  const before = await db().user.findUnique({ where: { id } });
  if (!before) throw notFound('user');
  if (input.role && input.role !== 'admin' && before.role === 'admin' && (await countAdmins()) <= 1) {
    throw conflict('this is the last admin: make someone else admin first');
  }
  if (input.role && id === actingUserId && input.role !== before.role) {
    throw invalid('you cannot change your own role');
  }
  if (input.name !== undefined || input.role !== undefined) {
    await db().user.update({ where: { id }, data: { name: input.name, role: input.role } });
  }
  if (input.password !== undefined) {
    const ctx = await auth().$context;
    const hash = await ctx.password.hash(input.password);
    const cred = await db().account.findFirst({ where: { userId: id, providerId: 'credential' } });
    if (cred) await ctx.internalAdapter.updatePassword(id, hash);
    else await ctx.internalAdapter.linkAccount({ userId: id, providerId: 'credential', accountId: id, password: hash });
    // A new password ends every session of that person (including a thief's).
    await db().session.deleteMany({ where: { userId: id } });
  }
  return getUser(id);
}

export async function deleteUser(id: string, actingUserId: string): Promise<{ email: string }> {
  const u = await db().user.findUnique({ where: { id } });
  if (!u) throw notFound('user');
  if (id === actingUserId) throw invalid('you cannot delete your own account');
  if (u.role === 'admin' && (await countAdmins()) <= 1) throw conflict('this is the last admin');
  // Sessions, sign-in methods and API tokens go with the account (foreign keys, ON DELETE CASCADE).
  await db().user.delete({ where: { id } });
  return { email: u.email };
}

/** Change one's own password, knowing the current one. Other sessions of the person end. */
export async function changeOwnPassword(userId: string, currentPassword: string, newPassword: string, keepSessionId?: string): Promise<void> {
  const ctx = await auth().$context;
  const cred = await db().account.findFirst({ where: { userId, providerId: 'credential' } });
  if (!cred?.password || !(await ctx.password.verify({ hash: cred.password, password: currentPassword }))) {
    throw invalid('the current password is wrong');
  }
  await ctx.internalAdapter.updatePassword(userId, await ctx.password.hash(newPassword));
  await db().session.deleteMany({ where: { userId, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) } });
}
