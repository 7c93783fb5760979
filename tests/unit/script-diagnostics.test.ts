/**
 * bpftrace's messages about a custom script, placed at their lines (lib/scripts/diagnostics), on the
 * real stderr of the compile-only check on bpftrace 0.17 and 0.23 (tests/fixtures/custom-check/,
 * captured by its capture.sh on fleet11 and fleet21), and on hostile input.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBpftraceDiagnostics, scriptStderr } from '@/lib/scripts/diagnostics';

const DIR = path.join(process.cwd(), 'tests/fixtures/custom-check');
const read = (ver: string, name: string) => fs.readFileSync(path.join(DIR, ver, `${name}.stderr`), 'utf8');
const rc = (ver: string, name: string) => Number(fs.readFileSync(path.join(DIR, ver, `${name}.rc`), 'utf8'));
const program = (name: string) => fs.readFileSync(path.join(DIR, 'programs', `${name}.bt`), 'utf8').split('\n');

describe.each(['0.17.0', '0.23.2'])('bpftrace %s', (ver) => {
  it('a syntax error: at line 4 column 3, with bpftrace’s own words, and the check failed', () => {
    const d = parseBpftraceDiagnostics(read(ver, 'syntax'));
    expect(rc(ver, 'syntax')).toBe(1);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ severity: 'error', line: 4, column: 3, endColumn: 9, endLine: null });
    // 0.17: "expecting }", 0.23: "expecting ; or }"
    expect(d[0].message).toMatch(/^syntax error, unexpected call, expecting (; or )?\}$/);
    // the place is where the statement after the missing semicolon starts
    expect(program('syntax')[3].slice(2, 8)).toBe('printf');
  });

  it('an unknown function: its line, and the columns bpftrace underlined are the name', () => {
    const [d, ...rest] = parseBpftraceDiagnostics(read(ver, 'unknown_function'));
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ severity: 'error', line: 6, column: 13, endColumn: 29, message: 'Unknown function: no_such_function' });
    expect(program('unknown_function')[5].slice(d.column! - 1, d.endColumn! - 1)).toBe('no_such_function');
  });

  it('a missing tracepoint field and a missing tracepoint', () => {
    expect(parseBpftraceDiagnostics(read(ver, 'bad_field'))).toEqual([
      {
        severity: 'error',
        line: 4,
        column: 3,
        endLine: null,
        endColumn: 24,
        message: "Struct/union of type 'struct _tracepoint_syscalls_sys_enter_openat' does not contain a field named 'no_such_field'",
      },
    ]);
    expect(parseBpftraceDiagnostics(read(ver, 'unknown_tracepoint'))).toEqual([
      { severity: 'error', line: 1, column: 1, endLine: null, endColumn: 42, message: 'tracepoint not found: no_such_category:no_such_event' },
    ]);
  });

  it('two errors on two lines: both, in order', () => {
    const d = parseBpftraceDiagnostics(read(ver, 'two_errors'));
    expect(d.map((x) => [x.line, x.column])).toEqual([
      [2, 3],
      [5, 3],
    ]);
    expect(d[0].message).toMatch(/^printf: %d specifier expects a value of type int(eger)? \(string supplied\)$/);
    expect(d[1].message).toBe('printf: Too many arguments for format string (2 supplied, 1 expected)');
  });

  it('a warning over a range of lines (`1-2`), on a script that compiles (exit 0)', () => {
    expect(rc(ver, 'kprobe_warning')).toBe(0);
    expect(parseBpftraceDiagnostics(read(ver, 'kprobe_warning'))).toEqual([
      {
        severity: 'warning',
        line: 1,
        column: null,
        endLine: 2,
        endColumn: null,
        message: 'vfs_read is not traceable (either non-existing, inlined, or marked as "notrace"); attaching to it will likely fail',
      },
    ]);
  });

  it('a good script: exit 0 and nothing to say (the RLIMIT_MEMLOCK notice is about the host)', () => {
    expect(rc(ver, 'ok')).toBe(0);
    expect(read(ver, 'ok')).toMatch(/RLIMIT_MEMLOCK/);
    expect(parseBpftraceDiagnostics(read(ver, 'ok'))).toEqual([]);
    expect(scriptStderr(read(ver, 'ok'))).toBe('');
    expect(scriptStderr(read(ver, 'syntax'))).toMatch(/^\/tmp\/bpfdeck\.\w{10}\/tool\.bt:4:3-9: ERROR: syntax error/);
  });
});

describe('other input', () => {
  it('0.17 glues a message to the end of a notice: still found; the notice itself is not a script error', () => {
    const glued =
      "Error while reading traceable functions from /sys/kernel/debug/tracing/available_filter_functions: Operation not permittedERROR: Unknown error -1: couldn't set RLIMIT_MEMLOCK for bpftrace.\n" +
      'stdin:1:51-52: ERROR: syntax error, unexpected }\n' +
      'tracepoint:syscalls:sys_enter_openat { @ = count( }\n' +
      '                                                  ~\n';
    expect(parseBpftraceDiagnostics(glued, 'stdin')).toEqual([
      { severity: 'error', line: 1, column: 51, endLine: null, endColumn: 52, message: 'syntax error, unexpected }' },
    ]);
    expect(scriptStderr(glued)).not.toMatch(/RLIMIT|traceable/);
  });

  it('a message about another file (an included header) is not placed on the script’s lines', () => {
    const d = parseBpftraceDiagnostics("/usr/include/linux/x.h:3:1-4: ERROR: unknown type name 'u8'\nu8 a;\n~~~\nERROR: plain trouble\n");
    expect(d).toEqual([
      { severity: 'error', line: null, column: null, endLine: null, endColumn: null, message: "/usr/include/linux/x.h:3:1: unknown type name 'u8'" },
      { severity: 'error', line: null, column: null, endLine: null, endColumn: null, message: 'plain trouble' },
    ]);
  });

  it('hostile input: no crash, bounded, a source line that looks like a message is skipped only under an underline', () => {
    expect(parseBpftraceDiagnostics('')).toEqual([]);
    expect(parseBpftraceDiagnostics('\u0000\u001b[31m\n\r\n:::: ERROR:\n')).toHaveLength(0);
    const many = Array.from({ length: 500 }, (_, i) => `tool.bt:${i + 1}:1: ERROR: e${i}`).join('\n');
    const d = parseBpftraceDiagnostics(many);
    expect(d).toHaveLength(100);
    expect(d[99]).toMatchObject({ line: 100, message: 'e99' });
    expect(parseBpftraceDiagnostics(`tool.bt:1:1: ERROR: ${'x'.repeat(10_000)}`)[0].message).toHaveLength(2000);
  });
});
