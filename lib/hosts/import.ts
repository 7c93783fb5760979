/**
 * Bulk import of hosts: from an OpenSSH client config (ssh_config) or a plain list (`user@host:port` a
 * line). `previewImport` is pure apart from reading existing host names: it parses, resolves and checks,
 * and returns what would be created; `createImported` creates it (jump hosts before the hosts behind them).
 *
 * ssh_config: parsed by the `ssh-config` package, each concrete alias resolved with its `compute()`,
 * which applies OpenSSH's rule: blocks are read top to bottom, the FIRST value obtained for a keyword
 * wins (so `Host *` defaults at the end fill only what is still unset, and a wildcard block before a
 * host's own block wins over it, exactly as `ssh -G` does). Used: Host, HostName, Port, User,
 * IdentityFile (the first), ProxyJump. Refused, naming the line: Include, Match (bpfdeck cannot see the
 * admin's other files nor evaluate `exec`), and %-tokens (%h, %p, %r, ...) in the keywords used.
 * Wildcard and negated patterns (`web-*`, `!db`) are blocks of settings, not hosts.
 *
 * IdentityFile paths name files on the admin's machine, which bpfdeck never reads. The preview lists
 * every distinct path; the admin maps each to an SSH identity (uploaded first through /api/identities,
 * or an existing one), or gives one identity for all. A host without an identity is not created.
 */
import SSHConfig from 'ssh-config';
import { db } from '@/lib/db/client';
import { conflict, invalid } from '@/lib/errors';
import { addressSchema, hostNameSchema, usernameSchema } from '@/lib/hosts/schemas';
import { createHost, type PublicHost } from '@/lib/hosts/service';

export interface ImportEntry {
  name: string;
  address: string;
  port: number;
  username: string;
  /** IdentityFile as written in the config (a path on the admin's machine), or null */
  identityFile: string | null;
  /** ProxyJump hops by name (hosts in this import or existing hosts), first hop first */
  jump: string[];
}

export interface ImportPreview {
  entries: ImportEntry[];
  /** distinct IdentityFile paths the admin must map to identities */
  identityFiles: string[];
}

const USED = ['HostName', 'Port', 'User', 'IdentityFile', 'ProxyJump'];

type Line = ReturnType<typeof SSHConfig.parse>[number];

function valuesOf(line: { value: unknown }): string[] {
  const v = line.value;
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.map((x: { val: string }) => x.val);
  return [];
}

function walk(lines: readonly Line[], fn: (l: Line & { param: string; value: unknown }, inHost: string | null) => void, inHost: string | null = null) {
  for (const l of lines) {
    if (l.type !== SSHConfig.DIRECTIVE) continue;
    const d = l as Line & { param: string; value: unknown; config?: Line[] };
    fn(d, inHost);
    if (d.config) walk(d.config, fn, valuesOf(d).join(' '));
  }
}

function check<T>(
  schema: { safeParse(v: unknown): { success: boolean; data?: T; error?: { issues: Array<{ message: string }> } } },
  v: unknown,
  where: string,
): T {
  const r = schema.safeParse(v);
  if (!r.success) throw invalid(`${where}: ${r.error!.issues[0].message}`);
  return r.data as T;
}

export function parseSshConfig(text: string): ImportEntry[] {
  if (text.length > 1_000_000) throw invalid('the ssh_config is larger than 1 MB');
  let cfg: ReturnType<typeof SSHConfig.parse>;
  try {
    cfg = SSHConfig.parse(text);
  } catch (e) {
    throw invalid(`the ssh_config cannot be parsed: ${(e as Error).message}`);
  }
  const aliases: string[] = [];
  walk(cfg, (d, inHost) => {
    const key = d.param.toLowerCase();
    const where = inHost ? ` (in Host ${inHost})` : '';
    if (key === 'include') throw invalid(`Include is not supported${where}: bpfdeck cannot read the other files; paste their Host blocks instead`);
    if (key === 'match') throw invalid(`Match is not supported (Match ${valuesOf(d).join(' ')}): rewrite it as Host blocks`);
    if (USED.some((u) => u.toLowerCase() === key)) {
      for (const v of valuesOf(d)) {
        const tok = /%./.exec(v);
        if (tok) throw invalid(`the token ${tok[0]} in ${d.param} ${v}${where} is not supported: write the value out`);
      }
    }
    if (key === 'host') {
      for (const p of valuesOf(d)) if (!/[*?!]/.test(p) && !aliases.includes(p)) aliases.push(p);
    }
  });
  return aliases.map((alias) => {
    const c = cfg.compute(alias);
    const one = (k: string): string | undefined => {
      const v = c[k];
      return Array.isArray(v) ? v[0] : v;
    };
    const where = `Host ${alias}`;
    const name = check<string>(hostNameSchema, alias, `${where}: as a bpfdeck host name`);
    const address = check<string>(addressSchema, one('HostName') ?? alias, `${where}: HostName`);
    const portText = one('Port') ?? '22';
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535) throw invalid(`${where}: Port ${portText} is not a port number`);
    const user = one('User');
    if (!user) throw invalid(`${where}: no User (ssh would use your local user name; bpfdeck needs it written)`);
    const username = check<string>(usernameSchema, user, `${where}: User`);
    const pj = one('ProxyJump');
    const jump = !pj || pj.toLowerCase() === 'none' ? [] : pj.split(',').map((s) => s.trim());
    for (const j of jump) {
      if (/[@:]/.test(j))
        throw invalid(`${where}: ProxyJump ${j}: give jump hosts as Host aliases of this file or names of existing hosts, not user@host:port`);
    }
    return { name, address, port, username, identityFile: one('IdentityFile') ?? null, jump };
  });
}

