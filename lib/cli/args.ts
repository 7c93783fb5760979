/**
 * The bpfdeck command line: argument parsing (pure: argv in, a typed command or a UsageError out) and
 * the help texts. What the commands do lives beside this file (tools.ts, import.ts, run-*.ts).
 */

/** --export <format> [-o FILE] [--no-kernel-suffix]: one export file instead of the JSON/summary */
export interface CliExport {
  format: CliExportFormat;
  /** null: stdout */
  output: string | null;
  kernelSuffix: boolean;
}
export const CLI_EXPORT_FORMATS = ['folded', 'pprof', 'csv', 'json', 'svg'] as const;
export type CliExportFormat = (typeof CLI_EXPORT_FORMATS)[number];

export type CliCommand =
  | { cmd: 'help'; topic: CommandName | null }
  | { cmd: 'tools'; json: boolean }
  | { cmd: 'hosts'; selector: string | null; json: boolean }
  | { cmd: 'import'; toolId: string | null; file: string; bpftraceVersion: string | null; export: CliExport | null }
  | {
      cmd: 'run';
      toolId: string;
      /** null: the tool's default duration */
      durationSec: number | null;
      target: { kind: 'host'; name: string } | { kind: 'local' };
      json: boolean;
      params: Record<string, number>;
      export: CliExport | null;
    }
  | { cmd: 'worker'; concurrency: number | null };

export type CommandName = 'tools' | 'hosts' | 'import' | 'run' | 'worker';
const COMMANDS: readonly CommandName[] = ['tools', 'hosts', 'import', 'run', 'worker'];

