/**
 * Host inventory: CRUD, host key pinning, preflight, and opening connections. Private keys are
 * decrypted only inside `withConnection` and never leave this module; `PublicHost` is what APIs return.
 */
import 'server-only';
import ssh2, { type Client } from 'ssh2';
import { db, type Host } from '@/lib/db/client';
import { config } from '@/lib/env';
import { AppError, conflict, invalid, notFound } from '@/lib/errors';
import { decryptSecret, encryptSecret } from '@/lib/crypto/secrets';
import { newId } from '@/lib/ids';
import { connect, fetchHostKey } from '@/lib/ssh/connect';
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
  hostKey: null | { algo: string; fingerprint: string; pinnedAt: string };
  capabilities: HostCapabilities | null;
  createdAt: string;
}

export function toPublicHost(h: Host): PublicHost {
  return {
    id: h.id,
    name: h.name,
    address: h.address,
    port: h.port,
    username: h.username,
    hostKey:
      h.hostKeyFingerprint && h.hostKeyPinnedAt
        ? { algo: h.hostKeyAlgo ?? 'unknown', fingerprint: h.hostKeyFingerprint, pinnedAt: h.hostKeyPinnedAt.toISOString() }
        : null,
    capabilities: h.preflightJson ? (JSON.parse(h.preflightJson) as HostCapabilities) : null,
    createdAt: h.createdAt.toISOString(),
  };
}

function checkPrivateKey(pem: string): void {
  const parsed = ssh2.utils.parseKey(pem);
  if (parsed instanceof Error) {
    const encrypted = /encrypted|passphrase/i.test(parsed.message);
    throw invalid(
      encrypted
        ? 'this private key is protected by a passphrase; passphrase-protected keys are not supported yet'
        : `the private key cannot be read: ${parsed.message}`,
    );
  }
}

export async function listHosts(): Promise<PublicHost[]> {
  return (await db().host.findMany({ orderBy: { name: 'asc' } })).map(toPublicHost);
}

export async function getHostRow(id: string): Promise<Host> {
  const h = await db().host.findUnique({ where: { id } });
  if (!h) throw notFound('host');
  return h;
}

export async function getHost(id: string): Promise<PublicHost> {
  return toPublicHost(await getHostRow(id));
}

export async function createHost(input: CreateHostInput): Promise<PublicHost> {
  checkPrivateKey(input.privateKey);
  if (await db().host.findUnique({ where: { name: input.name } })) throw conflict(`a host named ${input.name} exists already`);
  const h = await db().host.create({
    data: {
      id: newId(),
      name: input.name,
      address: input.address,
      port: input.port,
      username: input.username,
      privateKeyEnc: encryptSecret(input.privateKey),
    },
  });
  return toPublicHost(h);
}

export async function updateHost(id: string, input: UpdateHostInput): Promise<PublicHost> {
  const before = await getHostRow(id);
  if (input.privateKey) checkPrivateKey(input.privateKey);
  if (input.name && input.name !== before.name && (await db().host.findUnique({ where: { name: input.name } }))) {
    throw conflict(`a host named ${input.name} exists already`);
  }
  // A new address or port is a different endpoint: its key must be checked and accepted again.
  const endpointChanged =
    (input.address !== undefined && input.address !== before.address) || (input.port !== undefined && input.port !== before.port);
  const h = await db().host.update({
    where: { id },
    data: {
      name: input.name,
      address: input.address,
      port: input.port,
      username: input.username,
      privateKeyEnc: input.privateKey ? encryptSecret(input.privateKey) : undefined,
      ...(endpointChanged
        ? { hostKeyAlgo: null, hostKeyBlob: null, hostKeyFingerprint: null, hostKeyPinnedAt: null, preflightJson: null, preflightAt: null }
        : {}),
      ...(input.username !== undefined && input.username !== before.username ? { preflightJson: null, preflightAt: null } : {}),
    },
  });
  return toPublicHost(h);
}

export async function deleteHost(id: string): Promise<void> {
  await getHostRow(id);
  await db().host.delete({ where: { id } });
}

/** First contact: show the key the host offers, without trusting it. */
export async function scanHostKey(id: string): Promise<HostKeyInfo & { pinned: string | null; matchesPinned: boolean }> {
  const h = await getHostRow(id);
  const key = await fetchHostKey(h.address, h.port, { connectTimeoutMs: config().sshConnectTimeoutMs });
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
  const key = await fetchHostKey(h.address, h.port, { connectTimeoutMs: config().sshConnectTimeoutMs });
  if (key.fingerprint !== fingerprint) {
    throw new AppError(
      'host_key_mismatch',
      `the host now offers ${key.fingerprint}, not the ${fingerprint} you accepted; nothing was pinned`,
      { accepted: fingerprint, offered: key.fingerprint },
    );
  }
  const updated = await db().host.update({
    where: { id },
    data: { hostKeyAlgo: key.algo, hostKeyBlob: key.blobBase64, hostKeyFingerprint: key.fingerprint, hostKeyPinnedAt: new Date() },
  });
  return toPublicHost(updated);
}

/** Open a connection with the pinned key, run fn, always close. */
export async function withConnection<T>(host: Host, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = await connect(
    {
      name: host.name,
      address: host.address,
      port: host.port,
      username: host.username,
      privateKey: decryptSecret(host.privateKeyEnc),
      pinnedHostKeyBase64: host.hostKeyBlob,
    },
    { connectTimeoutMs: config().sshConnectTimeoutMs },
  );
  try {
    return await fn(client);
  } finally {
    client.end();
  }
}

export async function checkHost(id: string): Promise<PublicHost> {
  const h = await getHostRow(id);
  const caps = await withConnection(h, (c) => runPreflight(c, wantedTracepoints()));
  return toPublicHost(await saveCapabilities(id, caps));
}

export async function saveCapabilities(id: string, caps: HostCapabilities): Promise<Host> {
  return db().host.update({ where: { id }, data: { preflightJson: JSON.stringify(caps), preflightAt: new Date(caps.checkedAt) } });
}
