/**
 * Host inventory: CRUD, host key pinning, preflight, and opening connections. Private keys are
 * decrypted only inside `withConnection` and never leave this module; `PublicHost` is what APIs return.
 */
import 'server-only';
import type { Client } from 'ssh2';
import { db, type Host } from '@/lib/db/client';
import { config } from '@/lib/env';
import { AppError, conflict, invalid, notFound } from '@/lib/errors';
import { newId } from '@/lib/ids';
import { connect, fetchHostKey, type SshTarget } from '@/lib/ssh/connect';
import { createImplicitIdentity, getIdentityRow, loginFor, rotateIdentity } from '@/lib/hosts/identities';
import { parseSelector, selectHosts, SelectorError } from '@/lib/hosts/selector';
import type { HostKeyInfo } from '@/lib/ssh/hostkey';
import { runPreflight, type HostCapabilities } from '@/lib/bpftrace/preflight';
import { wantedTracepoints } from '@/lib/tools/catalog';
import type { CreateHostInput, UpdateHostInput } from '@/lib/hosts/schemas';

export interface PublicHost {
  id: string;
  name: string;
  address: string;
  port: number;
  username: string;
  /** the SSH identity it logs in with (public facts only: the public key line is what goes into the host's authorized_keys) */
  identity: null | { id: string; name: string; kind: string; fingerprint: string; publicKey: string };
  /** ProxyJump chain, first hop first */
  jumpHostIds: string[];
  tags: Record<string, string>;
  hostKey: null | { algo: string; fingerprint: string; pinnedAt: string };
  capabilities: HostCapabilities | null;
  /** the last host check failed before it could look at the host (auth_failed, unreachable, ...); null once a check works */
  checkError: null | { code: string; message: string; at: string };
  createdAt: string;
}

type HostWithIdentity = Host & { identity?: { id: string; name: string; kind: string; fingerprint: string; publicKey: string } | null };

export function toPublicHost(h: HostWithIdentity): PublicHost {
  return {
    id: h.id,
    name: h.name,
    address: h.address,
    port: h.port,
    username: h.username,
    identity: h.identity
      ? { id: h.identity.id, name: h.identity.name, kind: h.identity.kind, fingerprint: h.identity.fingerprint, publicKey: h.identity.publicKey }
      : null,
    jumpHostIds: JSON.parse(h.jumpHostIds) as string[],
    tags: JSON.parse(h.tagsJson) as Record<string, string>,
    hostKey:
      h.hostKeyFingerprint && h.hostKeyPinnedAt
        ? { algo: h.hostKeyAlgo ?? 'unknown', fingerprint: h.hostKeyFingerprint, pinnedAt: h.hostKeyPinnedAt.toISOString() }
        : null,
    capabilities: h.preflightJson ? (JSON.parse(h.preflightJson) as HostCapabilities) : null,
    checkError: h.checkError && h.checkFailedAt ? { ...splitCheckError(h.checkError), at: h.checkFailedAt.toISOString() } : null,
    createdAt: h.createdAt.toISOString(),
  };
}

/** "<code>: <message>" as stored in Host.checkError */
function splitCheckError(s: string): { code: string; message: string } {
  const i = s.indexOf(': ');
  return i < 0 ? { code: 'remote_failed', message: s } : { code: s.slice(0, i), message: s.slice(i + 2) };
}

const withIdentity = { identity: { select: { id: true, name: true, kind: true, fingerprint: true, publicKey: true } } } as const;

export async function listHosts(opts: { selector?: string } = {}): Promise<PublicHost[]> {
  const all = (await db().host.findMany({ orderBy: { name: 'asc' }, include: withIdentity })).map(toPublicHost);
  if (opts.selector === undefined) return all;
  try {
    return selectHosts(parseSelector(opts.selector), all);
  } catch (e) {
    if (e instanceof SelectorError) throw invalid(`selector: ${e.message}`);
    throw e;
  }
}

export async function getHostRow(id: string): Promise<HostWithIdentity> {
  const h = await db().host.findUnique({ where: { id }, include: withIdentity });
  if (!h) throw notFound('host');
  return h;
}