/** Wrong usage: exit status 2, the message and a pointer to --help on stderr. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly topic: CommandName | null = null,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export const HELP: Record<'main' | CommandName, string> = {
  main: `bpfdeck - run bpfdeck's bpftrace tools from the command line

usage: bpfdeck <command> [options]

commands:
  tools     list the tool catalog and, for each registered host, which variant each tool gets there
  hosts     list registered hosts, optionally picked by a selector (--selector 'role=web,az=b')
  import    decode a saved \`bpftrace -f json\` capture with a tool's parser, print the result as JSON
  run       run a tool on a registered host (over SSH) or on this machine (--local, as root)
  worker    execute runs from the PostgreSQL run queue until SIGTERM (the scaled form)
  help      help on a command: bpfdeck help <command>, or bpfdeck <command> --help
            (through npx, \`npx bpfdeck help\`: a bare \`npx bpfdeck --help\` shows npx's own help)

The database is the server's: BPFDECK_DATA_DIR (default: .data in the bpfdeck directory).
Exit status: 0 done, 1 failed, 2 wrong usage.
`,
  tools: `usage: bpfdeck tools [--json]

Lists every tool (id, title, overhead, durations, variants, parameters) and, for each host registered in
the database, the variant each tool would run there, or why it cannot run (from the host's last check).

  --json    machine-readable output
`,
  hosts: `usage: bpfdeck hosts [--selector <selector>] [--json]

Lists the registered hosts (name, user@address:port, identity, jump hosts, tags), or only those a
selector picks. Selector: terms joined by commas, all of which must match (AND):
  key=pattern    tag key has a value matching pattern     role=web   az=b
  key!=pattern   tag key is missing or does not match     env!=prod
  key            tag key is present                       gpu
  name=pattern   the host's name (address=pattern: its address)   name=db-*
Patterns match the whole value; * is any run of characters, ? exactly one. No other globs, no OR.

  --selector S   only the hosts S picks (none: exit status 1 and "matches no host")
  --json         machine-readable output
`,
  import: `usage: bpfdeck import [--tool <id>] [--bpftrace-version <version>] [--export <format> [-o FILE]]
                      <capture.jsonl | ->

Decodes a capture saved from \`bpftrace -f json <any program>\` (stdout only; "-" reads stdin) and prints
the typed result as JSON on stdout. With --tool, the tool's parser; when the capture is not that tool's
output, the generic result is printed, the reason goes to stderr and the exit status is 1. Without
--tool, the generic result (views chosen by the output's shape), or the view of a catalog tool
recognised from its records (profile). The file is read in chunks: memory stays
bounded whatever its size.

  --tool <id>                  the tool whose script made the capture
  --bpftrace-version <version> the bpftrace that printed it (e.g. 0.23.2): decides how map keys are
                               unescaped; without it, the keys themselves decide
  --export <format>            write one export file instead of the JSON: folded, pprof, csv, json, svg
                               (the same bytes as the report's download of this capture)
  -o, --output <file>          where to write it (default stdout)
  --no-kernel-suffix           folded/pprof: no "_[k]" on kernel frames
`,
  worker: `usage: bpfdeck worker [--concurrency <n>]

Executes runs from the durable run queue (PostgreSQL: DATABASE_URL=postgresql://...) until SIGTERM or
SIGINT, then stops its running runs with their maps kept and stored, and exits. Start as many as you
like, on any machines that reach the database and the hosts; web instances then execute nothing.

  --concurrency <n>   runs this worker executes at once (default BPFDECK_WORKER_CONCURRENCY, 16)

BPFDECK_MAX_CONCURRENT_RUNS limits the runs over all workers; BPFDECK_RUN_LEASE_SEC (15) is how long
a killed worker's runs stay "running" before they are failed ("worker lost").
`,
  run: `usage: bpfdeck run --tool <id> [--duration <seconds>] (--host <name> | --local) [--json]
                   [--param <name>=<integer>]...

Runs a tool for a fixed time and prints its result.
  --host <name>   a host registered in the database (by its name); the run is recorded there as on the
                  web page, with progress on stderr
  --local         on this machine, with the local bpftrace (needs root); not recorded
  --duration <s>  whole seconds, within the tool's limits (default: the tool's default duration)
  --param n=v     a tool parameter, e.g. --param minLatencyMs=5 for ext4slower (see \`bpfdeck tools\`)
  --json          print the typed result as JSON on stdout (otherwise a short summary)
  --export <fmt>  write one export file of the result instead: folded, pprof, csv, json, svg (the same
                  bytes as the web download of the run); -o/--output <file> (default stdout);
                  --no-kernel-suffix: folded/pprof without "_[k]" on kernel frames
`,
};

type OptSpec = Record<string, 'flag' | 'value' | 'multi'>;

const SPECS: Record<CommandName, OptSpec> = {
  tools: { json: 'flag' },
  hosts: { selector: 'value', json: 'flag' },
  import: { tool: 'value', 'bpftrace-version': 'value', export: 'value', output: 'value', 'no-kernel-suffix': 'flag' },
  worker: { concurrency: 'value' },
  run: {
    tool: 'value',
    duration: 'value',
    host: 'value',
    local: 'flag',
    json: 'flag',
    param: 'multi',
    export: 'value',
    output: 'value',
    'no-kernel-suffix': 'flag',
  },
};

interface Parsed {
  flags: Set<string>;
  values: Map<string, string>;
  multi: Map<string, string[]>;
  positional: string[];
}

function parseOptions(argv: string[], spec: OptSpec, topic: CommandName): Parsed | 'help' {
  const out: Parsed = { flags: new Set(), values: new Map(), multi: new Map(), positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] === '-o' && spec.output ? '--output' : argv[i];
    if (a === '--help' || a === '-h') return 'help';
    if (a === '--') {
      out.positional.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('--') || a === '-') {
      if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`, topic);
      out.positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq === -1 ? undefined : eq);
    const kind = spec[name];
    if (!kind) throw new UsageError(`unknown option --${name}`, topic);
    if (kind === 'flag') {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`, topic);
      out.flags.add(name);
      continue;
    }
    let value: string;
    if (eq !== -1) value = a.slice(eq + 1);
    else {
      if (i + 1 >= argv.length || argv[i + 1].startsWith('--')) throw new UsageError(`--${name} needs a value`, topic);
      value = argv[++i];
    }
    if (kind === 'multi') out.multi.set(name, [...(out.multi.get(name) ?? []), value]);
    else {
      if (out.values.has(name)) throw new UsageError(`--${name} given twice`, topic);
      out.values.set(name, value);
    }
  }
  return out;
}

const TOOL_ID = /^[a-z0-9-]{1,32}$/;

function exportOption(p: Parsed, topic: CommandName): CliExport | null {
  const f = p.values.get('export');
  const output = p.values.get('output') ?? null;
  if (f === undefined) {
    if (output !== null || p.flags.has('no-kernel-suffix')) throw new UsageError('-o/--output and --no-kernel-suffix go with --export <format>', topic);
    return null;
  }
  if (!(CLI_EXPORT_FORMATS as readonly string[]).includes(f)) {
    throw new UsageError(`--export: one of ${CLI_EXPORT_FORMATS.join(', ')} (got ${JSON.stringify(f).slice(0, 40)})`, topic);
  }
  if (output === '') throw new UsageError('-o/--output: a file name', topic);
  return { format: f as CliExportFormat, output, kernelSuffix: !p.flags.has('no-kernel-suffix') };
}

function toolId(p: Parsed, topic: CommandName): string {
  const id = p.values.get('tool');
  if (id === undefined) throw new UsageError('--tool <id> is required (see `bpfdeck tools`)', topic);
  if (!TOOL_ID.test(id)) throw new UsageError(`--tool: not a tool id: ${JSON.stringify(id).slice(0, 60)}`, topic);
  return id;
}

/** Whole seconds, 1..3600 (the tool's own limits are checked later, against the catalog). */
export function parseDurationSec(s: string): number {
  if (!/^\d{1,4}$/.test(s) || Number(s) < 1 || Number(s) > 3600) {
    throw new UsageError(`--duration: whole seconds from 1 to 3600 (got ${JSON.stringify(s).slice(0, 40)})`, 'run');
  }
  return Number(s);
}