/** One `user@host[:port]` a line; `#` starts a comment. The name is the host (with -port if not 22). */
export function parseHostList(text: string): ImportEntry[] {
  const out: ImportEntry[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const m = /^([^@\s]+)@([^\s:@]+|\[[0-9A-Fa-f:.]+\])(?::(\d+))?$/.exec(line);
    if (!m) throw invalid(`line ${i + 1}: "${line.slice(0, 80)}" is not user@host or user@host:port`);
    const where = `line ${i + 1}`;
    const username = check<string>(usernameSchema, m[1], `${where}: user`);
    const address = check<string>(addressSchema, m[2].replace(/^\[|\]$/g, ''), `${where}: host`);
    const port = m[3] ? Number(m[3]) : 22;
    if (port < 1 || port > 65535) throw invalid(`${where}: port ${m[3]} is not a port number`);
    const name = check<string>(hostNameSchema, port === 22 ? address.replace(/:/g, '-') : `${address.replace(/:/g, '-')}-${port}`, `${where}: as a host name`);
    out.push({ name, address, port, username, identityFile: null, jump: [] });
  }
  return out;
}

/** Duplicates within the import and clashes with existing hosts, each named. */
async function checkEntries(entries: ImportEntry[]): Promise<void> {
  if (entries.length === 0) throw invalid('the import holds no host');
  if (entries.length > 5000) throw invalid('at most 5000 hosts per import');
  const names = new Map<string, number>();
  const endpoints = new Map<string, string>();
  for (const e of entries) {
    names.set(e.name, (names.get(e.name) ?? 0) + 1);
    const ep = `${e.username}@${e.address}:${e.port}`;
    const prev = endpoints.get(ep);
    if (prev) throw invalid(`duplicate hosts in the import: ${prev === e.name ? `${ep} appears more than once` : `${prev} and ${e.name} are both ${ep}`}`);
    endpoints.set(ep, e.name);
  }
  const dup = [...names].filter(([, n]) => n > 1).map(([k]) => k);
  if (dup.length) throw invalid(`duplicate hosts in the import: ${dup.join(', ')} appear more than once`);
  const existing = new Set((await db().host.findMany({ select: { name: true } })).map((h) => h.name));
  const clash = entries.filter((e) => existing.has(e.name)).map((e) => e.name);
  if (clash.length) throw conflict(`hosts with these names exist already: ${clash.slice(0, 20).join(', ')}${clash.length > 20 ? ', …' : ''}`);
  for (const e of entries) {
    for (const j of e.jump) {
      if (j === e.name) throw invalid(`${e.name}: ProxyJump names the host itself`);
      if (!names.has(j) && !existing.has(j)) throw invalid(`${e.name}: ProxyJump ${j} is neither a host of this import nor an existing host`);
    }
  }
  // no cycles among imported hosts (a jump host's own chain is not followed at connect time, but a
  // cycle means the config is wrong)
  const byName = new Map(entries.map((e) => [e.name, e]));
  const visit = (n: string, seen: string[]) => {
    if (seen.includes(n)) throw invalid(`ProxyJump loop: ${[...seen, n].join(' -> ')}`);
    for (const j of byName.get(n)?.jump ?? []) visit(j, [...seen, n]);
  };
  for (const e of entries) visit(e.name, []);
}

export async function previewImport(input: { format: 'ssh_config' | 'list'; text: string }): Promise<ImportPreview> {
  const entries = input.format === 'ssh_config' ? parseSshConfig(input.text) : parseHostList(input.text);
  await checkEntries(entries);
  return { entries, identityFiles: [...new Set(entries.map((e) => e.identityFile).filter((x): x is string => x !== null))] };
}

/**
 * Create what the preview showed. `identities` maps IdentityFile paths to identity ids; hosts without an
 * IdentityFile (or without a mapping) take `defaultIdentityId`. Everything is checked before the first
 * host is created. Host keys are NOT pinned: every new host goes to the key review.
 */
export async function createImported(input: {
  format: 'ssh_config' | 'list';
  text: string;
  identities?: Record<string, string>;
  defaultIdentityId?: string;
  tags?: Record<string, string>;
}): Promise<PublicHost[]> {
  const { entries } = await previewImport(input);
  const idOf = (e: ImportEntry): string => {
    const id = (e.identityFile !== null ? input.identities?.[e.identityFile] : undefined) ?? input.defaultIdentityId;
    if (!id) throw invalid(`${e.name}: no SSH identity for ${e.identityFile ? `IdentityFile ${e.identityFile}` : 'it'}: map it or give a default identity`);
    return id;
  };
  const wanted = new Set(entries.map(idOf));
  for (const id of wanted) if (!(await db().sshIdentity.findUnique({ where: { id }, select: { id: true } }))) throw invalid(`no SSH identity with id ${id}`);
  // jump hosts first
  const done = new Map<string, string>();
  for (const h of await db().host.findMany({ select: { id: true, name: true } })) done.set(h.name, h.id);
  const created: PublicHost[] = [];
  const pending = [...entries];
  while (pending.length) {
    const i = pending.findIndex((e) => e.jump.every((j) => done.has(j)));
    const [e] = pending.splice(i, 1);
    const h = await createHost({
      name: e.name,
      address: e.address,
      port: e.port,
      username: e.username,
      identityId: idOf(e),
      jumpHostIds: e.jump.map((j) => done.get(j)!),
      tags: input.tags,
    });
    done.set(e.name, h.id);
    created.push(h);
  }
  return created;
}
