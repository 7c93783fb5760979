/**
 * SSH identities: how bpfdeck logs in, shared by many hosts and rotated once for all of them.
 *
 * - kind "key": a private key (OpenSSH or PEM), optionally passphrase-protected. Key and passphrase are
 *   encrypted at rest (lib/crypto/secrets) and decrypted only in `loginFor`, in memory, for a connection.
 *   The passphrase is checked when the identity is saved (ssh2 parses the key with it).
 * - kind "agent": the keys of an ssh-agent whose socket is on the bpfdeck server. Only sockets listed in
 *   BPFDECK_SSH_AGENT_SOCKETS may be named (an admin cannot point bpfdeck at an arbitrary socket), and
 *   the agent must hold at least one key when the identity is saved. The agent is used by bpfdeck's own
 *   client only: it is never forwarded to targets.
 *
 * What APIs return (`PublicIdentity`) is the public key and its SHA256 fingerprint, never the private half.
 */
import ssh2 from 'ssh2';
import { db, type SshIdentity } from '@/lib/db/client';
import { config } from '@/lib/env';
import { AppError, conflict, invalid, notFound } from '@/lib/errors';
import { decryptSecret, encryptSecret } from '@/lib/crypto/secrets';
import { newId } from '@/lib/ids';
import { fingerprintOf } from '@/lib/ssh/hostkey';

export interface PublicIdentity {
  id: string;
  name: string;
  kind: 'key' | 'agent';
  /** OpenSSH public key line, for authorized_keys */
  publicKey: string;
  fingerprint: string;
  encrypted: boolean;
  agentSocket: string | null;
  hostCount: number;
  createdAt: string;
  updatedAt: string;
}

export type IdentityInput = { name: string; kind: 'key'; privateKey: string; passphrase?: string } | { name: string; kind: 'agent'; agentSocket: string };

/** What a connection needs to log in; lives only in memory for the connection's lifetime. */
export type Login = { privateKey: string; passphrase?: string } | { agent: string };

interface PublicPart {
  publicKey: string;
  fingerprint: string;
}

function publicOf(parsed: { type: string; getPublicSSH(): Buffer; comment?: string }): PublicPart {
  const blob = parsed.getPublicSSH();
  return { publicKey: `${parsed.type} ${blob.toString('base64')}`, fingerprint: fingerprintOf(blob) };
}

/**
 * Parse a private key with its passphrase. Wrong or missing passphrase and unreadable keys each get
 * their own message; the key text itself never appears in one.
 */
export function checkKey(privateKey: string, passphrase?: string): PublicPart {
  const parsed = ssh2.utils.parseKey(privateKey, passphrase || undefined);
  if (parsed instanceof Error) {
    const m = parsed.message;
    if (/no passphrase|without passphrase|encrypted.*passphrase|passphrase.*required/i.test(m)) {
      throw invalid('this private key is protected by a passphrase: give its passphrase');
    }
    if (passphrase && /bad passphrase|decrypt|integrity|padding|malformed|unsupported state/i.test(m)) {
      throw invalid('wrong passphrase: the private key could not be decrypted with it');
    }
    throw invalid(`the private key cannot be read: ${m.replace(/\n.*/s, '')}`);
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || !key.isPrivateKey()) throw invalid('this is not a private key');
  return publicOf(key);
}

/** The keys an ssh-agent holds (public halves), or a clear error when it cannot be asked or holds none. */
export function agentKeys(socket: string): Promise<PublicPart[]> {
  return new Promise((resolve, reject) => {
    let agent: ReturnType<typeof ssh2.createAgent>;
    try {
      agent = ssh2.createAgent(socket);
    } catch (e) {
      reject(invalid(`cannot use the ssh-agent at ${socket}: ${(e as Error).message}`));
      return;
    }
    const timer = setTimeout(() => reject(invalid(`the ssh-agent at ${socket} did not answer within 5 s`)), 5000);
    agent.getIdentities((err, keys) => {
      clearTimeout(timer);
      if (err) reject(invalid(`cannot ask the ssh-agent at ${socket} for its keys: ${err.message}`));
      else if (!keys || keys.length === 0) reject(invalid(`the ssh-agent at ${socket} holds no key: add one with ssh-add`));
      else resolve(keys.map((k) => publicOf(k as ssh2.ParsedKey)));
    });
  });
}

function allowedSocket(socket: string): string {
  const allowed = config().sshAgentSockets;
  if (!allowed.includes(socket)) {
    throw invalid(
      allowed.length
        ? `agent socket ${socket} is not one of the sockets this server allows (BPFDECK_SSH_AGENT_SOCKETS: ${allowed.join(', ')})`
        : 'no ssh-agent socket is configured on this server: set BPFDECK_SSH_AGENT_SOCKETS to allow agent identities',
    );
  }
  return socket;
}

