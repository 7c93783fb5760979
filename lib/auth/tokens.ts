/**
 * API tokens for automation: `Authorization: Bearer bpfd_<43 characters>` (32 random bytes). Only the
 * sha256 of a token is stored - a leaked database holds no usable token - and the token itself is
 * returned once, by `createToken`. A token acts with its role, but never with more than its creator
 * has at the time of use; deleting the creator deletes their tokens.
 */
import 'server-only';
import { createHash, randomBytes } from 'node:crypto';
import { db } from '@/lib/db/client';
import { newId } from '@/lib/ids';
import { conflict, invalid, notFound } from '@/lib/errors';
import { minRole, parseRole, roleAtLeast, type Role } from '@/lib/auth/roles';

export const TOKEN_PREFIX = 'bpfd_';
const TOKEN_RE = /^bpfd_[A-Za-z0-9_-]{43}$/;

export interface PublicToken {
  id: string;
  name: string;
  /** the first characters of the token, enough to recognise it */
  prefix: string;
  role: Role;
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function looksLikeToken(s: string): boolean {
  return TOKEN_RE.test(s);
}

type TokenRow = {
  id: string;
  name: string;
  prefix: string;
  role: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdBy: { email: string };
};

function toPublic(t: TokenRow): PublicToken {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    role: parseRole(t.role),
    createdBy: t.createdBy.email,
    createdAt: t.createdAt.toISOString(),
    expiresAt: t.expiresAt?.toISOString() ?? null,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
  };
}

export async function createToken(
  input: { name: string; role: Role; expiresInDays?: number },
  creator: { userId: string; role: Role },
): Promise<{ token: string; info: PublicToken }> {
  if (!roleAtLeast(creator.role, input.role)) throw invalid(`a token cannot have more rights than you (${creator.role})`);
  if (await db().apiToken.findFirst({ where: { name: input.name, createdById: creator.userId, revokedAt: null } })) {
    throw conflict(`you have a token named ${input.name} already`);
  }
  const token = generateToken();
  const row = await db().apiToken.create({
    data: {
      id: newId(),
      name: input.name,
      tokenHash: hashToken(token),
      prefix: token.slice(0, TOKEN_PREFIX.length + 6),
      role: input.role,
      createdById: creator.userId,
      expiresAt: input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null,
    },
    include: { createdBy: { select: { email: true } } },
  });
  return { token, info: toPublic(row) };
}

export async function listTokens(): Promise<PublicToken[]> {
  const rows = await db().apiToken.findMany({ orderBy: { createdAt: 'desc' }, include: { createdBy: { select: { email: true } } } });
  return rows.map(toPublic);
}

export async function revokeToken(id: string): Promise<PublicToken> {
  const t = await db().apiToken.findUnique({ where: { id } });
  if (!t) throw notFound('token');
  if (t.revokedAt) throw conflict('this token is revoked already');
  const row = await db().apiToken.update({ where: { id }, data: { revokedAt: new Date() }, include: { createdBy: { select: { email: true } } } });
  return toPublic(row);
}

export interface TokenIdentity {
  tokenId: string;
  tokenName: string;
  userId: string;
  email: string;
  role: Role;
}

/** The identity behind a presented token, or null when it is unknown, revoked or expired. */
export async function verifyToken(token: string): Promise<TokenIdentity | null> {
  if (!looksLikeToken(token)) return null;
  const t = await db().apiToken.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { createdBy: { select: { id: true, email: true, role: true } } },
  });
  if (!t || t.revokedAt || (t.expiresAt && t.expiresAt.getTime() <= Date.now())) return null;
  // lastUsedAt at most once a minute: a polling script should not turn every read into a write.
  if (!t.lastUsedAt || Date.now() - t.lastUsedAt.getTime() > 60_000) {
    await db().apiToken.update({ where: { id: t.id }, data: { lastUsedAt: new Date() } });
  }
  return {
    tokenId: t.id,
    tokenName: t.name,
    userId: t.createdBy.id,
    email: t.createdBy.email,
    role: minRole(parseRole(t.role), parseRole(t.createdBy.role)),
  };
}
