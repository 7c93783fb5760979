/**
 * SSH key pairs for tests, made by OpenSSH's own ssh-keygen (what people's keys come from).
 *
 * Not ssh2.utils.generateKeyPairSync('ed25519'): about 1 key in 256 it makes is unreadable by ssh2's own
 * parseKey ("Malformed OpenSSH private key"; it strips leading zero bytes of the public key, ssh2 issues
 * #1390 and #1513). Seen here: 20 of 5,000 keys, and once as a failed unit test.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestKeyPair {
  /** OpenSSH private key (PEM-like text) */
  private: string;
  /** one line of an authorized_keys / .pub file */
  public: string;
}

export function generateTestKey(opts: { comment?: string; passphrase?: string; type?: 'ed25519' | 'ecdsa' | 'rsa' } = {}): TestKeyPair {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpfdeck-testkey-'));
  try {
    const file = path.join(dir, 'id');
    execFileSync('ssh-keygen', ['-q', '-t', opts.type ?? 'ed25519', '-N', opts.passphrase ?? '', '-C', opts.comment ?? 'bpfdeck-test', '-f', file], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    return { private: fs.readFileSync(file, 'utf8'), public: fs.readFileSync(`${file}.pub`, 'utf8').trim() };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
