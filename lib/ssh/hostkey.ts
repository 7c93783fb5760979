/**
 * Host key identity: the SHA256 fingerprint exactly as `ssh-keygen -l` prints it ("SHA256:" + unpadded
 * base64 of the key blob's sha256), and the key's algorithm name read from the blob itself.
 */
import { createHash } from 'node:crypto';

export interface HostKeyInfo {
  algo: string;
  /** base64 of the SSH wire-format public key blob */
  blobBase64: string;
  fingerprint: string;
}

export function fingerprintOf(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/** The blob starts with a uint32 length and the algorithm name ("ssh-ed25519", "ecdsa-sha2-nistp256", ...). */
export function algoOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const n = blob.readUInt32BE(0);
  if (n <= 0 || n > 64 || 4 + n > blob.length) return 'unknown';
  return blob.subarray(4, 4 + n).toString('latin1');
}

export function hostKeyInfo(blob: Buffer): HostKeyInfo {
  return { algo: algoOf(blob), blobBase64: blob.toString('base64'), fingerprint: fingerprintOf(blob) };
}

/** Parse one line of an OpenSSH public key file ("ssh-ed25519 AAAA... comment"). */
export function hostKeyFromPublicKeyLine(line: string): HostKeyInfo {
  const parts = line.trim().split(/\s+/);
  if (parts.length < 2) throw new Error('not an OpenSSH public key line');
  return hostKeyInfo(Buffer.from(parts[1], 'base64'));
}
