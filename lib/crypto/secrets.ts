/**
 * Secrets at rest (SSH private keys): AES-256-GCM with a 32-byte key from BPFDECK_SECRET_KEY, or,
 * when unset, one generated once into the data directory (mode 0600) with a warning, so a first start
 * works and the database alone never holds usable keys.
 *
 * Format: "v1:" + base64(iv 12 bytes | tag 16 bytes | ciphertext). The version prefix leaves room for
 * key rotation.
 */
import 'server-only';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { config } from '@/lib/env';

const KEY_FILE = 'secret.key';
let cachedKey: Buffer | undefined;

function parseKey(b64: string, where: string): Buffer {
  const key = Buffer.from(b64.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${where} must be 32 bytes in base64 (got ${key.length} bytes)`);
  return key;
}

export function secretKey(): Buffer {
  if (cachedKey) return cachedKey;
  const cfg = config();
  if (cfg.secretKeyBase64) {
    cachedKey = parseKey(cfg.secretKeyBase64, 'BPFDECK_SECRET_KEY');
    return cachedKey;
  }
  const file = path.join(cfg.dataDir, KEY_FILE);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(cfg.dataDir, { recursive: true, mode: 0o700 });
    // 'wx': never overwrite a key another process just wrote (that would orphan every stored secret)
    try {
      fs.writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
      console.warn(
        `bpfdeck: BPFDECK_SECRET_KEY is not set; generated a key into ${file}. ` + 'Back it up: without it the stored SSH keys cannot be decrypted.',
      );
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  cachedKey = parseKey(fs.readFileSync(file, 'utf8'), file);
  return cachedKey;
}

export function encryptSecret(plaintext: string, key: Buffer = secretKey()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return 'v1:' + Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64');
}

export function decryptSecret(sealed: string, key: Buffer = secretKey()): string {
  if (!sealed.startsWith('v1:')) throw new Error('unknown secret format');
  const raw = Buffer.from(sealed.slice(3), 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}
