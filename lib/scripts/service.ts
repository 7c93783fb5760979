/**
 * Custom scripts: an admin's own bpftrace programs. Each save is a new immutable version (text,
 * sha256, author, time); an admin approves a version after it passed a compile-only check on a host
 * (lib/scripts/check); operators run approved versions only (lib/scripts/run). Routes audit every
 * change, check, approval and run (lib/audit).
 */
import 'server-only';
import { createHash } from 'node:crypto';
import { db } from '@/lib/db/client';
import type { CustomScript, CustomScriptVersion } from '@/lib/db/generated/client';
import { AppError, conflict, notFound } from '@/lib/errors';
import { newId } from '@/lib/ids';
import type { CreateScriptInput } from '@/lib/scripts/schemas';
import type { PublicScript, PublicScriptVersion, ScriptCheck } from '@/lib/scripts/types';

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

function toPublicVersion(v: CustomScriptVersion, withText: boolean): PublicScriptVersion {
  return {
    id: v.id,
    number: v.number,
    sha256: v.sha256,
    author: v.author,
    createdAt: v.createdAt.toISOString(),
    approvedBy: v.approvedBy,
    approvedAt: v.approvedAt?.toISOString() ?? null,
    check: v.checkJson ? (JSON.parse(v.checkJson) as ScriptCheck) : null,
    ...(withText ? { text: v.text } : {}),
  };
}

function toPublicScript(s: CustomScript & { versions: CustomScriptVersion[] }, withText: boolean): PublicScript {
  const versions = [...s.versions].sort((a, b) => b.number - a.number);
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    createdBy: s.createdBy,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    versions: versions.map((v) => toPublicVersion(v, withText)),
    approvedVersionId: versions.find((v) => v.approvedAt)?.id ?? null,
  };
}

function isUniqueViolation(e: unknown): boolean {
  return (e as { code?: string } | null)?.code === 'P2002';
}

export async function listScripts(): Promise<PublicScript[]> {
  const rows = await db().customScript.findMany({ orderBy: { name: 'asc' }, include: { versions: true } });
  return rows.map((s) => toPublicScript(s, false));
}

/** A script with every version's text (scripts are small: at most MAX_SCRIPT_BYTES each). */
export async function getScript(id: string): Promise<PublicScript> {
  const s = await db().customScript.findUnique({ where: { id }, include: { versions: true } });
  if (!s) throw notFound('script');
  return toPublicScript(s, true);
}

export async function createScript(input: CreateScriptInput, author: string): Promise<PublicScript> {
  const id = newId();
  try {
    await db().customScript.create({
      data: {
        id,
        name: input.name,
        description: input.description,
        createdBy: author,
        versions: { create: [{ id: newId(), number: 1, text: input.text, sha256: sha256Hex(input.text), author }] },
      },
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict(`a script named ${JSON.stringify(input.name)} exists already`);
    throw e;
  }
  return getScript(id);
}

/** A new version with this text; refused when it is the newest version's text already (nothing changed). */
export async function saveVersion(scriptId: string, text: string, author: string): Promise<PublicScriptVersion> {
  const latest = await db().customScriptVersion.findFirst({ where: { scriptId }, orderBy: { number: 'desc' } });
  if (!latest) throw notFound('script');
  const sha256 = sha256Hex(text);
  if (latest.sha256 === sha256) throw conflict(`version ${latest.number} has this text already: nothing to save`);
  try {
    const v = await db().customScriptVersion.create({ data: { id: newId(), scriptId, number: latest.number + 1, text, sha256, author } });
    await db().customScript.update({ where: { id: scriptId }, data: { updatedAt: new Date() } });
    return toPublicVersion(v, true);
  } catch (e) {
    // two saves at once: the second one's number is taken
    if (isUniqueViolation(e)) throw conflict('another version was saved at the same time: reload and save again');
    throw e;
  }
}

export async function getVersionRow(scriptId: string, versionId: string): Promise<CustomScriptVersion> {
  const v = await db().customScriptVersion.findUnique({ where: { id: versionId } });
  if (!v || v.scriptId !== scriptId) throw notFound('script version');
  return v;
}

/** Store a check with every version of the script whose text it checked (same sha256). */
export async function recordCheck(scriptId: string, check: ScriptCheck): Promise<number> {
  const r = await db().customScriptVersion.updateMany({ where: { scriptId, sha256: check.sha256 }, data: { checkJson: JSON.stringify(check) } });
  return r.count;
}

/**
 * Approve a version: from now on operators may run it. Only a version whose last check on a host
 * passed (bpftrace compiled exactly this text), so nothing is approved that bpftrace refuses.
 */
export async function approveVersion(scriptId: string, versionId: string, approver: string): Promise<PublicScriptVersion> {
  const v = await getVersionRow(scriptId, versionId);
  if (v.approvedAt) throw conflict(`version ${v.number} was approved already by ${v.approvedBy}`);
  const check = v.checkJson ? (JSON.parse(v.checkJson) as ScriptCheck) : null;
  if (!check || check.sha256 !== v.sha256) throw conflict(`version ${v.number} has not been checked on a host yet: check it first`);
  if (!check.ok) {
    throw conflict(`version ${v.number} did not pass its check on ${check.hostName}: bpftrace refused it (exit ${check.exitCode}); fix it first`);
  }
  const updated = await db().customScriptVersion.update({ where: { id: v.id }, data: { approvedBy: approver, approvedAt: new Date() } });
  return toPublicVersion(updated, false);
}

/** The version a run may use: the one asked for, or the newest approved; never an unapproved one. */
export async function runnableVersion(scriptId: string, versionId?: string): Promise<CustomScriptVersion & { script: CustomScript }> {
  const script = await db().customScript.findUnique({ where: { id: scriptId } });
  if (!script) throw notFound('script');
  const v = versionId
    ? await db().customScriptVersion.findUnique({ where: { id: versionId } })
    : await db().customScriptVersion.findFirst({ where: { scriptId, approvedAt: { not: null } }, orderBy: { number: 'desc' } });
  if (versionId && (!v || v.scriptId !== scriptId)) throw notFound('script version');
  if (!v) throw new AppError('conflict', `${script.name} has no approved version yet: an admin approves one first`);
  if (!v.approvedAt) throw new AppError('forbidden', `version ${v.number} of ${script.name} is not approved: only approved versions run`);
  return { ...v, script };
}
