/**
 * Rotate the key that encrypts stored secrets (SSH private keys): every secret is re-encrypted with a
 * new key in one transaction, after checking that the current key decrypts all of them (otherwise
 * nothing changes). Stop bpfdeck first: a running server keeps the old key in memory.
 *
 *   npx tsx --conditions=react-server scripts/rotate-secret-key.ts
 *       The key lives in <data dir>/secret.key (BPFDECK_SECRET_KEY unset): a new one is generated and
 *       replaces that file once the database is re-encrypted.
 *
 *   BPFDECK_SECRET_KEY=<current> npx tsx --conditions=react-server scripts/rotate-secret-key.ts --new-key-file /path/new.key
 *       The key comes from the environment: the new key is read from the file (base64, 32 bytes), or
 *       generated into it (mode 0600) if the file does not exist. Afterwards set BPFDECK_SECRET_KEY to it.
 *
 * Options: --dry-run (check that everything decrypts, change nothing).
 * The key itself is never printed.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { config } from '@/lib/env';
import { openSqlRunner } from '@/lib/db/sql';
import { secretKey } from '@/lib/crypto/secrets';
import { rotateSecrets, RotationError, SECRET_COLUMNS } from '@/lib/crypto/rotate';
import { decryptSecret } from '@/lib/crypto/secrets';

function parseArgs(argv: string[]): { newKeyFile?: string; dryRun: boolean } {
  const out: { newKeyFile?: string; dryRun: boolean } = { dryRun: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--new-key-file') out.newKeyFile = argv[++i];
    else if (argv[i] === '--dry-run') out.dryRun = true;
    else if (argv[i] === '--help' || argv[i] === '-h') {
      console.log(fs.readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0]);
      process.exit(0);
    } else throw new RotationError(`unknown argument ${argv[i]} (see --help)`);
  }
  return out;
}

function readKeyFile(file: string): Buffer {
  const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new RotationError(`${file} must hold 32 bytes in base64 (it holds ${key.length})`);
  return key;
}

function writeNewKey(file: string): Buffer {
  const key = randomBytes(32);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const cfg = config();
  const fromEnv = cfg.secretKeyBase64 !== undefined;
  const keyFile = path.join(cfg.dataDir, 'secret.key'); // lib/crypto/secrets.ts KEY_FILE
  if (fromEnv && !args.newKeyFile) {
    throw new RotationError(
      'the current key comes from BPFDECK_SECRET_KEY: pass --new-key-file PATH (the new key is generated there if the file does not exist)',
    );
  }
  if (!fromEnv && !fs.existsSync(keyFile))
    throw new RotationError(`no key: BPFDECK_SECRET_KEY is unset and ${keyFile} does not exist (nothing was ever encrypted)`);
  const oldKey = secretKey();

  const db = await openSqlRunner(cfg.database);
  try {
    if (args.dryRun) {
      let n = 0;
      for (const c of SECRET_COLUMNS) {
        for (const r of await db.all<{ s: string }>(`SELECT "${c.column}" AS s FROM "${c.table}" WHERE "${c.column}" IS NOT NULL AND "${c.column}" <> ''`)) {
          decryptSecret(r.s, oldKey);
          n++;
        }
      }
      console.log(`dry run: the current key decrypts all ${n} stored secret(s); nothing changed`);
      return;
    }
    let newKey: Buffer;
    let pending: string | undefined;
    if (args.newKeyFile) {
      newKey = fs.existsSync(args.newKeyFile) ? readKeyFile(args.newKeyFile) : writeNewKey(args.newKeyFile);
    } else {
      // Written next to the old key first; it replaces it only after the database is re-encrypted.
      pending = `${keyFile}.new`;
      fs.rmSync(pending, { force: true });
      newKey = writeNewKey(pending);
    }
    let result;
    try {
      result = await rotateSecrets(db, oldKey, newKey);
    } catch (e) {
      if (pending) fs.rmSync(pending, { force: true });
      throw e;
    }
    if (pending) {
      fs.renameSync(pending, keyFile);
      console.log(`re-encrypted ${result.rotated} secret(s) (${JSON.stringify(result.byColumn)}); the new key replaced ${keyFile}. Back it up.`);
    } else {
      console.log(
        `re-encrypted ${result.rotated} secret(s) (${JSON.stringify(result.byColumn)}) with the key in ${args.newKeyFile}. ` +
          'Now set BPFDECK_SECRET_KEY to the content of that file and start bpfdeck.',
      );
    }
  } finally {
    await db.close();
  }
}

try {
  await main();
} catch (e) {
  if (e instanceof RotationError) {
    console.error(`rotate-secret-key: ${e.message}`);
    process.exit(1);
  }
  throw e;
}