async function sealInput(
  input: IdentityInput,
): Promise<Pick<SshIdentity, 'kind' | 'privateKeyEnc' | 'passphraseEnc' | 'agentSocket' | 'publicKey' | 'fingerprint'>> {
  if (input.kind === 'key') {
    const pub = checkKey(input.privateKey, input.passphrase);
    return {
      kind: 'key',
      privateKeyEnc: encryptSecret(input.privateKey),
      passphraseEnc: input.passphrase ? encryptSecret(input.passphrase) : null,
      agentSocket: null,
      ...pub,
    };
  }
  const socket = allowedSocket(input.agentSocket);
  const keys = await agentKeys(socket);
  return { kind: 'agent', privateKeyEnc: null, passphraseEnc: null, agentSocket: socket, ...keys[0] };
}

/** Identities moved out of hosts by the migration have no public part yet: derive it once. */
async function ensurePublic(row: SshIdentity): Promise<SshIdentity> {
  if (row.fingerprint || row.kind !== 'key' || !row.privateKeyEnc) return row;
  let pub: PublicPart;
  try {
    pub = checkKey(decryptSecret(row.privateKeyEnc), row.passphraseEnc ? decryptSecret(row.passphraseEnc) : undefined);
  } catch {
    return row; // shown without a fingerprint; a connection then reports why the key is unusable
  }
  return db().sshIdentity.update({ where: { id: row.id }, data: pub });
}

export function toPublicIdentity(row: SshIdentity, hostCount: number): PublicIdentity {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind === 'agent' ? 'agent' : 'key',
    publicKey: row.publicKey,
    fingerprint: row.fingerprint,
    encrypted: row.passphraseEnc !== null,
    agentSocket: row.agentSocket,
    hostCount,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function listIdentities(): Promise<PublicIdentity[]> {
  const rows = await db().sshIdentity.findMany({ orderBy: { name: 'asc' }, include: { _count: { select: { hosts: true } } } });
  const out: PublicIdentity[] = [];
  for (const r of rows) out.push(toPublicIdentity(await ensurePublic(r), r._count.hosts));
  return out;
}

export async function getIdentityRow(id: string): Promise<SshIdentity> {
  const r = await db().sshIdentity.findUnique({ where: { id } });
  if (!r) throw notFound('SSH identity');
  return r;
}

export async function getIdentity(id: string): Promise<PublicIdentity> {
  const r = await ensurePublic(await getIdentityRow(id));
  return toPublicIdentity(r, await db().host.count({ where: { identityId: id } }));
}

export async function createIdentity(input: IdentityInput): Promise<PublicIdentity> {
  if (await db().sshIdentity.findUnique({ where: { name: input.name } })) throw conflict(`an SSH identity named ${input.name} exists already`);
  const sealed = await sealInput(input);
  const row = await db().sshIdentity.create({ data: { id: newId(), name: input.name, ...sealed } });
  return toPublicIdentity(row, 0);
}

/** Identity for a host created with its own key (the API before identities): one identity per host. */
export async function createImplicitIdentity(hostName: string, privateKey: string, passphrase?: string): Promise<string> {
  let name = `host-${hostName}`;
  for (let i = 2; await db().sshIdentity.findUnique({ where: { name } }); i++) name = `host-${hostName}-${i}`;
  const sealed = await sealInput({ name, kind: 'key', privateKey, passphrase });
  return (await db().sshIdentity.create({ data: { id: newId(), name, ...sealed } })).id;
}

/**
 * Rotate: replace the key (or the agent socket) of an identity. Every host using it logs in with the
 * new one from the next connection on. The new key is checked like a new identity's.
 */
export type RotateInput = { name?: string; kind: 'key'; privateKey: string; passphrase?: string } | { name?: string; kind: 'agent'; agentSocket: string };

export async function rotateIdentity(id: string, input: RotateInput): Promise<PublicIdentity> {
  const before = await getIdentityRow(id);
  if (input.name && input.name !== before.name && (await db().sshIdentity.findUnique({ where: { name: input.name } }))) {
    throw conflict(`an SSH identity named ${input.name} exists already`);
  }
  const sealed = await sealInput({ ...input, name: input.name ?? before.name } as IdentityInput);
  const row = await db().sshIdentity.update({ where: { id }, data: { name: input.name ?? before.name, ...sealed } });
  return toPublicIdentity(row, await db().host.count({ where: { identityId: id } }));
}

export async function deleteIdentity(id: string): Promise<void> {
  await getIdentityRow(id);
  const n = await db().host.count({ where: { identityId: id } });
  if (n > 0) throw conflict(`this SSH identity is used by ${n} host(s): give them another identity first`);
  await db().sshIdentity.delete({ where: { id } });
}

/** Decrypt what a connection needs. Only lib/hosts calls this, right before connecting. */
export async function loginFor(identityId: string | null, hostName: string): Promise<Login> {
  if (!identityId) throw new AppError('validation', `${hostName} has no SSH identity: give it one`);
  const r = await getIdentityRow(identityId);
  if (r.kind === 'agent') {
    if (!r.agentSocket) throw new AppError('validation', `SSH identity ${r.name} names no agent socket`);
    return { agent: allowedSocket(r.agentSocket) };
  }
  if (!r.privateKeyEnc) throw new AppError('validation', `SSH identity ${r.name} holds no private key`);
  return { privateKey: decryptSecret(r.privateKeyEnc), passphrase: r.passphraseEnc ? decryptSecret(r.passphraseEnc) : undefined };
}