/** Check a ProxyJump chain: hosts that exist, not the host itself, no repeats. */
async function checkJumpChain(selfId: string | null, ids: string[]): Promise<string[]> {
  if (new Set(ids).size !== ids.length) throw invalid('jump hosts: a host appears twice in the chain');
  for (const id of ids) {
    if (id === selfId) throw invalid('jump hosts: a host cannot be its own jump host');
    if (!(await db().host.findUnique({ where: { id }, select: { id: true } }))) throw invalid(`jump hosts: no host with id ${id}`);
  }
  return ids;
}

async function identityFor(hostName: string, input: { privateKey?: string; passphrase?: string; identityId?: string }): Promise<string | undefined> {
  if (input.identityId) return (await getIdentityRow(input.identityId)).id;
  if (input.privateKey) return createImplicitIdentity(hostName, input.privateKey, input.passphrase);
  return undefined;
}

export async function getHost(id: string): Promise<PublicHost> {
  return toPublicHost(await getHostRow(id));
}

export async function createHost(input: CreateHostInput): Promise<PublicHost> {
  if (await db().host.findUnique({ where: { name: input.name } })) throw conflict(`a host named ${input.name} exists already`);
  const jumpHostIds = await checkJumpChain(null, input.jumpHostIds ?? []);
  const identityId = await identityFor(input.name, input);
  const h = await db().host.create({
    data: {
      id: newId(),
      name: input.name,
      address: input.address,
      port: input.port,
      username: input.username,
      identityId,
      jumpHostIds: JSON.stringify(jumpHostIds),
      tagsJson: JSON.stringify(input.tags ?? {}),
    },
    include: withIdentity,
  });
  return toPublicHost(h);
}

export async function updateHost(id: string, input: UpdateHostInput): Promise<PublicHost> {
  const before = await getHostRow(id);
  if (input.name && input.name !== before.name && (await db().host.findUnique({ where: { name: input.name } }))) {
    throw conflict(`a host named ${input.name} exists already`);
  }
  // A new address or port is a different endpoint: its key must be checked and accepted again.
  const jumpHostIds = input.jumpHostIds ? await checkJumpChain(id, input.jumpHostIds) : undefined;
  const endpointChanged =
    (input.address !== undefined && input.address !== before.address) ||
    (input.port !== undefined && input.port !== before.port) ||
    (jumpHostIds !== undefined && JSON.stringify(jumpHostIds) !== before.jumpHostIds);
  // A new private key for one host: its identity is rotated when no other host uses it; otherwise the
  // host gets a new identity of its own (the hosts sharing the old one keep it).
  let identityId: string | undefined;
  if (input.privateKey && before.identityId && (await db().host.count({ where: { identityId: before.identityId } })) === 1) {
    await rotateIdentity(before.identityId, { kind: 'key', privateKey: input.privateKey, passphrase: input.passphrase });
  } else {
    identityId = await identityFor(input.name ?? before.name, input);
  }
  const h = await db().host.update({
    where: { id },
    data: {
      name: input.name,
      address: input.address,
      port: input.port,
      username: input.username,
      identityId,
      jumpHostIds: jumpHostIds ? JSON.stringify(jumpHostIds) : undefined,
      tagsJson: input.tags ? JSON.stringify(input.tags) : undefined,
      ...(endpointChanged
        ? { hostKeyAlgo: null, hostKeyBlob: null, hostKeyFingerprint: null, hostKeyPinnedAt: null, preflightJson: null, preflightAt: null }
        : {}),
      ...(input.username !== undefined && input.username !== before.username ? { preflightJson: null, preflightAt: null } : {}),
      // a check error said something about the old endpoint, user or key
      ...(endpointChanged || (input.username !== undefined && input.username !== before.username) || input.privateKey || input.identityId
        ? { checkError: null, checkFailedAt: null }
        : {}),
    },
    include: withIdentity,
  });
  return toPublicHost(h);
}

export async function deleteHost(id: string): Promise<void> {
  await getHostRow(id);
  const users = (await db().host.findMany({ select: { name: true, jumpHostIds: true } })).filter((h) => (JSON.parse(h.jumpHostIds) as string[]).includes(id));
  if (users.length) throw conflict(`this host is a jump host of ${users.map((u) => u.name).join(', ')}: change their chains first`);
  await db().host.delete({ where: { id } });
}

