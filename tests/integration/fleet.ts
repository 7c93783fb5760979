/**
 * Test helpers for bpfdeck's loopback test fleet (scripts/fleet/fleet-up.sh).
 *
 * The fleet: one real OpenSSH sshd per loopback address, all on THIS machine and sharing ONE kernel:
 *   fleet11/12/13  bpftrace 0.17 (Debian 12)              role "ok"
 *   fleet14        user without any sudo rule              role "no-sudo"
 *   fleet15        sshd in a mount namespace hiding bpftrace (sudo rule present)  role "no-bpftrace"
 *   fleet21        bpftrace 0.23 (Debian 13 chroot)        role "ok"
 *   fleet31-44     cheap hosts like fleet11 (20 hosts with the above)  role "ok"
 *   fleet45        bastion (10.249.8.2 in a netns): forwarding to fleet49 only, no shell   kind "bastion"
 *   fleet46        bastion that refuses forwarding          kind "bastion-noforward"
 *   fleet47        accepts only passphrase-protected keys   kind "encrypted-key" (passphrase in <key>.passphrase)
 *   fleet48        accepts only the agent key               kind "agent"
 *   fleet49        10.249.7.2 in a netns, only via fleet45  kind "behind-bastion"
 * fleet-up.sh writes `$BPFDECK_FLEET_DIR/fleet/hosts.json` (default dir /var/tmp/bpfdeck-fleet);
 * fleet-down.sh deletes it, so "hosts.json exists" means "the fleet is up".
 *
 * Because all hosts share one kernel (and fleet21's /proc is the machine's /proc), every host sees
 * every process of the machine - including other hosts' bpftrace runs and the local ssh clients of
 * the test itself. Use `listRemoteBpftrace(host, { onlyThisHost: true })` or a unique marker in the
 * script (`match`) when asserting "nothing left running".
 */
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export type FleetRole = 'ok' | 'no-sudo' | 'no-bpftrace';

export interface FleetHost {
  /** ssh_config alias, e.g. "fleet11" */
  name: string;
  address: string;
  port: number;
  user: string;
  /** numeric uid of `user` (fixed 200NN; distinct across hosts although they share one kernel) */
  uid: number;
  /** bpftrace version installed on the host ("0.17.0"), null when the host has no bpftrace */
  bpftraceVersion: string | null;
  role: FleetRole;
  /** "bookworm" | "trixie" */
  system: string;
  /** the host's ed25519 public key file (path on this machine) */
  hostKeyPath: string;
  /** pid file of the host's sshd listener (path on this machine) */
  sshdPidFile: string;
  /**
   * plain | bastion (fleet45: TCP forwarding to fleet49 only, no shell) | bastion-noforward (fleet46) |
   * encrypted-key (fleet47: only passphrase keys) | agent (fleet48: only the agent key) | behind-bastion
   * (fleet49: reachable only through `via`). Older hosts.json files have none: read as plain.
   */
  kind: FleetKind;
  /** the client key this host accepts (path on this machine) */
  identityFile: string;
  /** the bastion to go through (ssh_config alias), or null */
  via: string | null;
}

export type FleetKind = 'plain' | 'bastion' | 'bastion-noforward' | 'encrypted-key' | 'agent' | 'behind-bastion';

export const FLEET_NOT_UP = 'the test fleet is not up: run scripts/fleet/fleet-up.sh (as root)';

/** Lab directory of fleet-up.sh: $BPFDECK_FLEET_DIR or /var/tmp/bpfdeck-fleet. */
export function fleetDir(): string {
  return process.env.BPFDECK_FLEET_DIR || '/var/tmp/bpfdeck-fleet';
}

export function fleetPaths() {
  const dir = path.join(fleetDir(), 'fleet');
  return {
    dir,
    hostsJson: path.join(dir, 'hosts.json'),
    sshConfig: path.join(dir, 'ssh_config'),
    knownHosts: path.join(dir, 'known_hosts'),
    clientKey: path.join(dir, 'client', 'id_ed25519'),
  };
}

const ROLES: readonly FleetRole[] = ['ok', 'no-sudo', 'no-bpftrace'];

function notUp(detail: string): Error {
  return new Error(`${FLEET_NOT_UP} - ${detail} (set BPFDECK_FLEET_DIR if the fleet lives elsewhere)`);
}