/** "name=123" -> [name, 123]: integers only, since a parameter only ever becomes a number in a script. */
export function parseParam(s: string): [string, number] {
  const m = /^([A-Za-z][A-Za-z0-9]{0,31})=(-?\d{1,15})$/.exec(s);
  if (!m) throw new UsageError(`--param: expected <name>=<integer>, e.g. minLatencyMs=5 (got ${JSON.stringify(s).slice(0, 60)})`, 'run');
  return [m[1], Number(m[2])];
}

export function parseArgs(argv: readonly string[]): CliCommand {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('no command given');
  if (first === '--help' || first === '-h') return { cmd: 'help', topic: null };
  if (first === 'help') {
    if (rest.length === 0) return { cmd: 'help', topic: null };
    if (rest.length > 1 || !COMMANDS.includes(rest[0] as CommandName)) throw new UsageError(`help: no such command ${JSON.stringify(rest.join(' '))}`);
    return { cmd: 'help', topic: rest[0] as CommandName };
  }
  if (!COMMANDS.includes(first as CommandName)) throw new UsageError(`unknown command ${JSON.stringify(first).slice(0, 60)}`);
  const topic = first as CommandName;
  const p = parseOptions([...rest], SPECS[topic], topic);
  if (p === 'help') return { cmd: 'help', topic };

  switch (topic) {
    case 'tools':
      if (p.positional.length) throw new UsageError(`tools takes no arguments (got ${p.positional[0]})`, topic);
      return { cmd: 'tools', json: p.flags.has('json') };
    case 'hosts':
      if (p.positional.length) throw new UsageError(`hosts takes no positional arguments (got ${p.positional[0]})`, topic);
      return { cmd: 'hosts', selector: p.values.get('selector') ?? null, json: p.flags.has('json') };
    case 'import': {
      // --tool is optional: without it the capture gets the generic result (or a tool recognised from its records)
      const id = p.values.has('tool') ? toolId(p, topic) : null;
      if (p.positional.length !== 1) throw new UsageError('import needs exactly one capture file (or - for stdin)', topic);
      const v = p.values.get('bpftrace-version') ?? null;
      if (v !== null && !/^v?\d+\.\d+(\.\d+)?$/.test(v)) throw new UsageError(`--bpftrace-version: like 0.23.2 (got ${JSON.stringify(v).slice(0, 40)})`, topic);
      return { cmd: 'import', toolId: id, file: p.positional[0], bpftraceVersion: v, export: exportOption(p, topic) };
    }
    case 'worker': {
      if (p.positional.length) throw new UsageError(`worker takes no positional arguments (got ${p.positional[0]})`, topic);
      const c = p.values.get('concurrency');
      if (c !== undefined && !/^[1-9]\d{0,2}$/.test(c))
        throw new UsageError(`--concurrency: a whole number from 1 to 999 (got ${JSON.stringify(c).slice(0, 40)})`, topic);
      return { cmd: 'worker', concurrency: c === undefined ? null : Number(c) };
    }
    case 'run': {
      const id = toolId(p, topic);
      if (p.positional.length) throw new UsageError(`run takes no positional arguments (got ${p.positional[0]})`, topic);
      const host = p.values.get('host');
      const local = p.flags.has('local');
      if ((host === undefined) === !local) throw new UsageError('run needs exactly one of --host <name> or --local', topic);
      if (host !== undefined && (host.length === 0 || host.length > 200)) throw new UsageError('--host: a host name', topic);
      const dur = p.values.get('duration');
      const params: Record<string, number> = {};
      for (const s of p.multi.get('param') ?? []) {
        const [k, v] = parseParam(s);
        if (Object.hasOwn(params, k)) throw new UsageError(`--param ${k} given twice`, topic);
        params[k] = v;
      }
      return {
        cmd: 'run',
        toolId: id,
        durationSec: dur === undefined ? null : parseDurationSec(dur),
        target: host !== undefined ? { kind: 'host', name: host } : { kind: 'local' },
        json: p.flags.has('json'),
        params,
        export: exportOption(p, topic),
      };
    }
  }
}
