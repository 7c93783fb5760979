import { describe, expect, it } from 'vitest';
import { parseFrame, parseStack } from '@/lib/bpftrace/stacks';

describe('parseStack', () => {
  it('0.17 map-key stack: 4-space indent, leaf first, offsets stripped', () => {
    expect(parseStack('\n    bpfdeck_spin_step+57\n    bpfdeck_busy_loop+38\n    main+105\n    __libc_start_call_main+122\n')).toEqual([
      'bpfdeck_spin_step',
      'bpfdeck_busy_loop',
      'main',
      '__libc_start_call_main',
    ]);
  });

  it('0.23 stack: 8-space indent, unresolved frames stay hex, a bare "0" frame is kept', () => {
    expect(parseStack('\n        __pthread_once+2\n        0\n        0x7fa766fc35d0\n        0x894838ec83485355\n')).toEqual([
      '__pthread_once',
      '0',
      '0x7fa766fc35d0',
      '0x894838ec83485355',
    ]);
  });

  it('empty stacks: "" (0.17) and "\\n" (0.23)', () => {
    expect(parseStack('')).toEqual([]);
    expect(parseStack('\n')).toEqual([]);
  });

  it('symbols with dots, and demangled C++ names with spaces and parens', () => {
    expect(
      parseStack(
        '\n        finish_task_switch.isra.0+147\n        node::StartExecution(node::Environment*, std::function<v8::MaybeLocal<v8::Value> (node::StartExecutionCallbackInfo const&)>)+3326\n',
      ),
    ).toEqual([
      'finish_task_switch.isra.0',
      'node::StartExecution(node::Environment*, std::function<v8::MaybeLocal<v8::Value> (node::StartExecutionCallbackInfo const&)>)',
    ]);
  });

  it('perf mode: address then symbol; user frames end in a module', () => {
    expect(parseStack('\n\tffffffff81249089 x64_sys_call+89\n\tffffffff8100abcd do_syscall_64+113\n')).toEqual(['x64_sys_call', 'do_syscall_64']);
    expect(parseStack('\t7ff87a1af8bb 0x7ff87a1af8bb ([unknown])\n\t7ff87a100000 __libc_start_call_main+122 (/usr/lib/x86_64-linux-gnu/libc.so.6)\n')).toEqual([
      '0x7ff87a1af8bb',
      '__libc_start_call_main',
    ]);
  });

  it('parseFrame: blank lines, hex offsets', () => {
    expect(parseFrame('    ')).toBeNull();
    expect(parseFrame('    foo+0x1a')).toBe('foo');
    expect(parseFrame('    __pfx_clear_bss+0')).toBe('__pfx_clear_bss');
    expect(parseFrame('    a+b')).toBe('a+b');
  });
});
