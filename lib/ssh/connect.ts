/**
 * SSH connections with pinned host keys. Every connection either verifies the host key against the pin
 * (a different key refuses the connection, naming both fingerprints) or, for first contact, only fetches
 * the key and aborts before authenticating, so that a person can compare the fingerprint and accept it.
 * Keys are never accepted silently.
 *
 * Jump hosts (ProxyJump): a target may carry a chain of hops (`via`, first hop first). We connect to the
 * first hop, ask it to open a TCP channel (`forwardOut`) to the next, run the next SSH session over that
 * channel (`sock`), and so on. Every hop is verified against its own pinned key and logs in with its own
 * identity; an error names the hop that failed and why (connect, authentication, host key, forwarding).
 */
import 'server-only';
import type { Duplex } from 'node:stream';
import ssh2, { type ConnectConfig } from 'ssh2';

// ssh2 is CommonJS: take the class from the default export (named ESM imports do not resolve under Node).
const { Client } = ssh2;
type Client = InstanceType<typeof Client>;
import { AppError } from '@/lib/errors';
import { hostKeyInfo, type HostKeyInfo } from '@/lib/ssh/hostkey';

export interface SshTarget {
  /** for messages only */
  name: string;
  address: string;
  port: number;
  username: string;
  /** decrypted OpenSSH/PEM private key (+ passphrase) or an ssh-agent socket; only in memory */
  privateKey?: string;
  passphrase?: string;
  agent?: string;
  /** base64 key blob pinned for this host; null = not pinned yet (connect refuses) */
  pinnedHostKeyBase64: string | null;
  /** jump hosts to go through, first hop first (each one pinned and logged in to on its own) */
  via?: SshTarget[];
}

export interface ConnectOptions {
  connectTimeoutMs: number;
  /** keepalive: declare the peer dead after intervalMs * countMax of silence */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
}

/**
 * Fetch the host key of address:port without authenticating (first contact). With `via`, the key is
 * fetched through the (pinned) jump hosts: a host behind a bastion is scanned from the bastion's side.
 */
export async function fetchHostKey(address: string, port: number, opts: ConnectOptions, via: SshTarget[] = []): Promise<HostKeyInfo> {
  if (via.length === 0) return fetchHostKeyOver(address, port, opts, undefined);
  const last = await connectChain(via, opts, true);
  try {
    const sock = await forward(last, via[via.length - 1], { name: `${address}:${port}`, address, port });
    return await fetchHostKeyOver(address, port, opts, sock);
  } finally {
    last.end();
  }
}

function fetchHostKeyOver(address: string, port: number, opts: ConnectOptions, sock: Duplex | undefined): Promise<HostKeyInfo> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let seen: HostKeyInfo | null = null;
    const done = (err: Error | null) => {
      client.removeAllListeners();
      client.on('error', () => {}); // late socket errors after end() must not crash the process
      client.end();
      if (seen) resolve(seen);
      else reject(err ?? new AppError('unreachable', `${address}:${port} closed the connection before showing a host key`));
    };
    client.on('error', (err) => done(mapConnectError(err, `${address}:${port}`)));
    client.on('ready', () => done(null));
    client.connect({
      host: address,
      port,
      sock,
      username: 'bpfdeck-hostkey-probe',
      readyTimeout: opts.connectTimeoutMs,
      // Record the key and refuse it: we only wanted to see it.
      hostVerifier: (key: Buffer) => {
        seen = hostKeyInfo(Buffer.from(key));
        return false;
      },
    } as ConnectConfig);
  });
}

/** Connect to the target, through its jump hosts if it has any. Ending the returned client ends every hop. */
export async function connect(target: SshTarget, opts: ConnectOptions): Promise<Client> {
  return connectChain([...(target.via ?? []), { ...target, via: [] }], opts);
}

/** hops[0] directly, each next one over a channel forwarded by the one before. */
async function connectChain(hops: SshTarget[], opts: ConnectOptions, allJumps = false): Promise<Client> {
  // Refuse before touching the network when any hop is not pinned, naming it.
  for (const [i, h] of hops.entries()) {
    if (!h.pinnedHostKeyBase64) {
      const what = allJumps || i < hops.length - 1 ? `jump host ${h.name}` : h.name;
      throw new AppError('host_key_unknown', `the host key of ${what} is not pinned yet: check and accept its fingerprint first`, { hop: h.name });
    }
  }
  const opened: Client[] = [];
  try {
    let sock: Duplex | undefined;
    for (const [i, h] of hops.entries()) {
      const isJump = i < hops.length - 1;
      const c = await connectOne(h, opts, sock, isJump || allJumps ? 'jump host ' : '');
      opened.push(c);
      if (isJump) sock = await forward(c, h, hops[i + 1]);
    }
  } catch (e) {
    for (const c of opened.reverse()) c.end();
    throw e;
  }
  const last = opened[opened.length - 1];
  if (opened.length > 1) {
    // closing the target's session closes the channel it runs in; then end the hops, innermost first
    last.once('close', () => {
      for (const c of opened.slice(0, -1).reverse()) c.end();
    });
  }
  return last;
}

