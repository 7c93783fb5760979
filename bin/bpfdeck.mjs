#!/usr/bin/env node
/**
 * bpfdeck command line (`npx bpfdeck --help`). Runs the TypeScript sources through tsx, with the
 * project's tsconfig (the `@/` path alias) and `server-only` as a no-op (as in vitest.config.ts:
 * outside Next.js the marker means nothing). The work is in lib/cli/main.ts.
 */
import { register as registerHooks } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cwd = process.cwd();

// Configuration is the server's: its data directory defaults to <root>/.data. A relative path given
// in the environment means relative to where the command was typed.
const data = process.env.BPFDECK_DATA_DIR;
process.env.BPFDECK_DATA_DIR = data ? path.resolve(cwd, data) : path.join(root, '.data');
if (process.env.DATABASE_URL?.startsWith('file:') && !path.isAbsolute(process.env.DATABASE_URL.slice(5))) {
  process.env.DATABASE_URL = `file:${path.resolve(cwd, process.env.DATABASE_URL.slice(5))}`;
}

const emptyModule = pathToFileURL(path.join(root, 'node_modules/server-only/empty.js')).href;
const hooks = `export async function resolve(specifier, context, next) {
  if (specifier === 'server-only') return { url: ${JSON.stringify(emptyModule)}, shortCircuit: true };
  return next(specifier, context);
}`;
registerHooks(`data:text/javascript,${encodeURIComponent(hooks)}`);
register({ tsconfig: path.join(root, 'tsconfig.json') });

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