function validateHost(h: unknown, i: number, file: string): FleetHost {
  const o = h as Record<string, unknown>;
  const bad = (field: string) => new Error(`${file}: entry ${i} has no valid "${field}" - re-run scripts/fleet/fleet-up.sh`);
  if (!o || typeof o !== 'object') throw bad('(object)');
  for (const f of ['name', 'address', 'user', 'system', 'hostKeyPath', 'sshdPidFile'] as const) {
    if (typeof o[f] !== 'string' || o[f] === '') throw bad(f);
  }
  if (!Number.isInteger(o.port)) throw bad('port');
  if (!Number.isInteger(o.uid)) throw bad('uid');
  if (!(o.bpftraceVersion === null || typeof o.bpftraceVersion === 'string')) throw bad('bpftraceVersion');
  if (!ROLES.includes(o.role as FleetRole)) throw bad('role');
  o.kind ??= 'plain';
  o.identityFile ??= path.join(path.dirname(file), 'client', 'id_ed25519');
  o.via ??= null;
  return o as unknown as FleetHost;
}

/** All fleet hosts from hosts.json. Throws a loud error when the fleet is not up. */
export function loadFleet(): FleetHost[] {
  const file = fleetPaths().hostsJson;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw notUp(`${file} does not exist`);
    throw e;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file} is not valid JSON (${(e as Error).message}) - re-run scripts/fleet/fleet-up.sh`);
  }
  if (!Array.isArray(data) || data.length === 0) throw notUp(`${file} lists no hosts`);
  return data.map((h, i) => validateHost(h, i, file));
}

/** One host by name ("fleet11"); throws if it is not in the fleet. */
export function fleetHost(name: string): FleetHost {
  const hosts = loadFleet();
  const h = hosts.find((x) => x.name === name);
  if (!h) throw new Error(`no fleet host "${name}" (have: ${hosts.map((x) => x.name).join(', ')})`);
  return h;
}

/** Hosts with a given role; e.g. fleetHostsByRole('ok') = every host that can run bpftrace. */
export function fleetHostsByRole(role: FleetRole): FleetHost[] {
  return loadFleet().filter((h) => h.role === role);
}

/** Private key (ed25519, no passphrase) accepted by every fleet host of kind plain, bastion and behind-bastion. */
export function fleetClientKeyPath(): string {
  const p = fleetPaths().clientKey;
  try {
    readFileSync(p);
  } catch {
    throw notUp(`client key ${p} is missing or unreadable (run the tests as root or make it readable)`);
  }
  return p;
}

/** The host's public key as "ssh-ed25519 AAAA..." (type + base64, no comment). */
export function readHostPublicKey(host: FleetHost): string {
  const parts = readFileSync(host.hostKeyPath, 'utf8').trim().split(/\s+/);
  if (parts.length < 2) throw new Error(`${host.hostKeyPath}: not an OpenSSH public key`);
  return `${parts[0]} ${parts[1]}`;
}

/** The host key blob as sent in the SSH handshake (what ssh2's hostVerifier receives as a Buffer). */
export function hostKeyBlob(host: FleetHost): Buffer {
  return Buffer.from(readHostPublicKey(host).split(' ')[1], 'base64');
}

/** POSIX single-quote a word for the remote shell (dash on Debian). */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** ssh arguments that reach `host` with the fleet's config: `ssh ...sshBaseArgs(h) -- cmd`. */
export function sshBaseArgs(host: FleetHost | string): string[] {
  const name = typeof host === 'string' ? host : host.name;
  return ['-F', fleetPaths().sshConfig, '--', name];
}

export interface SshResult {
  /** exit status (255 = ssh's own failure OR the remote command's 255); null if killed by a signal */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface FleetSshOptions {
  /** kill the local ssh after this long (default 60 s); the result then has signal set */
  timeoutMs?: number;
  /** written to the remote command's stdin, then stdin is closed (always closed) */
  input?: string;
}

/**
 * Run `argv` on a fleet host through the system ssh client (`ssh -F <ssh_config> <name> ...`),
 * via execFile: no shell on our side. `argv` is an argument vector: each element is quoted for the
 * remote POSIX shell, so it arrives exactly as given. For a shell snippet pass ['sh', '-c', snippet].
 * Resolves also for a non-zero exit status; rejects only if ssh cannot be started.
 */
export function fleetSsh(host: FleetHost | string, argv: string[], opts: FleetSshOptions = {}): Promise<SshResult> {
  if (argv.length === 0) return Promise.reject(new Error('fleetSsh: empty argv (an interactive shell is not supported)'));
  const args = [...sshBaseArgs(host), ...argv.map(shQuote)];
  return new Promise((resolve, reject) => {
    const child = execFile('ssh', args, { timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err && typeof (err as NodeJS.ErrnoException).code === 'string') {
        reject(new Error(`fleetSsh: cannot run ssh: ${err.message}`));
        return;
      }
      const e = err as (Error & { code?: number | null; signal?: NodeJS.Signals | null }) | null;
      resolve({
        code: e ? (e.code ?? null) : 0,
        signal: e ? (e.signal ?? null) : null,
        stdout,
        stderr,
      });
    });
    child.stdin?.on('error', () => {}); // EPIPE if ssh exits before reading
    child.stdin?.end(opts.input ?? '');
  });
}

export interface RemoteProcess {
  pid: number;
  ppid: number;
  /** real uid */
  ruid: number;
  /** command line as shown by ps */
  args: string;
  /** argv[0] is bpftrace itself (not a wrapper such as sudo, sh, timeout or a local ssh client) */
  isBpftrace: boolean;
  /**
   * Started through this host: the process or one of its ancestors runs with the host user's real
   * uid (sudo keeps the caller's real uid, and stays bpftrace's parent), or descends from the host's
   * sshd listener. Caveat: a bpftrace whose sudo was SIGKILLed is reparented to PID 1 and loses this
   * link - match on a unique script marker as well if that matters.
   */
  fromThisHost: boolean;
}

export interface ListBpftraceOptions {
  /** keep only processes whose command line contains this string / matches this regexp */
  match?: string | RegExp;
  /** keep only processes started through this host (see RemoteProcess.fromThisHost) */
  onlyThisHost?: boolean;
  timeoutMs?: number;
}

function readListenerPid(host: FleetHost): number | null {
  try {
    const n = Number.parseInt(readFileSync(host.sshdPidFile, 'utf8').trim(), 10);
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

/**
 * Processes whose command line contains "bpftrace", as the host's user sees them (`ps -eo` over ssh).
 * NOTE: all fleet hosts share one kernel, so without `onlyThisHost`/`match` the list includes other
 * hosts' runs and the local `ssh ... bpftrace` clients.
 */
export async function listRemoteBpftrace(host: FleetHost, opts: ListBpftraceOptions = {}): Promise<RemoteProcess[]> {
  const r = await fleetSsh(host, ['sh', '-c', 'id -u && exec ps -ww -eo pid=,ppid=,ruid=,args='], {
    timeoutMs: opts.timeoutMs ?? 30_000,
  });
  if (r.code !== 0) {
    throw new Error(`listRemoteBpftrace(${host.name}): ssh exited ${r.code ?? r.signal}: ${r.stderr.trim()}`);
  }
  const lines = r.stdout.split('\n');
  const uid = Number.parseInt(lines.shift() ?? '', 10);
  if (!Number.isInteger(uid)) throw new Error(`listRemoteBpftrace(${host.name}): unexpected output: ${r.stdout.slice(0, 200)}`);

  const all = new Map<number, { pid: number; ppid: number; ruid: number; args: string }>();
  for (const line of lines) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const p = { pid: Number(m[1]), ppid: Number(m[2]), ruid: Number(m[3]), args: m[4] };
    all.set(p.pid, p);
  }
  const listener = readListenerPid(host);
  const fromThisHost = (pid: number): boolean => {
    for (let cur = all.get(pid), depth = 0; cur && depth < 64; cur = all.get(cur.ppid), depth++) {
      if (cur.ruid === uid || cur.pid === listener) return true;
      if (cur.ppid <= 1) break;
    }
    return false;
  };

  const out: RemoteProcess[] = [];
  for (const p of all.values()) {
    if (!p.args.includes('bpftrace')) continue;
    if (opts.match !== undefined && !(typeof opts.match === 'string' ? p.args.includes(opts.match) : opts.match.test(p.args))) continue;
    const argv0 = p.args.split(/\s+/, 1)[0] ?? '';
    const rp: RemoteProcess = { ...p, isBpftrace: path.basename(argv0) === 'bpftrace', fromThisHost: fromThisHost(p.pid) };
    if (opts.onlyThisHost && !rp.fromThisHost) continue;
    out.push(rp);
  }
  return out.sort((a, b) => a.pid - b.pid);
}

/** The host's sshd log (fleet-up.sh starts every sshd with `-E <host dir>/sshd.log`, LogLevel VERBOSE). */
export function sshdLogPath(host: FleetHost): string {
  return path.join(path.dirname(host.sshdPidFile), 'sshd.log');
}

/** Current size of the host's sshd log: pass it to sshdLogSince() to read what was logged after. */
export function sshdLogSize(host: FleetHost): number {
  return statSync(sshdLogPath(host)).size;
}

/** What the host's sshd logged after `offset` (a size from sshdLogSize()). */
export function sshdLogSince(host: FleetHost, offset: number): string {
  const all = readFileSync(sshdLogPath(host));
  if (all.length < offset) throw new Error(`${sshdLogPath(host)} shrank (rotated?) from ${offset} to ${all.length} bytes`);
  return all.subarray(offset).toString('utf8');
}