/** The hosts of a ProxyJump chain as connection targets (each with its own pinned key and login). */
async function jumpTargets(h: Host): Promise<SshTarget[]> {
  const out: SshTarget[] = [];
  for (const jid of JSON.parse(h.jumpHostIds) as string[]) {
    const j = await db().host.findUnique({ where: { id: jid } });
    if (!j) throw new AppError('validation', `a jump host of ${h.name} was deleted: fix its chain`);
    out.push(await targetOf(j, []));
  }
  return out;
}

async function targetOf(h: Host, via: SshTarget[]): Promise<SshTarget> {
  return {
    name: h.name,
    address: h.address,
    port: h.port,
    username: h.username,
    ...(await loginFor(h.identityId, h.name)),
    pinnedHostKeyBase64: h.hostKeyBlob,
    via,
  };
}

/** First contact: show the key the host offers, without trusting it. */
export async function scanHostKey(id: string): Promise<HostKeyInfo & { pinned: string | null; matchesPinned: boolean }> {
  const h = await getHostRow(id);
  const key = await fetchHostKey(h.address, h.port, { connectTimeoutMs: config().sshConnectTimeoutMs }, await jumpTargets(h));
  return { ...key, pinned: h.hostKeyFingerprint, matchesPinned: h.hostKeyFingerprint === key.fingerprint };
}

/**
 * Pin the host key the user accepted. The key is fetched again and must still have the fingerprint the
 * user saw, so a key swapped between "show" and "accept" is never pinned. Re-pinning an already pinned
 * host (after a legitimate key change) requires `replace`.
 */
export async function acceptHostKey(id: string, fingerprint: string, opts: { replace?: boolean } = {}): Promise<PublicHost> {
  const h = await getHostRow(id);
  if (h.hostKeyFingerprint && h.hostKeyFingerprint !== fingerprint && !opts.replace) {
    throw conflict(`${h.name} already has a pinned key (${h.hostKeyFingerprint}); re-pinning must be asked for explicitly`);
  }
  const key = await fetchHostKey(h.address, h.port, { connectTimeoutMs: config().sshConnectTimeoutMs }, await jumpTargets(h));
  if (key.fingerprint !== fingerprint) {
    throw new AppError('host_key_mismatch', `the host now offers ${key.fingerprint}, not the ${fingerprint} you accepted; nothing was pinned`, {
      accepted: fingerprint,
      offered: key.fingerprint,
    });
  }
  const updated = await db().host.update({
    where: { id },
    data: { hostKeyAlgo: key.algo, hostKeyBlob: key.blobBase64, hostKeyFingerprint: key.fingerprint, hostKeyPinnedAt: new Date() },
    include: withIdentity,
  });
  return toPublicHost(updated);
}

/** Open a connection with the pinned key, run fn, always close. */
export async function withConnection<T>(host: Host, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = await connect(await targetOf(host, await jumpTargets(host)), { connectTimeoutMs: config().sshConnectTimeoutMs });
  try {
    return await fn(client);
  } finally {
    client.end();
  }
}

export async function checkHost(id: string): Promise<PublicHost> {
  const h = await getHostRow(id);
  let caps: HostCapabilities;
  try {
    caps = await withConnection(h, (c) => runPreflight(c, wantedTracepoints()));
  } catch (e) {
    // kept for the hosts list's status ("auth failed"); the capabilities of an earlier check stay as they were
    if (e instanceof AppError) {
      await db().host.update({ where: { id }, data: { checkError: `${e.code}: ${e.message}`.slice(0, 2000), checkFailedAt: new Date() } });
    }
    throw e;
  }
  await saveCapabilities(id, caps);
  return getHost(id);
}

export async function saveCapabilities(id: string, caps: HostCapabilities): Promise<Host> {
  return db().host.update({
    where: { id },
    data: { preflightJson: JSON.stringify(caps), preflightAt: new Date(caps.checkedAt), checkError: null, checkFailedAt: null },
  });
}

/** When each host last had a run started (for the hosts list), one query for all hosts. */
export async function lastRunAtByHost(): Promise<Map<string, string>> {
  const rows = await db().run.groupBy({ by: ['hostId'], _max: { createdAt: true } });
  return new Map(rows.filter((r) => r._max.createdAt).map((r) => [r.hostId, r._max.createdAt!.toISOString()]));
}