/** Ask `client` (connected to `hop`) to open a TCP channel to `next`; a refusal names the hop. */
function forward(client: Client, hop: SshTarget, next: { name: string; address: string; port: number }): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    client.forwardOut('127.0.0.1', 0, next.address, next.port, (err, stream) => {
      if (err) {
        reject(
          new AppError(
            'forwarding_refused',
            `jump host ${hop.name} (${hop.address}:${hop.port}) refused to forward a connection to ${next.name} (${next.address}:${next.port}): ${err.message}` +
              ' (its sshd needs AllowTcpForwarding and a PermitOpen that includes the target)',
            { hop: hop.name },
          ),
        );
        return;
      }
      resolve(stream as unknown as Duplex);
    });
  });
}

function connectOne(target: SshTarget, opts: ConnectOptions, sock: Duplex | undefined, role: string): Promise<Client> {
  const pinned = Buffer.from(target.pinnedHostKeyBase64 ?? '', 'base64');
  const label = `${role}${target.name}`;
  return new Promise((resolve, reject) => {
    const client = new Client();
    let offered: Buffer | null = null;
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      client.on('error', () => {});
      client.end();
      reject(err);
    };
    client.on('error', (err) => {
      if (offered && !offered.equals(pinned)) {
        const got = hostKeyInfo(offered);
        const want = hostKeyInfo(pinned);
        fail(
          new AppError(
            'host_key_mismatch',
            `host key of ${label} (${target.address}:${target.port}) has changed: pinned ${want.fingerprint} (${want.algo}), ` +
              `offered ${got.fingerprint} (${got.algo}). Refusing to connect. If the change is legitimate, re-pin the key.`,
            { pinned: want.fingerprint, offered: got.fingerprint, hop: target.name },
          ),
        );
        return;
      }
      const mapped = mapConnectError(err, `${label} (${target.address}:${target.port})`, target.agent ? 'agent' : 'key');
      fail(new AppError(mapped.code, mapped.message, { hop: target.name }));
    });
    client.on('ready', () => {
      if (settled) return;
      settled = true;
      // After ready, errors are reported by the users of the connection (exec/sftp); keep the process alive.
      client.removeAllListeners('error');
      client.on('error', () => {});
      resolve(client);
    });
    client.connect({
      host: target.address,
      port: target.port,
      sock,
      username: target.username,
      privateKey: target.privateKey,
      passphrase: target.passphrase,
      agent: target.agent,
      readyTimeout: opts.connectTimeoutMs,
      keepaliveInterval: opts.keepaliveIntervalMs ?? 5000,
      keepaliveCountMax: opts.keepaliveCountMax ?? 3,
      hostVerifier: (key: Buffer) => {
        offered = Buffer.from(key);
        return offered.equals(pinned);
      },
    } as ConnectConfig);
  });
}

function mapConnectError(err: Error & { code?: string; level?: string }, where: string, login: 'key' | 'agent' = 'key'): AppError {
  const code = err.code ?? '';
  if (err.level === 'client-authentication' || /authentication methods failed/i.test(err.message)) {
    return new AppError(
      'auth_failed',
      login === 'agent'
        ? `SSH login to ${where} was refused: the server accepted none of the keys in the ssh-agent`
        : `SSH login to ${where} was refused: the server did not accept the user and private key`,
    );
  }
  if (code === 'ECONNREFUSED') return new AppError('unreachable', `${where} refused the connection (is sshd listening on that port?)`);
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return new AppError('unreachable', `${where} is unreachable (no route to host)`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new AppError('unreachable', `cannot resolve the address of ${where}`);
  if (code === 'ETIMEDOUT' || /timed out/i.test(err.message)) {
    return new AppError('unreachable', `${where} did not answer within the connection timeout`);
  }
  if (/privateKey|private key|Cannot parse/i.test(err.message)) {
    return new AppError('validation', `the private key stored for ${where} cannot be used: ${err.message.replace(/\n.*/s, '')}`);
  }
  return new AppError('unreachable', `SSH connection to ${where} failed: ${err.message}`);
}
