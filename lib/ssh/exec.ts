/**
 * Running fixed commands over an established SSH connection. Commands are built only from constants
 * and validated values (see lib/ssh/remote-bpftrace.ts); nothing a user typed is ever part of one.
 */
import 'server-only';
import type { Client, ClientChannel } from 'ssh2';
import { AppError } from '@/lib/errors';

export interface ExecResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** An exec channel whose exit status is recorded from the moment it opens (see openExec). */
export type ExecChannel = ClientChannel & { exitStatus: { code: number | null; signal: string | null } };

/**
 * Start a remote command. The exit status is recorded here, synchronously: ssh2 may parse the exec
 * reply, the output, `exit-status` and the close in one read, emitting 'exit' before a caller that
 * awaits this promise could listen (a fast command then looked like one without an exit status).
 */
export function openExec(client: Client, command: string): Promise<ExecChannel> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, channel) => {
      if (err) {
        reject(new AppError('remote_failed', `could not start a remote command: ${err.message}`));
        return;
      }
      const ch = channel as ExecChannel;
      ch.exitStatus = { code: null, signal: null };
      ch.on('exit', (c: number | null, s?: string) => {
        ch.exitStatus = { code: c ?? null, signal: s ?? null };
      });
      resolve(ch);
    });
  });
}

/** Run a short command and collect its output (bounded by maxBytes per stream and timeoutMs). */
export async function execCollect(
  client: Client,
  command: string,
  opts: { timeoutMs: number; stdin?: string | Buffer; maxBytes?: number },
): Promise<ExecResult> {
  const channel = await openExec(client, command);
  const maxBytes = opts.maxBytes ?? 1 << 20;
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    const timer = setTimeout(() => {
      channel.close();
      reject(new AppError('remote_failed', `remote command did not finish within ${opts.timeoutMs} ms`));
    }, opts.timeoutMs);
    channel.on('data', (b: Buffer) => {
      if (outBytes < maxBytes) out.push(b);
      outBytes += b.length;
    });
    channel.stderr.on('data', (b: Buffer) => {
      if (errBytes < maxBytes) err.push(b);
      errBytes += b.length;
    });
    channel.on('close', () => {
      clearTimeout(timer);
      const { code, signal } = channel.exitStatus;
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    if (opts.stdin !== undefined) channel.end(opts.stdin);
    else channel.end();
  });
}

/** Write a file over SFTP with the given mode; resolves false when the server offers no SFTP subsystem. */
export function sftpWriteFile(client: Client, remotePath: string, content: string, mode: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    client.sftp((err, sftp) => {
      if (err) {
        // "Unable to start subsystem: sftp": hardened hosts disable it; the caller falls back to exec.
        resolve(false);
        return;
      }
      sftp.writeFile(remotePath, content, { mode }, (werr) => {
        sftp.end();
        if (werr) reject(new AppError('remote_failed', `could not write ${remotePath} over SFTP: ${werr.message}`));
        else resolve(true);
      });
    });
  });
}

/**
 * Read a file over SFTP, at most `maxBytes` (a bigger file is refused, never read whole). The bytes are
 * returned as they are on the host (the caller hashes exactly these).
 */
export function sftpReadFile(client: Client, remotePath: string, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    client.sftp((err, sftp) => {
      if (err) return reject(new AppError('remote_failed', `SFTP is not available on the host: ${err.message}`));
      sftp.stat(remotePath, (serr, st) => {
        if (serr) {
          sftp.end();
          return reject(new AppError('remote_failed', `could not read ${remotePath} over SFTP: ${serr.message}`));
        }
        if (st.size > maxBytes) {
          sftp.end();
          return reject(new AppError('remote_failed', `${remotePath} is ${st.size} bytes; at most ${maxBytes} are read`));
        }
        sftp.readFile(remotePath, (rerr, data) => {
          sftp.end();
          if (rerr) reject(new AppError('remote_failed', `could not read ${remotePath} over SFTP: ${rerr.message}`));
          else resolve(data);
        });
      });
    });
  });
}
