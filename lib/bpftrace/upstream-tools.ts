/**
 * The bpftrace tools the host's own package ships (/usr/sbin/*.bt on Debian/Ubuntu,
 * /usr/share/bpftrace/tools/*.bt on Fedora/RHEL), as the host check lists them: name, the one-line
 * description from the tool's header comment, whether it uses kprobes (none attach on kernels built
 * without CONFIG_KPROBES), and the upstream man page and example. The listing command is fixed text
 * (no user input); what the host prints is hostile text, checked and bounded here.
 */
export interface UpstreamTool {
  /** absolute path on the host, e.g. /usr/sbin/execsnoop.bt */
  path: string;
  /** "execsnoop" */
  name: string;
  /** one line from its header ("Trace new processes via exec() syscalls."); '' if none found */
  description: string;
  /** the script attaches kprobe:/kretprobe: probes */
  usesKprobes: boolean;
  /** upstream docs (bpftrace's repository) */
  man: string;
  example: string;
}

export const UPSTREAM_TOOL_DIRS = ['/usr/sbin', '/usr/share/bpftrace/tools'] as const;
/** at most this many tools are kept from one host's listing */
export const MAX_UPSTREAM_TOOLS = 200;
const MAX_DESCRIPTION_CHARS = 160;
const PATH_RE = /^\/(?:usr\/sbin|usr\/share\/bpftrace\/tools)\/([A-Za-z0-9_][A-Za-z0-9_.-]{0,63})\.bt$/;

/**
 * Shell lines (POSIX sh) printing one `<marker> upstream=<path>\t<kprobes 0|1>\t<description>` line per
 * tool. The header's description line is " * execsnoop.bt   Trace new ..." or " * opensnoop\tTrace ...";
 * `$n` is the file's own base name (from the file system, not from any request).
 */
export function upstreamListingLines(marker: string): string[] {
  return [
    `for f in ${UPSTREAM_TOOL_DIRS.map((d) => `${d}/*.bt`).join(' ')}; do`,
    `  [ -f "$f" ] && [ -r "$f" ] || continue`,
    `  n=$(basename "$f" .bt)`,
    `  d=$(head -n 12 "$f" | grep -m1 -E "^ \\* $n(\\.bt)?[[:space:]]" | sed -E "s/^ \\* [^[:space:]]+[[:space:]]+//" | tr -d '\\t' | cut -c1-${MAX_DESCRIPTION_CHARS})`,
    `  k=0; grep -qE '(^|[[:space:],])k(ret)?probe:' "$f" && k=1`,
    `  printf '%s upstream=%s\\t%s\\t%s\\n' "${marker}" "$f" "$k" "$d"`,
    'done',
  ];
}

/** bpftrace's repository, where its tools' man pages and examples live */
const UPSTREAM = 'https://github.com/bpftrace/bpftrace/blob';

/**
 * The man page and example of a tool at the host's bpftrace release (tag v<x.y.z>: the text that
 * matches the host's file; master no longer has the _example.txt files), or master when the version
 * is not known.
 */
export function upstreamDocs(name: string, bpftraceVersion?: string | null): { man: string; example: string } {
  const n = encodeURIComponent(name);
  const v = /^(\d+\.\d+\.\d+)/.exec(bpftraceVersion ?? '')?.[1];
  const ref = v ? `v${v}` : 'master';
  return { man: `${UPSTREAM}/${ref}/man/man8/${n}.bt.8`, example: `${UPSTREAM}/${ref}/tools/${n}_example.txt` };
}

/** The `upstream=` values of a listing -> tools (bad paths dropped, descriptions bounded), sorted by name. */
export function parseUpstreamListing(values: readonly string[]): UpstreamTool[] {
  const out = new Map<string, UpstreamTool>();
  for (const v of values) {
    const [path, k, ...rest] = v.split('\t');
    const m = PATH_RE.exec(path ?? '');
    if (!m || (k !== '0' && k !== '1')) continue;
    const name = m[1];
    if (out.has(name)) continue; // /usr/sbin first: the same tool in both places is listed once
    const description = rest
      .join(' ')
      .replace(/[\u0000-\u001f\u007f]/g, ' ')
      .trim()
      .replace(/^-\s*/, '')
      .slice(0, MAX_DESCRIPTION_CHARS);
    out.set(name, { path, name, description, usesKprobes: k === '1', ...upstreamDocs(name) });
    if (out.size >= MAX_UPSTREAM_TOOLS) break;
  }
  return [...out.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** The plain-words reason an upstream tool cannot run on a host, or null when nothing stops it. */
export function upstreamBlocker(tool: UpstreamTool, kprobeOk: boolean | undefined): string | null {
  if (tool.usesKprobes && kprobeOk === false)
    return `${tool.name}.bt uses kprobes, and kprobes cannot attach on this host's kernel (built without CONFIG_KPROBES): it cannot run here.`;
  return null;
}

/** kprobe:/kretprobe: probes in a script's text (for a script read from the host before a run). */
export function scriptUsesKprobes(text: string): boolean {
  return /(^|[\s,])k(ret)?probe:/m.test(text);
}

/** The probe types of a script's text that a host check tests for real (lib/bpftrace/preflight). */
export function scriptProbeTypes(text: string): Array<'kprobe' | 'kfunc' | 'tracepoint' | 'profile'> {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
  const out: Array<'kprobe' | 'kfunc' | 'tracepoint' | 'profile'> = [];
  if (/(^|[\s,])k(ret)?probe:/m.test(code)) out.push('kprobe');
  if (/(^|[\s,])(kfunc|kretfunc|fentry|fexit):/m.test(code)) out.push('kfunc');
  if (/(^|[\s,])(tracepoint|t|rawtracepoint):/m.test(code)) out.push('tracepoint');
  if (/(^|[\s,])profile:/m.test(code)) out.push('profile');
  return out;
}

/**
 * The plain-words reason the text of an upstream tool cannot run on a host whose check found these
 * probe types (checked against the file as read, not only the listing, which may be older), or null.
 */
export function scriptBlocker(name: string, text: string, probes: Partial<Record<string, { ok: boolean; message?: string }>>): string | null {
  const what: Record<string, string> = { kprobe: 'kprobes', kfunc: 'kfuncs (fentry)', tracepoint: 'tracepoints', profile: 'profile probes' };
  const missing = scriptProbeTypes(text).filter((p) => probes[p]?.ok === false);
  if (missing.length === 0) return null;
  if (missing.length === 1 && missing[0] === 'kprobe') return upstreamBlocker({ name, usesKprobes: true } as UpstreamTool, false);
  return `${name}.bt uses ${missing.map((p) => what[p]).join(' and ')}, which cannot attach on this host (${missing
    .map((p) => probes[p]?.message ?? `${p} probes are not available`)
    .join('; ')}): it cannot run here.`;
}
