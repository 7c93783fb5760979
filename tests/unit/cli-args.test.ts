import { describe, expect, it } from 'vitest';
import { HELP, parseArgs, parseDurationSec, parseParam, UsageError } from '@/lib/cli/args';
import { resolveRunRequest } from '@/lib/cli/validate';
import { listTools } from '@/lib/tools/catalog';

function usage(argv: string[]): UsageError {
  try {
    parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error(`no usage error for ${JSON.stringify(argv)}`);
}

describe('parseArgs', () => {
  it('help: --help, -h, help <command>, <command> --help', () => {
    expect(parseArgs(['--help'])).toEqual({ cmd: 'help', topic: null });
    expect(parseArgs(['-h'])).toEqual({ cmd: 'help', topic: null });
    expect(parseArgs(['help'])).toEqual({ cmd: 'help', topic: null });
    expect(parseArgs(['help', 'run'])).toEqual({ cmd: 'help', topic: 'run' });
    expect(parseArgs(['import', '--tool', 'x', '--help'])).toEqual({ cmd: 'help', topic: 'import' });
    expect(parseArgs(['run', '-h'])).toEqual({ cmd: 'help', topic: 'run' });
    for (const t of ['main', 'tools', 'import', 'run'] as const) expect(HELP[t]).toMatch(/usage: bpfdeck/);
  });

  it('tools [--json]', () => {
    expect(parseArgs(['tools'])).toEqual({ cmd: 'tools', json: false });
    expect(parseArgs(['tools', '--json'])).toEqual({ cmd: 'tools', json: true });
    expect(usage(['tools', 'extra']).message).toMatch(/takes no arguments/);
    expect(usage(['tools', '--json=1']).message).toMatch(/takes no value/);
  });

  it('import --tool <id> [--bpftrace-version v] <file>', () => {
    expect(parseArgs(['import', '--tool', 'profile', 'cap.jsonl'])).toEqual({
      cmd: 'import',
      toolId: 'profile',
      file: 'cap.jsonl',
      bpftraceVersion: null,
      export: null,
    });
    expect(parseArgs(['import', '--tool', 'profile', 'c', '--export', 'pprof', '-o', 'x.pb.gz'])).toMatchObject({
      export: { format: 'pprof', output: 'x.pb.gz', kernelSuffix: true },
    });
    expect(parseArgs(['import', '--tool', 'profile', 'c', '--export=folded', '--no-kernel-suffix'])).toMatchObject({
      export: { format: 'folded', output: null, kernelSuffix: false },
    });
    expect(usage(['import', '--tool', 'profile', 'c', '--export', 'xml']).message).toMatch(/--export: one of folded, pprof, csv, json, svg/);
    expect(usage(['import', '--tool', 'profile', 'c', '-o', 'x']).message).toMatch(/go with --export/);
    expect(parseArgs(['import', 'cap.jsonl', '--tool=profile', '--bpftrace-version=0.23.2'])).toMatchObject({ file: 'cap.jsonl', bpftraceVersion: '0.23.2' });
    expect(parseArgs(['import', '--tool', 'profile', '-'])).toMatchObject({ file: '-' });
    // a file whose name starts with a dash, after --
    expect(parseArgs(['import', '--tool', 'profile', '--', '-odd.jsonl'])).toMatchObject({ file: '-odd.jsonl' });
    // --tool is optional for import: the generic result (or a tool recognised from its records)
    expect(parseArgs(['import', 'cap.jsonl'])).toMatchObject({ cmd: 'import', toolId: null, file: 'cap.jsonl' });
    expect(usage(['import', '--tool', 'profile']).message).toMatch(/exactly one capture file/);
    expect(usage(['import', '--tool', 'profile', 'a', 'b']).message).toMatch(/exactly one capture file/);
    expect(usage(['import', '--tool', 'Profile!', 'a']).message).toMatch(/not a tool id/);
    expect(usage(['import', '--tool', 'profile', '--bpftrace-version', 'latest', 'a']).message).toMatch(/like 0.23.2/);
    expect(usage(['import', '--tool', 'profile', '-x', 'a']).message).toMatch(/unknown option -x/);
    expect(usage(['import', '--tool']).message).toMatch(/--tool needs a value/);
    expect(usage(['import', '--tool', 'a', '--tool', 'b', 'f']).message).toMatch(/given twice/);
    expect(usage(['import', '--tool', 'a']).topic).toBe('import');
  });

  it('run --tool <id> [--duration s] (--host <name> | --local) [--json] [--param n=v]...', () => {
    expect(parseArgs(['run', '--tool', 'ext4slower', '--duration', '10', '--host', 'web-1', '--json'])).toEqual({
      cmd: 'run',
      toolId: 'ext4slower',
      durationSec: 10,
      target: { kind: 'host', name: 'web-1' },
      json: true,
      params: {},
      export: null,
    });
    expect(parseArgs(['run', '--tool', 'profile', '--local', '--export', 'folded', '--output', 'f.txt'])).toMatchObject({
      export: { format: 'folded', output: 'f.txt' },
    });
    expect(parseArgs(['run', '--tool=profile', '--local'])).toMatchObject({ durationSec: null, target: { kind: 'local' }, json: false });
    expect(parseArgs(['run', '--tool', 'ext4slower', '--local', '--param', 'minLatencyMs=5', '--param=other=-3'])).toMatchObject({
      params: { minLatencyMs: 5, other: -3 },
    });
    // a host name is passed through as given (it is looked up, never run)
    expect(parseArgs(['run', '--tool', 'profile', '--host', 'db 1; rm -rf /'])).toMatchObject({ target: { kind: 'host', name: 'db 1; rm -rf /' } });
    expect(usage(['run', '--tool', 'profile']).message).toMatch(/exactly one of --host <name> or --local/);
    expect(usage(['run', '--tool', 'profile', '--host', 'a', '--local']).message).toMatch(/exactly one of/);
    expect(usage(['run', '--tool', 'profile', '--host', '--local']).message).toMatch(/--host needs a value/);
    expect(usage(['run', '--tool', 'profile', '--local', '--duration', '1.5']).message).toMatch(/whole seconds/);
    expect(usage(['run', '--tool', 'profile', '--local', '--duration', '0']).message).toMatch(/whole seconds/);
    expect(usage(['run', '--tool', 'profile', '--local', '--duration', '-5']).message).toMatch(/whole seconds/);
    expect(usage(['run', '--tool', 'profile', '--local', 'extra']).message).toMatch(/no positional/);
    expect(usage(['run', '--tool', 'p', '--local', '--param', 'a=1', '--param', 'a=2']).message).toMatch(/--param a given twice/);
    expect(usage(['run', '--tool', 'p', '--local', '--verbose']).message).toMatch(/unknown option --verbose/);
  });

  it('worker [--concurrency n]', () => {
    expect(parseArgs(['worker'])).toEqual({ cmd: 'worker', concurrency: null });
    expect(parseArgs(['worker', '--concurrency', '8'])).toEqual({ cmd: 'worker', concurrency: 8 });
    expect(parseArgs(['worker', '--help'])).toEqual({ cmd: 'help', topic: 'worker' });
    expect(usage(['worker', '--concurrency', '0']).message).toMatch(/--concurrency: a whole number/);
    expect(usage(['worker', '--concurrency', 'x; rm']).message).toMatch(/--concurrency: a whole number/);
    expect(usage(['worker', 'extra']).message).toMatch(/no positional arguments/);
    expect(HELP.main).toMatch(/^ {2}worker /m);
  });

  it('unknown or missing commands', () => {
    expect(usage([]).message).toMatch(/no command/);
    expect(usage(['frobnicate']).message).toMatch(/unknown command "frobnicate"/);
    expect(usage(['help', 'frobnicate']).message).toMatch(/no such command/);
    expect(usage([]).topic).toBeNull();
  });
});

describe('values', () => {
  it('durations are whole seconds from 1 to 3600', () => {
    expect(parseDurationSec('1')).toBe(1);
    expect(parseDurationSec('3600')).toBe(3600);
    for (const bad of ['', '0', '3601', '1e3', ' 5', '5s', '0x10', '99999']) expect(() => parseDurationSec(bad), bad).toThrow(UsageError);
  });
  it('parameters are name=integer', () => {
    expect(parseParam('minLatencyMs=0')).toEqual(['minLatencyMs', 0]);
    expect(parseParam('x=-12')).toEqual(['x', -12]);
    for (const bad of ['minLatencyMs', 'a=1.5', 'a=', '=3', 'a b=1', 'a=1;id', '9a=1', 'a=1e3', `a=${'9'.repeat(16)}`]) {
      expect(() => parseParam(bad), bad).toThrow(UsageError);
    }
  });
});

describe('resolveRunRequest (against the catalog)', () => {
  const tools = listTools();
  it("uses the tool's default duration and parameter defaults", () => {
    const r = resolveRunRequest(tools, { toolId: 'ext4slower', durationSec: null, params: {} });
    expect(r.tool.id).toBe('ext4slower');
    expect(r.durationSec).toBe(r.tool.defaultDurationSec);
    expect(r.params).toEqual({ minLatencyMs: 10 });
    expect(resolveRunRequest(tools, { toolId: 'ext4slower', durationSec: 5, params: { minLatencyMs: 0 } }).params).toEqual({ minLatencyMs: 0 });
  });
  it('unknown tools, durations out of range and bad parameters are usage errors', () => {
    expect(() => resolveRunRequest(tools, { toolId: 'nope', durationSec: 5, params: {} })).toThrow(/unknown tool nope \(tools: .*ext4slower/);
    expect(() => resolveRunRequest(tools, { toolId: 'profile', durationSec: 61, params: {} })).toThrow(/profile runs for 10 to 60 s/);
    expect(() => resolveRunRequest(tools, { toolId: 'profile', durationSec: 10, params: { minLatencyMs: 1 } })).toThrow(UsageError);
    expect(() => resolveRunRequest(tools, { toolId: 'ext4slower', durationSec: 10, params: { minLatencyMs: 70_000 } })).toThrow(
      /--param: minLatencyMs: a whole number from 0 to 60000/,
    );
  });
});
