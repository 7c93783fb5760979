#!/usr/bin/env node
/**
 * bpfdeck command line (`npx bpfdeck --help`). Runs the TypeScript sources through tsx, with the
 * project's tsconfig (the `@/` path alias) and `server-only` as a no-op (as in vitest.config.ts:
 * outside Next.js the marker means nothing). The work is in lib/cli/main.ts.
 *
 * bpfdeck runs on Node 24 (package.json engines; ./bpfdeck.sh installs it into .tools/node and builds
 * better-sqlite3 against it). Started by an older `node` (Debian's, or `npx bpfdeck` with the system
 * Node first in PATH), it re-runs itself on .tools/node/bin/node, so the native module's ABI matches.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { register as registerHooks } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NODE_MAJOR = 24;
if (Number(process.versions.node.split('.')[0]) < NODE_MAJOR) {
  const pinned = path.join(root, '.tools/node/bin/node');
  if (!existsSync(pinned)) {
    process.stderr.write(
      `bpfdeck: needs Node ${NODE_MAJOR} (this is ${process.version}); run ./bpfdeck.sh start (or scripts/node/ensure-node.sh) once to install it into .tools/node\n`,
    );
    process.exit(1);
  }
  const child = spawn(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  // A signal sent to this process alone (kill <pid>) is passed on: SIGINT cancels a run with maps kept.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  const status = await new Promise((resolve) => child.on('exit', (c, sig) => resolve(c ?? (sig ? 128 + 2 : 1))));
  process.exit(status);
}
const { register } = await import('tsx/esm/api');
const cwd = process.cwd();

// Configuration is the server's: its data directory defaults to <root>/.data. A relative path given
// in the environment means relative to where the command was typed.
const data = process.env.BPFDECK_DATA_DIR;
process.env.BPFDECK_DATA_DIR = data ? path.resolve(cwd, data) : path.join(root, '.data');

const emptyModule = pathToFileURL(path.join(root, 'node_modules/server-only/empty.js')).href;
const hooks = `export async function resolve(specifier, context, next) {
  if (specifier === 'server-only') return { url: ${JSON.stringify(emptyModule)}, shortCircuit: true };
  return next(specifier, context);
}`;
registerHooks(`data:text/javascript,${encodeURIComponent(hooks)}`);
register({ tsconfig: path.join(root, 'tsconfig.json') });
// The URL forms are lib/db's to know (a relative SQLite file, like the data directory, means relative
// to where the command was typed).
const { urlRelativeTo } = await import(pathToFileURL(path.join(root, 'lib/db/url.ts')).href);
if (process.env.DATABASE_URL) process.env.DATABASE_URL = urlRelativeTo(process.env.DATABASE_URL, cwd);

// Tools live in <root>/bpftrace-tools (the catalog reads them from the working directory).
process.chdir(root);

// stdout carries results only (JSON that scripts parse): library notices such as "applied migrations"
// go to stderr. A reader that closes the pipe early (`| head`) ends the command quietly.
console.log = (...args) => console.error(...args);
console.info = console.log;
process.stdout.on('error', (err) => process.exit(err.code === 'EPIPE' ? 0 : 1));

function writeOut(text) {
  return new Promise((resolve, reject) => process.stdout.write(text, (err) => (err ? reject(err) : resolve())));
}

let code = 1;
try {
  const { main } = await import(pathToFileURL(path.join(root, 'lib/cli/main.ts')).href);
  code = await main(process.argv.slice(2), { stdout: writeOut, stdoutBytes: writeOut, stderr: (t) => process.stderr.write(t), cwd });
} catch (e) {
  process.stderr.write(`bpfdeck: ${e?.stack ?? e}\n`);
}
// Open handles (the database, SSH keep-alives) must not keep a finished command alive.
process.exit(code);
