/**
 * SSH connections with pinned host keys. Every connection either verifies the host key against the pin
 * (a different key refuses the connection, naming both fingerprints) or, for first contact, only fetches
 * the key and aborts before authenticating, so that a person can compare the fingerprint and accept it.
 * Keys are never accepted silently.
 */
import 'server-only';
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
  /** decrypted OpenSSH private key; lives only in memory for the connection's lifetime */
  privateKey: string;
  /** base64 key blob pinned for this host; null = not pinned yet (connect refuses) */
  pinnedHostKeyBase64: string | null;
}

export interface ConnectOptions {
  connectTimeoutMs: number;
  /** keepalive: declare the peer dead after intervalMs * countMax of silence */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
}

/** Fetch the host key of address:port without authenticating (first contact). */
export function fetchHostKey(address: string, port: number, opts: ConnectOptions): Promise<HostKeyInfo> {
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

export function connect(target: SshTarget, opts: ConnectOptions): Promise<Client> {
  if (!target.pinnedHostKeyBase64) {
    return Promise.reject(
      new AppError('host_key_unknown', `the host key of ${target.name} is not pinned yet: check and accept its fingerprint first`),
    );
  }
  const pinned = Buffer.from(target.pinnedHostKeyBase64, 'base64');
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
            `host key of ${target.name} (${target.address}:${target.port}) has changed: pinned ${want.fingerprint} (${want.algo}), ` +
              `offered ${got.fingerprint} (${got.algo}). Refusing to connect. If the change is legitimate, re-pin the key.`,
            { pinned: want.fingerprint, offered: got.fingerprint },
          ),
        );
        return;
      }
      fail(mapConnectError(err, `${target.name} (${target.address}:${target.port})`));
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
      username: target.username,
      privateKey: target.privateKey,
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

function mapConnectError(err: Error & { code?: string; level?: string }, where: string): AppError {
  const code = err.code ?? '';
  if (err.level === 'client-authentication' || /authentication methods failed/i.test(err.message)) {
    return new AppError('auth_failed', `SSH login to ${where} was refused: the server did not accept the user and private key`);
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
