/**
 * Small secrets that bpfdeck generates into its data directory when the environment does not give
 * them (the session signing secret, the one-time setup code): created once with mode 0600, never
 * overwritten by a second process that races the first.
 */
import 'server-only';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { config } from '@/lib/env';

export function dataFilePath(name: string): string {
  return path.join(config().dataDir, name);
}

/** Read <data dir>/<name>, creating it with `make()` first if it does not exist. */
export function readOrCreateDataFile(name: string, make: () => string): string {
  const file = dataFilePath(name);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    try {
      fs.writeFileSync(file, make() + '\n', { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  return fs.readFileSync(file, 'utf8').trim();
}

export function removeDataFile(name: string): void {
  fs.rmSync(dataFilePath(name), { force: true });
}

export const randomSecret = (bytes = 32): string => randomBytes(bytes).toString('base64url');
